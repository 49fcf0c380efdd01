import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What relctl says and does on Ctrl-C (SIGINT) or SIGTERM: clear the progress line, say on
/// standard error what became of the work, and exit 130 (128 + the signal for SIGTERM).
/// Exiting closes the connection to reld, which is how reld learns that nobody waits any more.
///
/// Each command sets ``message`` to what is true at each point: an import that reld has not
/// committed is rolled back when relctl goes; a sync round is reld's own and goes on.
enum Interrupt {
    private static let lock = NSLock()
    /// Until a request is on its way, nothing has reached reld.
    private static let beforeSending = "interrupted; nothing was sent to reld"
    /// Once one is, a command that changes the ledger may have done so.
    private static let afterSending =
        "interrupted before reld answered; if the command changes the ledger, reld may have made the change: check with `relctl show` or `relctl list`"
    nonisolated(unsafe) private static var current = beforeSending
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    nonisolated(unsafe) private static var json = false
    nonisolated(unsafe) private static var held = false
    nonisolated(unsafe) private static var pendingSignal: Int32?

    /// What relctl says when interrupted now (without the `interrupted` prefix's newline).
    static var message: String {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }

    /// A request is about to go to reld: unless the command said better, the default message
    /// stops claiming that nothing reached reld.
    static func sending() {
        lock.withLock { if current == beforeSending { current = afterSending } }
    }

    /// Installs the handlers once, before any command runs; with `json`, the message is also
    /// printed as relctl's JSON error on standard output.
    static func install(json: Bool) {
        lock.withLock {
            guard sources.isEmpty else { return }
            Self.json = json
            for signalNumber in [SIGINT, SIGTERM] {
                // Ignore the default action (an exit without a word) so the source sees the signal.
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { interrupted(by: signalNumber) }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Runs `body` with interrupts held back: a signal that comes meanwhile takes effect right
    /// after it, with the message as `body` left it. For short steps that must not stop halfway
    /// (writing a file and renaming it into place).
    static func holding<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.withLock { held = true }
        defer {
            let signalNumber = lock.withLock { () -> Int32? in
                held = false
                return pendingSignal
            }
            if let signalNumber { interrupted(by: signalNumber) }
        }
        return try body()
    }

    private static func interrupted(by signalNumber: Int32) {
        let holding = lock.withLock { () -> Bool in
            if held { pendingSignal = signalNumber }
            return held
        }
        if holding { return }
        ProgressLine.shared.clear()
        let text = message
        let status: Int32 = signalNumber == SIGINT ? 130 : 128 + signalNumber
        FileHandle.standardError.write(Data("\(text)\n".utf8))
        if lock.withLock({ json }) { JSONErrorOutput(exitStatus: status, message: text).write() }
        exit(status)
    }
}
