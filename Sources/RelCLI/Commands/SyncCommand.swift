import ArgumentParser
import RelControlAPI

/// `relctl sync`
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Run one sync round with the feed now, and report what it did.",
        discussion: """
            The round is reld's own: Ctrl-C stops relctl waiting for it, not the round, which goes on \
            in reld (relctl status shows it).
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        // The round is reld's own: relctl going away does not stop it, and must not say it does.
        Interrupt.message = "interrupted; the sync round goes on in reld, see `relctl status`"
        ProgressLine.waitingFor = "waiting for reld's sync round"
        let poll = SyncProgressPoll.start(client: global.client)
        defer { poll?.cancel() }
        let data = try await global.client.send(.post, Routes.sync, timeout: .seconds(3600))
        if global.json { return printRaw(data) }
        printText(HumanOutput.sync(try decode(SyncResponse.self, data)))
    }
}
