import HTTPTypes
import Hummingbird
import Logging
import RelModel
import RelService

/// Lets through only requests that carry one of the team's tokens (`Authorization: Bearer T`).
/// `/v1/health` is open, so that monitors need no secret; so is `/feed.json` when it is public.
///
/// A wrong token is logged with the peer's address (never the token or any part of it), one
/// line per peer and minute with a count; a peer that sends ``AuthFailures/limit`` wrong tokens
/// within a minute is answered `429` with `Retry-After` until its minute is over.
struct BearerAuth<Context: RequestContext>: RouterMiddleware {
    let tokens: [[UInt8]]
    let failures = AuthFailures()
    let log: CoalescedLog

    /// Paths served without a token: health, and `/feed.json` when `json_feed = "public"`.
    let openPaths: Set<String>

    init(tokens: [String], openPaths: Set<String> = [FeedRoutes.health], logger: Logger = Logger(label: "relhub")) {
        self.tokens = tokens.map { Array($0.utf8) }
        self.openPaths = openPaths
        self.log = CoalescedLog(logger: logger, window: AuthFailures.window, capacity: AuthFailures.capacity)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if openPaths.contains(request.uri.path) { return try await next(request, context) }
        let peer = request.headers[peerAddressHeader] ?? "unknown"
        if let wait = failures.retryAfter(peer) {
            throw HubError(
                .tooManyRequests, .tooManyWrongTokens,
                "\(AuthFailures.limit) wrong tokens came from \(peer) within a minute; try again in \(wait) s with the right token"
            )
            .with(header: .retryAfter, "\(wait)")
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw HubError(.unauthorized, .unauthorized, "send a token: Authorization: Bearer TOKEN")
                .with(header: .wwwAuthenticate, "Bearer")
        }
        let given = Array(header.dropFirst(7).utf8)
        // Compare every token in full so the time taken tells nothing about which bytes matched.
        var ok = false
        for token in tokens where Self.equal(token, given) { ok = true }
        guard ok else {
            failures.record(peer)
            log.note(peer, level: .warning, "refused a request with a wrong bearer token", metadata: ["peer": "\(peer)"])
            throw HubError(.unauthorized, .unauthorized, "the token is not one of this hub's; check token_file on both sides")
                .with(header: .wwwAuthenticate, "Bearer error=\"invalid_token\"")
        }
        return try await next(request, context)
    }

    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

extension HubError {
    func with(header: HTTPField.Name, _ value: String) -> HubError {
        var e = self
        e.headers[header] = value
        return e
    }
}
