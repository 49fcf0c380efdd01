import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes
import RelModel

/// Holds every request to the framing this server speaks, before the application sees it:
///
/// - a `Transfer-Encoding` other than `chunked` (such as `gzip, chunked`) is answered `501`
///   and the connection closed, rather than the coding being ignored;
/// - `Expect: 100-continue` is answered `100 Continue` at once, any other expectation `417`;
/// - `HEAD` is served as `GET`; the HTTP encoder, which saw the `HEAD`, leaves the body out;
/// - ``peerHeader`` carries the peer's address to the application (whatever the client sent
///   under that name is dropped), so that refusals can be logged and limited per peer.
final class RequestFraming: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The header the peer's address arrives in.
    static let peerHeader = peerAddressHeader
    static let expect = HTTPField.Name("Expect")!

    let server: String
    /// Set once a request was refused: the rest of the connection's input is ignored.
    private var refused = false

    init(server: String) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        guard case .head(var head) = unwrapInboundIn(data) else { return context.fireChannelRead(data) }
        let codings = head.headerFields[values: .transferEncoding]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if !codings.isEmpty, codings != ["chunked"] {
            return refuse(
                context, .notImplemented, .unsupportedTransferEncoding,
                "Transfer-Encoding \(codings.joined(separator: ", ")) is not supported: \(server) reads only chunked or Content-Length bodies; send Content-Encoding: gzip for a compressed body"
            )
        }
        let expectations = head.headerFields[values: Self.expect]
        if !expectations.isEmpty {
            guard expectations.map({ $0.lowercased() }) == ["100-continue"] else {
                return refuse(
                    context, .expectationFailed, .expectationFailed,
                    "Expect \(expectations.joined(separator: ", ")) cannot be met: \(server) meets only Expect: 100-continue")
            }
            head.headerFields[Self.expect] = nil
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        if head.method == .head { head.method = .get }
        head.headerFields[Self.peerHeader] = nil
        if let peer = context.channel.remoteAddress {
            head.headerFields[Self.peerHeader] = peer.ipAddress ?? "local"
        }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    private func refuse(_ context: ChannelHandlerContext, _ status: HTTPResponse.Status, _ code: WireErrorCode, _ message: String) {
        refused = true
        let body = ByteBuffer(string: "{\"error\":{\"code\":\"\(code.rawValue)\",\"message\":\(Self.quoted(message))}}\n")
        let fields: HTTPFields = [.contentType: "application/json", .connection: "close", .contentLength: "\(body.readableBytes)"]
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// The request header that carries the peer's IP address (`local` on a Unix socket), set by the
/// server itself; a client cannot forge it, as whatever it sends under this name is dropped.
public let peerAddressHeader = HTTPField.Name("Rel-Peer-Address")!
