import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import RelModel
import Synchronization

/// An HTTP/1.1 child channel that counts open connections and answers one past the limit with
/// `503` and `Connection: close` at once, so the process never runs out of descriptors and a
/// client learns why it was turned away.
struct LimitedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let limit: Int
    let counter = ConnectionCounter()
    let refusals: CoalescedLog
    let server: String

    init(inner: HTTP1Channel, limit: Int, server: String, logger: Logger) {
        self.inner = inner
        self.limit = limit
        self.server = server
        self.refusals = CoalescedLog(logger: logger, window: .seconds(60), capacity: 1)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        if counter.open(limit: limit) {
            let counter = self.counter
            channel.closeFuture.whenComplete { _ in counter.close() }
        } else {
            refusals.note(
                "*", level: .warning,
                "refused connections: \(limit) are open already (max_connections); idle ones close after idle_timeout")
            do {
                try channel.pipeline.syncOperations.addHandler(RefuseConnection(server: server))
            } catch {
                channel.close(promise: nil)
            }
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// The number of connections open, shared by every event loop.
final class ConnectionCounter: Sendable {
    private let count = Atomic<Int>(0)

    /// Counts one more connection if fewer than `limit` are open.
    func open(limit: Int) -> Bool {
        let now = count.wrappingAdd(1, ordering: .relaxed).newValue
        if now > limit {
            count.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Counts a connection closed.
    func close() { count.wrappingSubtract(1, ordering: .relaxed) }
}

/// First in the pipeline of a connection over the limit: writes a `503` straight to the socket,
/// ends the output, ignores the request, and closes soon in any case.
final class RefuseConnection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    let server: String

    init(server: String) { self.server = server }

    func channelActive(context: ChannelHandlerContext) {
        let body =
            "{\"error\":{\"code\":\"\(WireErrorCode.tooManyConnections.rawValue)\",\"message\":\"\(server) serves as many connections as it allows (max_connections); try again shortly\"}}\n"
        let head =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
        let channel = context.channel
        context.writeAndFlush(NIOAny(ByteBuffer(string: head + body))).whenComplete { _ in
            // Half-close, so the client reads the answer before it sees the connection end.
            channel.close(mode: .output, promise: nil)
        }
        context.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
