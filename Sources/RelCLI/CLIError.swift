/// A failure relctl reports, with the exit status that tells scripts what kind it was.
public struct CLIError: Error, Sendable, CustomStringConvertible {
    /// Exit statuses, as documented in `relctl --help` and the README.
    public enum Status: Int32, Sendable {
        /// The daemon refused the request: bad input, no such record.
        case refused = 1
        /// The command line itself is wrong.
        case usage = 2
        /// The daemon cannot be reached.
        case unreachable = 3
    }

    /// Which kind of failure.
    public var status: Status
    /// The message, without the `error: ` prefix.
    public var description: String

    /// Creates an error.
    public init(_ status: Status, _ message: String) {
        self.status = status
        description = message
    }
}
