/// Why a round with the feed failed, in words for `relctl status` and the journal.
public enum FeedError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection could be made (the network or the feed is down).
    case unreachable(url: String, reason: String)
    /// The feed refused the token.
    case unauthorized(url: String, status: Int)
    /// The feed answered with an error status.
    case status(url: String, status: Int, message: String, retryAfter: Duration?)
    /// The feed's answer is not what the protocol says.
    case badResponse(url: String, reason: String)
    /// The feed's answer is larger than the configured bound.
    case tooLarge(url: String, limit: Int)
    /// Our store refused what the feed sent (bad change, clock ahead, disk full).
    case store(String)

    /// The message people see.
    public var description: String {
        switch self {
        case .unreachable(let url, let reason): "feed \(url) unreachable: \(reason); will retry"
        case .unauthorized(let url, let status): "feed \(url) refused the token (HTTP \(status)); check token_file"
        case .status(let url, let status, let message, _): "feed \(url) answered HTTP \(status): \(message)"
        case .badResponse(let url, let reason): "feed \(url) sent something that is not a reld feed: \(reason)"
        case .tooLarge(let url, let limit): "feed \(url) sent more than \(limit) bytes; the feed may be misconfigured or hostile"
        case .store(let reason): reason
        }
    }

    /// The feed asked to wait this long.
    public var retryAfter: Duration? {
        if case .status(_, _, _, let r) = self { return r }
        return nil
    }

    /// Whether the feed could not be reached at all (reported as `offline`).
    public var isOffline: Bool {
        if case .unreachable = self { return true }
        return false
    }
}
