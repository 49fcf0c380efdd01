import ArgumentParser
import RelControlAPI

/// `relctl restore ID`
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Bring back a deleted record with its latest values.",
        discussion:
            "A record that is not deleted is left as it is, and relctl says so. --json prints {\"id\": ID, \"restored\": true|false}.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The record's id.")
    var id: String

    func run() async throws {
        let data = try await global.client.send(.post, Routes.restore(try checkedID(id)))
        if global.json { return printRaw(data) }
        let answer = try decode(RestoreResponse.self, data)
        printText(answer.restored ? "Restored \(id).\n" : "\(id) is not deleted; nothing to restore.\n")
    }
}
