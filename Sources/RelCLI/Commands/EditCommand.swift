import ArgumentParser
import Foundation
import OrderedCollections
import RelControlAPI
import RelModel

/// `relctl edit ID --set FIELD=VALUE ... --add FIELD=VALUE ... --remove FIELD=VALUE ...`
struct EditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit", abstract: "Change fields of a record.",
        discussion: """
            FIELD is a field name (title, category, date, parties, claim_status, notes, ...) or a path \
            into an object field (source.url, location.name, date.start). VALUE is read for the field: \
            text as is, lists as comma-separated items (parties=ML,RU) or a JSON array, dates as for \
            add-event, objects as JSON. A list or object value that starts with [ or { must be valid \
            JSON. --unset returns a field to null or its default.

            --add and --remove change one item of a list of texts (tags, parties, related_ids, \
            subject_areas, alliance_obligations) and leave the others alone: reld works out the new \
            list when it writes it, so two edits of different items do not undo each other. Adding \
            an item that is there already changes nothing; removing one that is not there is an \
            error and nothing is changed.

            Example: relctl edit mlru-e05 --set claim_status=disputed --add tags=coup --remove tags=visit
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The record's id.")
    var id: String

    @Option(name: .customLong("set"), help: ArgumentHelp("FIELD=VALUE. Repeatable.", valueName: "field=value"))
    var assignments: [String] = []

    @Option(name: .customLong("unset"), help: ArgumentHelp("A field to clear. Repeatable.", valueName: "field"))
    var unsets: [String] = []

    @Option(name: .customLong("add"), help: ArgumentHelp("Add an item to a list: FIELD=ITEM. Repeatable.", valueName: "field=item"))
    var additions: [String] = []

    @Option(name: .customLong("remove"), help: ArgumentHelp("Remove an item from a list: FIELD=ITEM. Repeatable.", valueName: "field=item"))
    var removals: [String] = []

    func validate() throws {
        _ = try checkedID(id)
        guard !assignments.isEmpty || !unsets.isEmpty || !additions.isEmpty || !removals.isEmpty else {
            throw ValidationError("nothing to change: give --set FIELD=VALUE, --unset FIELD, --add FIELD=ITEM or --remove FIELD=ITEM")
        }
        for (option, list) in [("--set", assignments), ("--add", additions), ("--remove", removals)] {
            for a in list where !a.contains("=") {
                throw ValidationError("\(option) \(JSONText.quoted(a)): expected FIELD=\(option == "--set" ? "VALUE" : "ITEM")")
            }
        }
        _ = try request()
    }

    func run() async throws {
        // reld reads the kind from the record it edits; the values are read here by the field's
        // type, which is the same for both kinds, so no round trip is needed first.
        let body = try request()
        let data = try await global.client.send(.patch, Routes.record(id), body: Data(JSONText.compact(body).utf8))
        if global.json { return printRaw(data) }
        printText("Updated \(id).\n")
    }

    /// The PATCH body: `{"set": {...}, "add": {...}, "remove": {...}}`, the empty parts left out.
    func request() throws -> JSONValue {
        var body = OrderedDictionary<String, JSONValue>()
        let edits = try Self.edits(assignments: assignments, unsets: unsets)
        if !edits.isEmpty { body["set"] = .object(edits) }
        let added = try Self.items(additions, option: "--add")
        if !added.isEmpty { body["add"] = .object(added) }
        let removed = try Self.items(removals, option: "--remove")
        if !removed.isEmpty { body["remove"] = .object(removed) }
        return .object(body)
    }

    /// Reads `FIELD=VALUE` assignments and fields to unset into the API's `set` object.
    static func edits(assignments: [String], unsets: [String]) throws -> OrderedDictionary<String, JSONValue> {
        var edits = OrderedDictionary<String, JSONValue>()
        for a in assignments {
            let eq = a.firstIndex(of: "=")!
            let field = String(a[..<eq])
            let text = String(a[a.index(after: eq)...])
            guard edits[field] == nil else { throw ValidationError("--set \(field)=...: given twice; give each field once") }
            do { edits[field] = try FieldInput.value(forPath: field, text: text) } catch {
                throw ValidationError(
                    "--set \(JSONText.quoted(a)): \(error.reason)" + examples(field, option: "--set", prefix: "\(field)="))
            }
        }
        for field in unsets {
            guard edits[field] == nil else { throw ValidationError("--unset \(field): the field is also in --set; give one of them") }
            do { edits[field] = try FieldInput.unsetValue(forPath: field) } catch {
                throw ValidationError("--unset \(field): \(error.reason)")
            }
        }
        return edits
    }

    /// `--add` / `--remove` items by field, each a list of texts.
    static func items(_ list: [String], option: String) throws -> OrderedDictionary<String, JSONValue> {
        var out = OrderedDictionary<String, JSONValue>()
        for a in list {
            let eq = a.firstIndex(of: "=")!
            let field = String(a[..<eq])
            let item = a[a.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard let kind = FieldInput.kind(forPath: field), FieldInput.isTextList(field, kind: kind) else {
                throw ValidationError(
                    "\(option) \(JSONText.quoted(a)): \(field) is not a list of texts; \(option) works on tags, parties, related_ids, subject_areas and alliance_obligations (use --set for other fields)"
                )
            }
            guard !item.isEmpty else { throw ValidationError("\(option) \(JSONText.quoted(a)): give the item after =") }
            out[field, default: []] = .array((out[field]?.arrayValue ?? []) + [.string(item)])
        }
        return out
    }

    /// ", e.g. --set tags=visit,summit or --set 'tags=["visit","summit"]'" for a structured field.
    static func examples(_ field: String, option: String, prefix: String) -> String {
        guard let kind = FieldInput.kind(forPath: field) else { return "" }
        let shown = FieldInput.examples(forPath: field, kind: kind).map { example in
            let word = option + " " + prefix + example
            return example.contains(where: { " \"[]{}*?".contains($0) }) ? "\(option) '\(prefix)\(example)'" : word
        }
        return shown.isEmpty ? "" : ", e.g. " + shown.joined(separator: " or ")
    }
}
