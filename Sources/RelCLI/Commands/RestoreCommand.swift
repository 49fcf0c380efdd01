import ArgumentParser
import RelControlAPI

/// `relctl restore ID`
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Bring back a deleted record with its latest values.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The record's id.")
    var id: String

    func run() async throws {
        let data = try await global.client.send(.POST, Routes.restore(try checkedID(id)))
        if global.json { return printRaw(data) }
        printText("Restored \(id) (if it was deleted; a live record is left as it is).\n")
    }
}
