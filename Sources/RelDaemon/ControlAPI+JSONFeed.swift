import Hummingbird
import RelControlAPI
import RelModel
import RelStore

extension ControlAPI {
    /// `GET /v1/export`: the plain records (no parameters, or `format=json`), or with
    /// `format=jsonfeed` a JSON Feed of the records that pass the list filters.
    func export(_ request: Request) async throws -> Response {
        let items = Self.queryItems(request)
        let format = items.last(where: { $0.0 == "format" })?.1 ?? "json"
        // The plain export is the whole ledger, for import or backup: it ignores other
        // parameters, as it always has.
        if format == "json" { return try await export() }
        let query = try JSONFeedQuery(items: items)
        let feedItems = try await database.jsonFeedItems(RecordFilter(query.filters))
        var response = Self.raw(query.feed.text(feedItems), status: .ok)
        response.headers[.contentType] = "application/feed+json"
        return response
    }
}
