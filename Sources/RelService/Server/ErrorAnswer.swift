import HTTPTypes
import Hummingbird
import NIOCore
import RelModel

/// The status, code and message of an error answer, for the failures reld and relhub answer
/// alike: what the HTTP layer throws (a body over the route's limit, no such route) and what no
/// handler meant to throw. Each server maps its own errors first (store errors with its advice,
/// its handlers' refusals) and writes the answer in its own error document.
public struct ErrorAnswer: Sendable, Equatable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// The code of the error document.
    public var code: WireErrorCode
    /// What went wrong, for people.
    public var message: String

    /// Creates an answer.
    public init(_ status: HTTPResponse.Status, _ code: WireErrorCode, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// 507, a full disk (HTTPTypes has no name for it).
    public static let insufficientStorage = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")

    /// The answer to an error that is not the server's own: a body over the route's limit (413,
    /// `bodyTooLarge` names the setting or what to send instead), the router's 404 and other
    /// HTTP errors (their status), and anything else as 500 with a message that sends people to
    /// `server`'s log, since the error's own text names Swift types.
    public init(unmapped error: any Error, server: String, bodyTooLarge: String) {
        switch error {
        case is NIOTooManyBytesError:
            self.init(.contentTooLarge, .payloadTooLarge, bodyTooLarge)
        case let e as HTTPError where e.status == .contentTooLarge:
            self.init(.contentTooLarge, .payloadTooLarge, bodyTooLarge)
        case let e as HTTPError:
            self.init(e.status, e.status == .notFound ? .notFound : .badRequest, e.body ?? e.status.reasonPhrase)
        default:
            self.init(.internalServerError, .internal, "unexpected internal error in \(server); its log has the details: please report it")
        }
    }
}
