import ArgumentParser
import RelControlAPI

/// `relctl delete ID`
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a record (kept as a tombstone so the deletion can sync).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The record's id.")
    var id: String

    func run() async throws {
        let data = try await global.client.send(.delete, Routes.record(try checkedID(id)))
        if global.json { return printRaw(data) }
        printText("Deleted \(id).\n")
    }
}
