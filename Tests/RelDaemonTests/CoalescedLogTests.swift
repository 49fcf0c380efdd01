import Foundation
import Logging
import RelService
import Testing

/// The shared log that keeps a flood of one event (refused connections, accept failures) to one
/// line per window, and bounds its memory whoever sends.
@Suite struct CoalescedLogTests {
    /// Keeps each line's message and metadata.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [(message: String, metadata: Logger.Metadata)] = []

        var logger: Logger { Logger(label: "test") { _ in Handler(lines: self) } }
        var all: [(message: String, metadata: Logger.Metadata)] { lock.withLock { lines } }

        fileprivate func append(_ message: String, _ metadata: Logger.Metadata) {
            lock.withLock { lines.append((message, metadata)) }
        }

        struct Handler: LogHandler {
            let lines: Lines
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .trace
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }
            func log(event: LogEvent) { lines.append(event.message.description, event.metadata ?? [:]) }
        }
    }

    @Test func aKeyIsLoggedOncePerWindowThenWithHowManyWereLeftOut() async throws {
        let lines = Lines()
        let log = CoalescedLog(logger: lines.logger, window: .milliseconds(20), capacity: 4)
        for _ in 0..<5 { log.note("refused", level: .warning, "refused") }
        #expect(lines.all.map(\.message) == ["refused"])
        try await Task.sleep(for: .milliseconds(40))
        log.note("refused", level: .warning, "refused")
        #expect(lines.all.map(\.message) == ["refused", "refused"])
        #expect(lines.all.last?.metadata["repeated_before"] == "4")
    }

    @Test func keysPastTheCapacityShareOneEntry() {
        let lines = Lines()
        let log = CoalescedLog(logger: lines.logger, window: .seconds(60), capacity: 2)
        for key in ["a", "b", "c", "d", "e"] { log.note(key, level: .warning, key) }
        // a and b have their own entries; c opens the shared one, in which d and e are counted.
        #expect(lines.all.map(\.message) == ["a", "b", "c"])
        log.note("a", level: .warning, "a again")
        #expect(lines.all.count == 3, "a's own window still runs")
    }
}
