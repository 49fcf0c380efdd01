import Hummingbird
import NIOCore

/// The request context of the control API: Hummingbird's core context plus the connection, so
/// that the peer's credentials can be read from its socket.
struct ControlContext: RequestContext {
    /// Hummingbird's per-request storage.
    var coreContext: CoreRequestContextStorage
    /// The connection the request came on, whose peer `PeerAccessMiddleware` checks.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
