import RelControlAPI
import RelModel

/// A failure relctl reports, with the exit status that tells scripts what kind it was.
public struct CLIError: Error, Sendable, CustomStringConvertible {
    /// Exit statuses, as documented in `relctl --help` and the README.
    public enum Status: Int32, Sendable {
        /// reld could not do it: the ledger's state (no such record, deleted, exists already),
        /// an invalid record in an import file, a failed sync round, a full disk, an internal fault.
        case refused = 1
        /// What the person typed is wrong, whoever noticed it: relctl, or reld refusing (400,
        /// 413, 422) a request relctl built from the command line.
        case usage = 2
        /// The daemon cannot be reached.
        case unreachable = 3
    }

    /// Which kind of failure.
    public var status: Status
    /// The message, without the `error: ` prefix.
    public var description: String
    /// A stable code for scripts (`--json`): reld's own code when reld answered, else one of
    /// relctl's (docs/relctl-json.md lists them).
    public var code: String
    /// reld's error answer as it came (field, value, record), when reld refused the request.
    public var answer: APIErrorBody?

    /// Creates an error; `code` defaults to the one that matches `status`.
    public init(_ status: Status, _ message: String, code: String? = nil, answer: APIErrorBody? = nil) {
        self.status = status
        description = message
        self.code = code ?? answer?.code ?? status.defaultCode.rawValue
        self.answer = answer
    }

    /// Creates an error with one of relctl's own codes (docs/relctl-json.md).
    public init(_ status: Status, _ message: String, code: WireErrorCode, answer: APIErrorBody? = nil) {
        self.init(status, message, code: code.rawValue, answer: answer)
    }
}

extension CLIError.Status {
    /// The code of an error relctl found itself, when nothing more precise applies.
    var defaultCode: WireErrorCode {
        switch self {
        case .usage: .usage
        case .unreachable: .unreachable
        case .refused: .failed
        }
    }
}
