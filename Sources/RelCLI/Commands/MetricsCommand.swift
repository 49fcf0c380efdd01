import ArgumentParser
import RelControlAPI

/// `relctl metrics`
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print reld's metrics in the Prometheus text format.",
        discussion: """
            Records, pending changes, open conflicts, sync rounds and what they moved, and control \
            requests, read when asked. Prometheus cannot scrape a Unix socket; for node_exporter's \
            textfile collector, write a temporary file from a timer and rename it into place: \
            relctl metrics > DIR/reld.prom.new && mv DIR/reld.prom.new DIR/reld.prom
            """)

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        // The text is the machine format already; JSON of it would be a second, made-up one.
        if global.json { throw ValidationError("--json: metrics are Prometheus text, which tools read as it is; leave out --json") }
    }

    func run() async throws {
        printRaw(try await global.client.send(.get, Routes.metrics))
    }
}
