import Foundation
import RelModel

/// Where and how reld syncs: the feed, its token, and the timing of rounds.
public struct FeedSettings: Sendable, Equatable {
    /// A relhub base URL (`http://hub:8470`), or the URL of a snapshot document (ending in
    /// `.json`), which is followed read-only.
    public var url: FeedURL
    /// Bearer token sent with every request; read from a file, never logged.
    public var token: String?
    /// PEM file of certificate authorities to trust besides the system's (a team's own CA or a
    /// self-signed hub certificate). Certificates are always verified.
    public var caFile: String?
    /// Seconds between rounds when nothing else starts one.
    public var interval: Duration = .seconds(60)
    /// Longest wait between failed rounds.
    public var maxBackoff: Duration = .seconds(300)
    /// How far ahead of this machine's clock a pulled change may be.
    public var clockBound: ClockBound = .default
    /// Changes per pulled page and per pushed batch.
    public var batchSize = 1000
    /// Largest response body read from the feed, after decompression.
    public var maxResponseBytes = 256 << 20

    /// Creates settings for `url`.
    public init(url: FeedURL, token: String? = nil) {
        self.url = url
        self.token = token
    }
}

/// A feed's URL, checked, and which kind of feed it names.
public struct FeedURL: Sendable, Equatable, CustomStringConvertible {
    /// As given, without a trailing slash.
    public let string: String
    /// Whether it names a snapshot document rather than a relhub.
    public var isSnapshot: Bool { string.hasSuffix(".json") }

    /// Checks `string`: an http or https URL with a host.
    public init(_ string: String) throws(FeedURLError) {
        var s = string
        while s.hasSuffix("/") { s.removeLast() }
        guard let url = URL(string: s), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { throw FeedURLError(url: string) }
        guard url.query == nil, url.fragment == nil, url.user == nil else { throw FeedURLError(url: string) }
        self.string = s
    }

    /// The URL.
    public var description: String { string }
}

/// A feed URL that cannot be used.
public struct FeedURLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was given.
    public var url: String
    /// Says what a feed URL looks like.
    public var description: String {
        "feed \(JSONText.quoted(url)): must be an http:// or https:// URL with a host and no query, such as http://hub.example:8470 (a relhub) or https://example.org/ledger.json (a snapshot)"
    }
}
