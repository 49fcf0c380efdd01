import CompressNIO
import HTTPTypes
import Hummingbird
import NIOCore

/// gzip both ways: request bodies sent with `Content-Encoding: gzip` are inflated (up to
/// `maxBytes`, so a small bomb cannot fill memory), and ``json(_:for:status:headers:)`` compresses
/// answers over 1 KiB for clients that accept gzip.
struct GzipMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        if let encoding = request.headers[.contentEncoding]?.lowercased(), encoding != "identity" {
            guard encoding == "gzip" else {
                throw HubError(
                    .unsupportedMediaType, .unsupportedEncoding, "Content-Encoding \(encoding) is not supported; send gzip or no encoding")
            }
            var compressed = try await request.body.collect(upTo: maxBytes)
            let inflated: ByteBuffer
            do {
                inflated = try compressed.decompress(with: .gzip(), maxSize: maxBytes)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw HubError(
                    .contentTooLarge, .payloadTooLarge, "request body inflates to more than max_push_bytes; push smaller batches")
            } catch {
                throw HubError(.badRequest, .badRequest, "request body is not valid gzip")
            }
            request.body = .init(buffer: inflated)
        }
        return try await next(request, context)
    }

    /// A JSON answer, gzip-compressed when the client accepts it and it is worth it.
    static func json(_ text: String, for request: Request, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        var body = ByteBuffer(string: text)
        let accepts = request.headers[.acceptEncoding]?.lowercased().contains("gzip") ?? false
        if accepts, body.readableBytes > 1024, let compressed = try? body.compress(with: .gzip()) {
            headers[.contentEncoding] = "gzip"
            body = compressed
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}
