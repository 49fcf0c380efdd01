import Foundation
import NIOCore

/// Tells whether the client of a request is still there. Hummingbird lets a handler run on after
/// its client has gone (it allows half-closed connections, so the channel stays active), which
/// would let a long import commit for nobody; this watch sits first in the connection's pipeline
/// and sees the end of the client's input, or the connection closing, as it happens.
final class ClientWatch: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny

    private let lock = NSLock()
    private var isGone = false

    /// Whether the client closed its side of the connection (or the connection closed).
    var clientGone: Bool { lock.withLock { isGone } }

    /// Marks the client gone, e.g. when a write to it failed.
    func markGone() { lock.withLock { isGone = true } }

    /// Puts a new watch first in `channel`'s pipeline. A channel that has closed already (the
    /// client left before the handler ran) gets a watch that says so, not an error: a client
    /// that goes is never reld's fault.
    static func install(on channel: any Channel) async throws -> ClientWatch {
        let watch = ClientWatch()
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(watch, position: .first)
            }.get()
        } catch ChannelError.ioOnClosedChannel {
            watch.markGone()
        }
        return watch
    }

    /// Takes the watch out of `channel`'s pipeline again (the connection may serve more requests).
    func remove(from channel: any Channel) {
        channel.eventLoop.execute {
            guard let context = try? channel.pipeline.syncOperations.context(handler: self) else { return }
            channel.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed? = event as? ChannelEvent { markGone() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        markGone()
        context.fireChannelInactive()
    }
}
