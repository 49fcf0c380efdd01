import ArgumentParser
import RelControlAPI

/// `relctl status`
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show reld's version, uptime, node, record counts, pending changes and paths.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let data = try await global.client.send(.get, Routes.status)
        if global.json { return printRaw(data) }
        printText(HumanOutput.status(try decode(StatusResponse.self, data)))
    }
}
