import ArgumentParser
import RelControlAPI

/// `relctl sync`
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Run one sync round with the feed now, and report what it did.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let data = try await global.client.send(.POST, Routes.sync, timeout: .hours(1))
        if global.json { return printRaw(data) }
        printText(HumanOutput.sync(try decode(SyncResponse.self, data)))
    }
}
