import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import RelControlAPI

/// Answers a request that reld's HTTP parser cannot read with the control API's JSON error
/// instead of Hummingbird's bare `400` without a body, so that a client learns what was wrong:
/// mostly a request line or headers past the parser's 80 KiB (a very long query string).
///
/// It sits after the HTTP codec, where the parser's error passes by, and keeps the error from
/// reaching Hummingbird, which would answer a second time.
final class ParseErrorAnswer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        let (status, message) = Self.answer(parseError)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = (try? encoder.encode(ErrorResponse(APIErrorBody(code: "bad_request", message: message)))) ?? Data()
        data.append(0x0A)
        let fields: HTTPFields = [.contentType: "application/json", .connection: "close", .contentLength: "\(data.count)"]
        context.write(NIOAny(HTTPResponsePart.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(NIOAny(HTTPResponsePart.body(ByteBuffer(bytes: data))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// The status and message for a parse error.
    static func answer(_ error: HTTPParserError) -> (HTTPResponse.Status, String) {
        switch error {
        case .headerOverflow:
            (.badRequest,
             "the request line and headers are larger than reld reads (80 KiB): send a shorter URL; GET /v1/records limits its parameters (see docs/control-api.md)")
        default:
            (.badRequest, "malformed HTTP request: reld speaks HTTP/1.1 with JSON bodies on this socket (docs/control-api.md)")
        }
    }
}
