import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RelControlAPI
import RelModel
import RelService
import RelStore

/// An error answer of the control API: a status and the JSON body every client can read.
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var body: APIErrorBody
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: WireErrorCode, _ message: String) {
        self.status = status
        body = APIErrorBody(code, message: message)
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, .badRequest, message) }

    init(validation e: ValidationError) {
        status = .unprocessableContent
        body = APIErrorBody(
            .validationFailed, message: e.description, field: e.field,
            value: e.value, recordIndex: e.recordIndex, recordID: e.recordID)
    }

    /// The answer to a store error, with reld's advice (`StoreError.reldMessage`).
    init(store e: StoreError) {
        let message = e.reldMessage
        switch e {
        case .notFound: self.init(.notFound, .notFound, message)
        case .deleted: self.init(.notFound, .deleted, message)
        case .alreadyExists: self.init(.conflict, .conflict, message)
        case .notInList: self.init(.conflict, .notInList, message)
        case .noConflict: self.init(.notFound, .noConflict, message)
        case .diskFull: self.init(ErrorAnswer.insufficientStorage, .diskFull, message)
        // The request's fault: the ListQuery limits keep a request from reaching SQLite's, so
        // this is the backstop for a request that still does.
        case .requestTooLarge: self.init(.badRequest, .badRequest, message)
        case .badSearch(let query, _):
            self.init(.badRequest, .badRequest, message)
            body.field = "q"
            body.value = JSONText.quoted(query.count > 120 ? String(query.prefix(117)) + "..." : query)
        default: self.init(.internalServerError, .internal, message)
        }
    }

    /// Maps whatever a handler threw to an API error.
    init(from error: any Error) {
        switch error {
        case let e as APIError: self = e
        case let e as ValidationError: self.init(validation: e)
        case let e as StoreError: self.init(store: e)
        case let e as QueryError: self.init(query: e)
        default:
            // The log keeps the error's own text (see the middleware).
            let answer = ErrorAnswer(
                unmapped: error, server: "reld",
                bodyTooLarge:
                    "request body is larger than this route accepts; raise max_request_bytes or max_import_bytes in reld.toml, or split the input"
            )
            self.init(answer.status, answer.code, answer.message)
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        var data = try Self.json(body)
        data.append(0x0A)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `{"error": body}` as reld writes it, for this answer and for the HTTP shell's own
    /// answers to requests it cannot read.
    static func json(_ body: APIErrorBody) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(ErrorResponse(body))
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
                    apiError = APIError(
                        .methodNotAllowed, .methodNotAllowed,
                        "\(request.method) is not allowed on \(path); use \(allowed.joined(separator: ", "))")
                    apiError.headers[.allow] = allowed.joined(separator: ", ")
                } else {
                    apiError = APIError(.notFound, .notFound, "no such route: \(request.method) \(path); see docs/control-api.md")
                }
            }
            if apiError.status.code >= 500 {
                context.logger.error(
                    "request failed",
                    metadata: [
                        "method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(apiError.body.message)",
                        "detail": "\(error)",
                    ])
            }
            return try apiError.response(from: request, context: context)
        }
    }
}
