import ArgumentParser
import RelControlAPI
import RelModel

/// `relctl show ID`
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one record in full.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The record's id.")
    var id: String

    func run() async throws {
        let data = try await global.client.send(.GET, Routes.record(try checkedID(id)))
        if global.json { return printRaw(data) }
        printText(HumanOutput.record(try decode(JSONValue.self, data)))
    }
}

/// The id, or a usage error if it cannot be one (so it never reaches a URL unescaped).
func checkedID(_ id: String) throws -> String {
    guard RecordID.isValid(id) else { throw ValidationError("record id \(JSONText.quoted(id)): \(RecordID.rule)") }
    return id
}
