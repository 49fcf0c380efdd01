import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request that the HTTP parser cannot read with the server's JSON error instead of
/// Hummingbird's bare `400` without a body, so that a client learns what was wrong: mostly a
/// request line or headers past the parser's 80 KiB (a very long query string).
///
/// It sits after the HTTP codec, where the parser's error passes by, and keeps the error from
/// reaching Hummingbird, which would answer a second time. reld and relhub differ only in how
/// their error body is written (`body`).
final class ParseErrorAnswer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let server: String
    private let body: @Sendable (_ message: String) -> [UInt8]

    init(server: String, body: @escaping @Sendable (_ message: String) -> [UInt8]) {
        self.server = server
        self.body = body
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        var data = body(Self.message(parseError, server: server))
        data.append(0x0A)
        let fields: HTTPFields = [.contentType: "application/json", .connection: "close", .contentLength: "\(data.count)"]
        context.write(NIOAny(HTTPResponsePart.head(HTTPResponse(status: .badRequest, headerFields: fields))), promise: nil)
        context.write(NIOAny(HTTPResponsePart.body(ByteBuffer(bytes: data))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// The message for a parse error.
    static func message(_ error: HTTPParserError, server: String) -> String {
        switch error {
        case .headerOverflow:
            "the request line and headers are larger than \(server) reads (80 KiB): send a shorter URL or fewer headers"
        default:
            "malformed HTTP request: \(server) speaks HTTP/1.1 with JSON bodies"
        }
    }
}
