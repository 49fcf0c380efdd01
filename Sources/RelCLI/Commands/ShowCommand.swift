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

            With --as-of TIME, the record is rebuilt as it stood then, from the changes stamped at \
            or before TIME (by their writers' clocks): TIME is 2026-11-30T12:00:00Z (or with an \
            offset, +01:00), or a date (2026-11-30, 2026-11, 2026), and means the end of what it \
            names: the changes made during that second, minute or day (UTC) count. \
            A record deleted then is shown marked as deleted; --json prints {"deleted", "record"}.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Also show a deleted record (its tombstone), marked as deleted.")
    var deleted = false

    @Option(help: ArgumentHelp("Show the record as it stood at this time or date (UTC).", valueName: "time"))
    var asOf: String?

    @Argument(help: "The record's id.")
    var id: String

    func validate() throws {
        guard let asOf else { return }
        do throws(DateError) { _ = try AsOfTime(parsing: asOf) } catch {
            throw ValidationError("--as-of \(JSONText.quoted(asOf)): \(error.reason)")
        }
    }

    func run() async throws {
        if let asOf { return try await showAsOf(asOf) }
        let query = deleted ? [(RecordQuery.includeDeleted, "true")] : []
        let data = try await global.client.send(.get, Routes.record(try checkedID(id)), query: query)
        if global.json { return printRaw(data) }
        guard deleted else { return printText(HumanOutput.record(try decode(JSONValue.self, data))) }
        let state = try decode(RecordStateResponse.self, data)
        guard state.deleted else { return printText(HumanOutput.record(state.record)) }
        printText(
            "DELETED: this is the tombstone of \(id); `relctl restore \(id)` brings it back.\n"
                + HumanOutput.record(state.record))
    }
}

extension ShowCommand {
    func showAsOf(_ asOf: String) async throws {
        let data = try await global.client.send(.get, Routes.record(try checkedID(id)), query: [(RecordQuery.asOf, asOf)])
        if global.json { return printRaw(data) }
        let state = try decode(RecordStateResponse.self, data)
        let heading = state.deleted ? "DELETED at \(asOf): its tombstone then." : "As of \(asOf):"
        printText(TerminalText.escaped(heading) + "\n" + HumanOutput.record(state.record))
    }
}

/// The id, or a usage error if it cannot be one (so it never reaches a URL unescaped).
func checkedID(_ id: String) throws -> String {
    guard RecordID.isValid(id) else { throw ValidationError("record id \(JSONText.quoted(id)): \(RecordID.rule)") }
    return id
}
