import ArgumentParser
import OrderedCollections
import RelModel

/// The options `add-event` and `add-agreement` share, and how they become a record.
struct RecordOptions: ParsableArguments {
    @Option(help: "A stable id (default: a new UUID).")
    var id: String?

    @Option(help: "A neutral one-line summary.")
    var title: String

    @Option(help: ArgumentHelp("Main category: \(Vocabulary.categories.joined(separator: ", ")).", valueName: "category"))
    var category: String

    @Option(
        help: ArgumentHelp(
            """
            When: 2023-02-07, 2023-02 or 2023; 1960/1991 (interval), 2022/.. (open interval), \
            1960..1961 (uncertain window); add ~ for approximate (2023-02~); unknown.
            """, valueName: "date"))
    var date: String?

    @Option(
        name: .customLong("party"), help: ArgumentHelp("A party: country code (ML) or organisation name. Repeatable.", valueName: "party"))
    var parties: [String] = []

    @Option(
        name: .customLong("actor"),
        help: ArgumentHelp(
            "An actor: \(FieldInput.actorFormat), e.g. 'Wagner Group:private_military_company:source'. Repeatable.", valueName: "actor"))
    var actors: [String] = []

    @Option(help: ArgumentHelp("Where: \(FieldInput.locationFormat), e.g. Bamako:ML.", valueName: "place"))
    var location: String?

    @Option(help: ArgumentHelp("Claim status: reported, alleged or disputed (default reported).", valueName: "status"))
    var claim: String?

    @Option(name: .customLong("source-title"), help: "Title of the source.")
    var sourceTitle: String?

    @Option(name: .customLong("source-url"), help: "URL of the source.")
    var sourceURL: String?

    @Option(help: "The passage of the source this record rests on.")
    var quote: String?

    @Option(name: .customLong("tag"), help: ArgumentHelp("A tag. Repeatable.", valueName: "tag"))
    var tags: [String] = []

    @Option(help: "Free notes: vague dates, inferences, contested wording.")
    var notes: String?

    @Option(name: .customLong("related"), help: ArgumentHelp("Id of a related record. Repeatable.", valueName: "id"))
    var related: [String] = []

    func validate() throws {
        if let date { _ = try parseDate(date, option: "--date") }
        for actor in actors { _ = try shortForm(actor, option: "--actor", FieldInput.actor) }
        if let location { _ = try shortForm(location, option: "--location", FieldInput.location) }
    }

    /// The record as JSON, for the daemon to validate and store.
    func json(kind: RecordKind) throws -> OrderedDictionary<String, JSONValue> {
        var o: OrderedDictionary<String, JSONValue> = ["kind": .string(kind.rawValue)]
        if let id { o["id"] = .string(id) }
        o["title"] = .string(title)
        o["category"] = .string(category)
        if let date { o["date"] = try parseDate(date, option: "--date").json }
        if !parties.isEmpty { o["parties"] = .array(parties.map(JSONValue.string)) }
        if !actors.isEmpty { o["actors"] = .array(try actors.map { try shortForm($0, option: "--actor", FieldInput.actor) }) }
        if let location { o["location"] = try shortForm(location, option: "--location", FieldInput.location) }
        if let claim { o["claim_status"] = .string(claim) }
        if sourceTitle != nil || sourceURL != nil || quote != nil {
            var s: OrderedDictionary<String, JSONValue> = [:]
            if let sourceTitle { s["title"] = .string(sourceTitle) }
            if let sourceURL { s["url"] = .string(sourceURL) }
            if let quote { s["quote"] = .string(quote) }
            o["source"] = .object(s)
        }
        if !tags.isEmpty { o["tags"] = .array(tags.map(JSONValue.string)) }
        if let notes { o["notes"] = .string(notes) }
        if !related.isEmpty { o["related_ids"] = .array(related.map(JSONValue.string)) }
        return o
    }
}

/// Reads a date option, or fails as a usage error that names the option and the value.
func parseDate(_ text: String, option: String) throws -> DateSpec {
    do { return try DateSpec(parsing: text) } catch {
        throw ValidationError("\(option) \(JSONText.quoted(text)): \(error.reason)")
    }
}

/// Reads an `--actor` or `--location` short form, or fails as a usage error that names the option.
func shortForm(_ text: String, option: String, _ read: (String) throws(FieldError) -> JSONValue) throws -> JSONValue {
    do { return try read(text) } catch {
        throw ValidationError("\(option) \(JSONText.quoted(text)): \(error.reason)")
    }
}

/// Reads a partial date option (`2023`, `2023-02`, `2023-02-07`).
func parsePartialDate(_ text: String, option: String) throws -> PartialDate {
    do { return try PartialDate(parsing: text) } catch {
        throw ValidationError("\(option) \(JSONText.quoted(text)): \(error.reason)")
    }
}
