import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RelModel
import RelService
import RelStore

/// An error answer of the feed API: `{"error": {"code", "message"}}`, like reld's control API.
struct HubError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var code: WireErrorCode
    var message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: WireErrorCode, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// When a replica may try again after the database was unavailable: soon, since a restart
    /// or a failover takes seconds, and replicas add their own jitter.
    static let unavailableRetrySeconds = 5

    /// Maps whatever a handler threw.
    init(from error: any Error) {
        switch error {
        case let e as HubError: self = e
        case let e as StoreError:
            let message = e.hubMessage
            switch e {
            case .badChange: self.init(.unprocessableContent, .badChange, message)
            case .clockAhead: self.init(.unprocessableContent, .clockAhead, message)
            case .reusedSequence: self.init(.conflict, .reusedSequence, message)
            case .nodeNotYours: self.init(.forbidden, .nodeNotYours, message)
            case .sequenceGap: self.init(.conflict, .sequenceGap, message)
            case .sequenceExhausted: self.init(.unprocessableContent, .badChange, message)
            case .diskFull: self.init(ErrorAnswer.insufficientStorage, .diskFull, message)
            case .requestTooLarge: self.init(.contentTooLarge, .payloadTooLarge, message)
            case .unavailable:
                self.init(.serviceUnavailable, .storeUnavailable, message)
                headers[.retryAfter] = String(Self.unavailableRetrySeconds)
            default: self.init(.internalServerError, .internal, message)
            }
        default:
            // The log keeps the error's own text (see the middleware).
            let answer = ErrorAnswer(
                unmapped: error, server: "relhub", bodyTooLarge: "request body is larger than max_push_bytes; push smaller batches")
            self.init(answer.status, answer.code, answer.message)
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        let body = JSONValue.object(["error": .object(["code": .string(code.rawValue), "message": .string(message)])])
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: JSONText.compact(body) + "\n")))
    }
}

/// Turns every failure into a JSON error answer and logs server faults.
struct HubErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var hubError = HubError(from: error)
            if hubError.status == .notFound, !(error is HubError) {
                hubError.message = "no such route: \(request.method) \(request.uri.path); see docs/sync-protocol.md"
            }
            if hubError.status.code >= 500 {
                context.logger.error(
                    "request failed", metadata: ["path": "\(request.uri.path)", "error": "\(hubError.message)", "detail": "\(error)"])
            } else if hubError.status == .unprocessableContent {
                context.logger.warning("push refused", metadata: ["error": "\(hubError.message)"])
            }
            return try hubError.response(from: request, context: context)
        }
    }
}

/// A SQLite store whose feed `relhub migrate` moved to PostgreSQL: serving it would split the
/// feed in two, with the same id and different changes.
struct FeedMovedError: Error, CustomStringConvertible {
    /// The state directory.
    let stateDirectory: String
    /// Where the feed lives now.
    let location: String

    var description: String {
        "the feed in \(stateDirectory) was moved to \(location) by relhub migrate; start relhub with --database \(location) "
            + "(or [storage] url) instead. The store here is kept as it was at the move, as a backup"
    }
}
