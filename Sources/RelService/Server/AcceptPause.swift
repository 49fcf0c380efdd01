import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Stops accepting connections for a while when the process has run out of file descriptors
/// (or the kernel of socket memory), instead of retrying `accept(2)` in a tight loop.
///
/// The listening socket stays readable while connections wait in its backlog, and SwiftNIO
/// 2.101 keeps it registered for reading after an `accept(2)` that fails at once, so its own
/// `AcceptBackoffHandler` never gets the chance to hold the next read back: the event loop
/// spins at 100% CPU until a descriptor frees. Turning `autoRead` off takes the socket out of
/// epoll; turning it back on after the pause registers it again.
///
/// Install it first in the listening channel's pipeline, so that it sees the accept error
/// before NIO's handler (which does not pass it on).
public final class AcceptPause: ChannelInboundHandler, RemovableChannelHandler {
    /// Accepted connections.
    public typealias InboundIn = Channel

    /// The first pause; each failure in a row doubles it, up to `longest`.
    static let shortest = TimeAmount.milliseconds(50)
    /// The longest pause.
    static let longest = TimeAmount.seconds(1)

    private let server: String
    private let log: CoalescedLog
    private var pause = AcceptPause.shortest
    private var resume: Scheduled<Void>?

    /// Creates the handler for the server named `server` (for its log lines).
    public init(server: String, logger: Logger) {
        self.server = server
        self.log = CoalescedLog(logger: logger, window: .seconds(60), capacity: 4)
    }

    /// Adds the handler to the front of `channel`'s pipeline; a failure (the server already
    /// closing) is logged, since the server still works without it.
    public static func install(on channel: any Channel, server: String, logger: Logger) async {
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(AcceptPause(server: server, logger: logger), position: .first)
            }.get()
        } catch {
            logger.warning("\(server): cannot watch for running out of descriptors: \(error)")
        }
    }

    /// A connection was accepted: descriptors are available again.
    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pause = Self.shortest
        context.fireChannelRead(data)
    }

    /// An accept failed: pause on the errors that time can cure; pass every error on.
    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let code = (error as? IOError)?.errnoCode,
            [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(code), resume == nil,
            let options = context.channel.syncOptions
        {
            let limit = Self.descriptorLimit()
            log.note(
                "accept:\(code)", level: .warning,
                "\(server): cannot accept connections: \(String(cString: strerror(code)))"
                    + (code == EMFILE ? " (limit \(limit)); raise LimitNOFILE= or lower max_connections" : "")
                    + "; pausing new connections, the ones open go on")
            try? options.setOption(ChannelOptions.autoRead, value: false)
            let wait = pause
            pause = TimeAmount.nanoseconds(min(pause.nanoseconds * 2, Self.longest.nanoseconds))
            let channel = context.channel
            resume = context.eventLoop.assumeIsolated().scheduleTask(in: wait) { [self] in
                resume = nil
                try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
            }
        }
        context.fireErrorCaught(error)
    }

    /// The server closed: nothing to resume.
    public func channelInactive(context: ChannelHandlerContext) {
        resume?.cancel()
        resume = nil
        context.fireChannelInactive()
    }

    private static func descriptorLimit() -> String {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return "unknown" }
        return "\(limit.rlim_cur) open files"
    }
}
