import Hummingbird
import Logging
import NIOCore

/// Checks each request's peer against the `AccessPolicy` before any handler runs, and refuses
/// with 403 (logged, since it is someone trying the door) what the peer may not do.
struct PeerAccessMiddleware: RouterMiddleware {
    let policy: AccessPolicy
    /// Who is on the other end of a connection: the kernel's answer, or a test's stand-in.
    var credentials: @Sendable (any Channel) async throws -> PeerCredentials = { try await PeerCredentials.of($0) }

    func handle(
        _ request: Request, context: ControlContext,
        next: (Request, ControlContext) async throws -> Response
    ) async throws -> Response {
        let peer: PeerCredentials
        do {
            peer = try await credentials(context.channel)
        } catch {
            // Fail closed: a request whose sender cannot be told is not served.
            throw APIError(
                .forbidden, .forbidden, "cannot identify the process on the other end of the socket (\(error)); use relctl on this machine")
        }
        guard policy.allows(peer, request.method, request.uri.path) else {
            context.logger.warning(
                "request refused",
                metadata: [
                    "uid": "\(peer.uid)", "pid": "\(peer.pid)", "method": "\(request.method)", "path": "\(request.uri.path)",
                ])
            throw APIError(.forbidden, .forbidden, policy.refusal(for: peer))
        }
        // Handlers' log lines ("record created" ...) then say who did it.
        var context = context
        context.logger[metadataKey: "uid"] = "\(peer.uid)"
        return try await next(request, context)
    }
}
