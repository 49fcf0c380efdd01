import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One line of progress on standard error, redrawn in place with a carriage return, for work
/// that takes a while (an import, a sync round, a reld that does not answer).
///
/// Drawn only when standard error is a terminal and `--quiet` was not given, so scripts and
/// logs never see it; cleared before anything else is printed there.
final class ProgressLine: @unchecked Sendable {
    /// The one line relctl draws.
    static let shared = ProgressLine(terminal: isatty(STDERR_FILENO) != 0)

    private let lock = NSLock()
    private let terminal: Bool
    private var quiet = false
    private var drawn = false
    private var lastDraw = Date.distantPast

    init(terminal: Bool) { self.terminal = terminal }

    /// Turns drawing off (`--quiet`).
    func silence(_ quiet: Bool) { lock.withLock { self.quiet = quiet } }

    /// Whether updates are drawn at all.
    var isShown: Bool { lock.withLock { terminal && !quiet } }

    /// Replaces the line with `text`; at most ten times a second unless `force`, so a fast
    /// stream of updates costs the terminal nothing.
    func update(_ text: String, force: Bool = false) {
        lock.withLock {
            guard terminal, !quiet else { return }
            let now = Date()
            guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = now
            drawn = true
            // Carriage return, the text, then erase what a longer earlier text left on the line.
            Self.write("\r" + text + "\u{1B}[K")
        }
    }

    /// Erases the line, if one was drawn, so the next message starts on a clean line.
    func clear() {
        lock.withLock {
            guard drawn else { return }
            drawn = false
            lastDraw = .distantPast
            Self.write("\r\u{1B}[K")
        }
    }

    private static func write(_ text: String) {
        // A plain write(2): also safe from the signal handler's queue while the main task runs.
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

extension ProgressLine {
    /// `12,288 of 30,000` with the thousands grouped, as people read counts.
    static func count(_ n: Int) -> String {
        var digits = String(n.magnitude)
        var groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(digits.suffix(3), at: 0)
            digits.removeLast(3)
        }
        groups.insert(Substring(digits), at: 0)
        return (n < 0 ? "-" : "") + groups.joined(separator: ",")
    }

    /// What the waiting notice says reld is doing, when a command knows better than "waiting"
    /// (a sync round). `nil`: "waiting for reld at SOCKET".
    nonisolated(unsafe) static var waitingFor: String?

    private static let detailLock = NSLock()
    nonisolated(unsafe) private static var detail: String?

    /// What the awaited work has done so far (a sync round's counts), shown after the waiting
    /// notice's seconds; set from another task while the call waits.
    static var waitingDetail: String? {
        get { detailLock.withLock { detail } }
        set { detailLock.withLock { detail = newValue } }
    }

    /// Shows "waiting for reld (N s)…" once a call has gone unanswered for a second, then every
    /// second, until the returned task is cancelled. Costs nothing when the line is not shown.
    static func waitingNotice(socket: String) -> Task<Void, Never>? {
        guard shared.isShown else { return nil }
        let started = Date()
        let label = waitingFor ?? "waiting for reld at \(socket)"
        return Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if Task.isCancelled { break }
                let seconds = Int(Date().timeIntervalSince(started))
                let hint = seconds >= 5 ? "; Ctrl-C gives up" : ""
                let done = waitingDetail.map { ": \($0)" } ?? ""
                shared.update("\(label) (\(seconds) s\(hint))\(done)…", force: true)
            }
        }
    }

    /// Stops a ``waitingNotice(socket:)`` and erases what it drew, before anything else is printed.
    static func end(_ notice: Task<Void, Never>?) async {
        guard let notice else { return }
        notice.cancel()
        await notice.value
        shared.clear()
    }
}
