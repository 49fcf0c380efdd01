import RelModel

/// `GET /v1/export?format=jsonfeed`: the list filters (``ListQuery``, but `text`) and the feed's
/// own members, as query parameters, for the CLI that writes them and the daemon that reads them.
public struct JSONFeedQuery: Sendable, Equatable {
    /// The `format` value that asks for a JSON Feed.
    public static let format = "jsonfeed"
    /// Longest `title`, in UTF-8 bytes.
    public static let maxTitleBytes = 1000
    /// Longest URL, in UTF-8 bytes.
    public static let maxURLBytes = 2000

    /// Which records, newest change first; `text` is not taken.
    public var filters = ListQuery()
    /// The feed's top-level members.
    public var feed = JSONFeed()

    /// An empty query: every record, up to the list's default limit.
    public init() {}

    /// The query as name/value pairs, `format=jsonfeed` first.
    public var items: [(String, String)] {
        var items = [("format", Self.format), ("title", feed.title)]
        if let url = feed.homePageURL { items.append(("home_page_url", url)) }
        if let url = feed.feedURL { items.append(("feed_url", url)) }
        return items + filters.items
    }

    /// Reads name/value pairs (with `format=jsonfeed` among them); the error names the
    /// parameter and says what it takes.
    public init(items: [(String, String)]) throws(QueryError) {
        var rest: [(String, String)] = []
        for (name, value) in items {
            switch name {
            case "format":
                guard value == Self.format else { throw QueryError(name, value, "must be json or jsonfeed") }
            case "title":
                guard value.utf8.count <= Self.maxTitleBytes else {
                    throw QueryError(name, value, "is \(value.utf8.count) bytes long; at most \(Self.maxTitleBytes) bytes are allowed")
                }
                guard !value.isEmpty else { throw QueryError(name, value, "must not be empty") }
                feed.title = value.nfc
            case "home_page_url", "feed_url":
                guard value.utf8.count <= Self.maxURLBytes else {
                    throw QueryError(name, value, "is \(value.utf8.count) bytes long; at most \(Self.maxURLBytes) bytes are allowed")
                }
                if let problem = JSONFeed.urlProblem(value) { throw QueryError(name, value, problem) }
                if name == "home_page_url" { feed.homePageURL = value } else { feed.feedURL = value }
            case "text":
                throw QueryError(name, value, "is not taken by the JSON Feed export; filter by kind, category, party, since and until")
            default:
                rest.append((name, value))
            }
        }
        filters = try ListQuery(items: rest)
    }
}
