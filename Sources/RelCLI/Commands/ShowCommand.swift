import ArgumentParser
import RelControlAPI
import RelModel

/// `relctl show ID`
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one record in full.",
        discussion: """
            A deleted record is an error unless --deleted is given: then its tombstone (the values \
            it had when deleted) is shown, marked as deleted. With --deleted, --json prints \
            {"deleted": true|false, "record": {...}}.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Also show a deleted record (its tombstone), marked as deleted.")
    var deleted = false

    @Argument(help: "The record's id.")
    var id: String

    func run() async throws {
        let query = deleted ? [(RecordQuery.includeDeleted, "true")] : []
        let data = try await global.client.send(.GET, Routes.record(try checkedID(id)), query: query)
        if global.json { return printRaw(data) }
        guard deleted else { return printText(HumanOutput.record(try decode(JSONValue.self, data))) }
        let state = try decode(RecordStateResponse.self, data)
        guard state.deleted else { return printText(HumanOutput.record(state.record)) }
        printText(
            "DELETED: this is the tombstone of \(id); `relctl restore \(id)` brings it back.\n"
                + HumanOutput.record(state.record))
    }
}

/// The id, or a usage error if it cannot be one (so it never reaches a URL unescaped).
func checkedID(_ id: String) throws -> String {
    guard RecordID.isValid(id) else { throw ValidationError("record id \(JSONText.quoted(id)): \(RecordID.rule)") }
    return id
}
