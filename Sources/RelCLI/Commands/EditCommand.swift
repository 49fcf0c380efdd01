import ArgumentParser
import Foundation
import OrderedCollections
import RelControlAPI
import RelModel

/// `relctl edit ID --set FIELD=VALUE ...`
struct EditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit", abstract: "Change fields of a record.",
        discussion: """
            FIELD is a field name (title, category, date, parties, claim_status, notes, ...) or a path \
            into an object field (source.url, location.name, date.start). VALUE is read for the field: \
            text as is, lists as comma-separated items (parties=ML,RU) or a JSON array, dates as for \
            add-event, objects as JSON. --unset returns a field to null or its default.

            Example: relctl edit mlru-e05 --set claim_status=disputed --set tags=coup,military
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The record's id.")
    var id: String

    @Option(name: .customLong("set"), help: ArgumentHelp("FIELD=VALUE. Repeatable.", valueName: "field=value"))
    var assignments: [String] = []

    @Option(name: .customLong("unset"), help: ArgumentHelp("A field to clear. Repeatable.", valueName: "field"))
    var unsets: [String] = []

    func validate() throws {
        _ = try checkedID(id)
        guard !assignments.isEmpty || !unsets.isEmpty else { throw ValidationError("nothing to change: give --set FIELD=VALUE or --unset FIELD") }
        for a in assignments where !a.contains("=") {
            throw ValidationError("--set \(JSONText.quoted(a)): expected FIELD=VALUE")
        }
    }

    func run() async throws {
        // The kind decides how values are read, so fetch the record first.
        let current = try decode(JSONValue.self, try await global.client.send(.GET, Routes.record(id)))
        let kind = current["kind"]?.stringValue.flatMap(RecordKind.init(rawValue:)) ?? .event
        let edits: OrderedDictionary<String, JSONValue>
        do {
            edits = try Self.edits(assignments: assignments, unsets: unsets, kind: kind)
        } catch {
            throw CLIError(.usage, error.description)
        }
        let body = JSONValue.object(["set": .object(edits)])
        let data = try await global.client.send(.PATCH, Routes.record(id), body: Data(JSONText.compact(body).utf8))
        if global.json { return printRaw(data) }
        printText("Updated \(id).\n")
    }

    /// Reads `FIELD=VALUE` assignments and fields to unset into the API's `set` object.
    static func edits(assignments: [String], unsets: [String], kind: RecordKind) throws(RelModel.ValidationError) -> OrderedDictionary<String, JSONValue> {
        var edits = OrderedDictionary<String, JSONValue>()
        for a in assignments {
            let eq = a.firstIndex(of: "=")!
            let field = String(a[..<eq]), text = String(a[a.index(after: eq)...])
            edits[field] = try FieldInput.value(forPath: field, text: text, kind: kind)
        }
        for field in unsets { edits[field] = try FieldInput.unsetValue(forPath: field, kind: kind) }
        return edits
    }
}
