import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Writes log lines to stderr; under systemd (`$JOURNAL_STREAM` set) each line starts with a
/// `<N>` syslog priority that journald turns into the entry's PRIORITY, and the timestamp is left
/// to the journal.
public struct JournalLogHandler: LogHandler {
    /// Metadata attached to every line.
    public var metadata: Logger.Metadata = [:]
    /// Least severe level written.
    public var logLevel: Logger.Level
    private let label: String
    private let journal: Bool

    /// Creates a handler; `journal` chooses priority prefixes over timestamps.
    public init(label: String, level: Logger.Level, journal: Bool) {
        self.label = label
        self.logLevel = level
        self.journal = journal
    }

    /// Whether stderr goes to journald.
    public static var stderrIsJournal: Bool {
        ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
    }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line.
    public func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        var line = journal ? "<\(Self.priority(event.level))>" : "\(Self.timestamp()) \(event.level.rawValue.uppercased()) "
        line += event.message.description
        if !all.isEmpty {
            line += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        line += "\n"
        // One write(2) per line keeps lines whole when several threads log at once.
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }

    /// The syslog priority of a level (`sd-daemon(3)`).
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601)
    }
}
