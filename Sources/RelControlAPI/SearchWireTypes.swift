import RelModel

/// `GET /v1/search`: one page of matches, best first.
public struct SearchPage: Codable, Sendable {
    /// The matches of this page.
    public var hits: [SearchHitBody]
    /// How many records match in all.
    public var total: Int

    /// Creates a page.
    public init(hits: [SearchHitBody], total: Int) {
        self.hits = hits
        self.total = total
    }
}

/// One match of `GET /v1/search`.
public struct SearchHitBody: Codable, Sendable {
    /// The record, in canonical form.
    public var record: JSONValue
    /// bm25 score: lower is better (scores are negative); comparable within one search only.
    public var rank: Double
    /// The best-matching stretch of the record's text, each match marked as `[word]`.
    public var snippet: String
    /// Whether the record is deleted (only with `deleted=true`).
    public var deleted: Bool

    /// Creates a match.
    public init(record: JSONValue, rank: Double, snippet: String, deleted: Bool) {
        self.record = record
        self.rank = rank
        self.snippet = snippet
        self.deleted = deleted
    }
}
