import ArgumentParser
import RelControlAPI

/// `relctl conflicts`
struct ConflictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "List fields edited concurrently on several nodes: the value shown, and the values that lost.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let data = try await global.client.send(.get, Routes.conflicts)
        if global.json { return printRaw(data) }
        printText(HumanOutput.conflicts(try decode(ConflictsResponse.self, data).conflicts))
    }
}
