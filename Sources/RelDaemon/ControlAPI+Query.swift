import Hummingbird
import RelControlAPI
import RelStore

extension ControlAPI {
    /// The request's query parameters as name/value pairs, in the order given, for the
    /// `init(items:)` of ``ListQuery``, ``SearchQuery`` and ``JSONFeedQuery``.
    static func queryItems(_ request: Request) -> [(String, String)] {
        request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }
}

extension APIError {
    /// 400 for a query parameter a route refuses, naming it in `field` and `value`.
    init(query e: QueryError) {
        self.init(.badRequest, .badRequest, "query parameter \(e)")
        body.field = e.name
        body.value = e.shownValue
    }
}

extension RecordFilter {
    /// The store's filter for the filters of a control API query; the same for `list`,
    /// `search` and the JSON Feed export, whose queries refuse `text` before it gets here.
    init(_ query: ListQuery) {
        self.init()
        kind = query.kind
        category = query.category
        parties = query.parties
        since = query.since
        until = query.until
        text = query.text
        limit = query.limit
        offset = query.offset
    }
}
