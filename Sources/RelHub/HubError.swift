import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RelModel
import RelStore

/// An error answer of the feed API: `{"error": {"code", "message"}}`, like reld's control API.
struct HubError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// Maps whatever a handler threw.
    init(from error: any Error) {
        switch error {
        case let e as HubError: self = e
        case let e as StoreError:
            switch e {
            case .badChange: self.init(.unprocessableContent, "bad_change", e.description)
            case .clockAhead: self.init(.unprocessableContent, "clock_ahead", e.description)
            case .reusedSequence: self.init(.conflict, "reused_sequence", e.description)
            case .nodeNotYours: self.init(.forbidden, "node_not_yours", e.description)
            case .sequenceGap: self.init(.conflict, "sequence_gap", e.description)
            case .sequenceExhausted: self.init(.unprocessableContent, "bad_change", e.description)
            case .diskFull: self.init(.init(code: 507, reasonPhrase: "Insufficient Storage"), "disk_full", e.description)
            case .requestTooLarge: self.init(.contentTooLarge, "payload_too_large", e.description)
            default: self.init(.internalServerError, "internal", e.description)
            }
        case is NIOTooManyBytesError:
            self.init(.contentTooLarge, "payload_too_large", "request body is larger than max_push_bytes; push smaller batches")
        case let e as HTTPError:
            self.init(e.status, e.status == .notFound ? "not_found" : "bad_request", e.body ?? e.status.reasonPhrase)
        default:
            // The error's own text names Swift types; the log keeps it (see the middleware).
            self.init(.internalServerError, "internal", "unexpected internal error in relhub; its log has the details: please report it")
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        let body = JSONValue.object(["error": .object(["code": .string(code), "message": .string(message)])])
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
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(hubError.message)", "detail": "\(error)"])
            } else if hubError.status == .unprocessableContent {
                context.logger.warning("push refused", metadata: ["error": "\(hubError.message)"])
            }
            return try hubError.response(from: request, context: context)
        }
    }
}
