import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RelControlAPI
import RelModel
import RelStore

/// An error answer of the control API: a status and the JSON body every client can read.
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var body: APIErrorBody
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        body = APIErrorBody(code: code, message: message)
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad_request", message) }

    init(validation e: ValidationError) {
        status = .unprocessableContent
        body = APIErrorBody(code: "validation_failed", message: e.description, field: e.field,
                            value: e.value, recordIndex: e.recordIndex, recordID: e.recordID)
    }

    init(store e: StoreError) {
        switch e {
        case .notFound: self.init(.notFound, "not_found", e.description)
        case .deleted: self.init(.notFound, "deleted", e.description)
        case .alreadyExists: self.init(.conflict, "conflict", e.description)
        case .notInList: self.init(.conflict, "not_in_list", e.description)
        case .diskFull: self.init(.init(code: 507, reasonPhrase: "Insufficient Storage"), "disk_full", e.description)
        // The request's fault: the ListQuery limits keep a request from reaching SQLite's, so
        // this is the backstop for a request that still does.
        case .requestTooLarge: self.init(.badRequest, "bad_request", e.description)
        default: self.init(.internalServerError, "internal", e.description)
        }
    }

    /// Maps whatever a handler threw to an API error.
    init(from error: any Error) {
        switch error {
        case let e as APIError: self = e
        case let e as ValidationError: self.init(validation: e)
        case let e as StoreError: self.init(store: e)
        case is NIOTooManyBytesError:
            self.init(.contentTooLarge, "payload_too_large", "request body is larger than this route accepts; raise max_request_bytes or max_import_bytes in reld.toml, or split the input")
        case let e as HTTPError where e.status == .contentTooLarge:
            self.init(.contentTooLarge, "payload_too_large", "request body is larger than this route accepts; raise max_request_bytes or max_import_bytes in reld.toml, or split the input")
        case let e as HTTPError:
            self.init(e.status, e.status == .notFound ? "not_found" : "bad_request", e.body ?? e.status.reasonPhrase)
        default:
            // The error's own text names Swift types; the log keeps it (see the middleware).
            self.init(.internalServerError, "internal", "unexpected internal error in reld; its log has the details: please report it")
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(ErrorResponse(body))
        data.append(0x0A)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every failure, including unknown routes and wrong methods, into a JSON error answer,
/// and logs server-side faults.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var apiError = APIError(from: error)
            // Only the router's own "no route" becomes 405 or a route hint; a handler's 404
            // (no such record, no conflict) is passed on as it is.
            if apiError.status == .notFound, error is HTTPError {
                let path = request.uri.path
                if let allowed = Routes.allowedMethods(for: path) {
                    apiError = APIError(.methodNotAllowed, "method_not_allowed",
                                        "\(request.method) is not allowed on \(path); use \(allowed.joined(separator: ", "))")
                    apiError.headers[.allow] = allowed.joined(separator: ", ")
                } else {
                    apiError = APIError(.notFound, "not_found", "no such route: \(request.method) \(path); see docs/control-api.md")
                }
            }
            if apiError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(apiError.body.message)", "detail": "\(error)"])
            }
            return try apiError.response(from: request, context: context)
        }
    }
}
