import Hummingbird
import RelControlAPI
import RelModel
import RelStore

extension ControlAPI {
    /// `GET /v1/export`: the plain records (no parameters, or `format=json`), or with
    /// `format=jsonfeed` a JSON Feed of the records that pass the list filters.
    func export(_ request: Request) async throws -> Response {
        let items = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let format = items.last(where: { $0.0 == "format" })?.1 ?? "json"
        // The plain export is the whole ledger, for import or backup: it ignores other
        // parameters, as it always has.
        if format == "json" { return try await export() }
        let query: JSONFeedQuery
        do throws(QueryError) {
            query = try JSONFeedQuery(items: items)
        } catch {
            var apiError = APIError.badRequest("query parameter \(error)")
            apiError.body.field = error.name
            apiError.body.value = error.shownValue
            throw apiError
        }
        var filter = RecordFilter()
        filter.kind = query.filters.kind
        filter.category = query.filters.category
        filter.parties = query.filters.parties
        filter.since = query.filters.since
        filter.until = query.filters.until
        filter.limit = query.filters.limit
        filter.offset = query.filters.offset
        let feedItems = try await database.jsonFeedItems(filter)
        var response = Self.raw(query.feed.text(feedItems), status: .ok)
        response.headers[.contentType] = "application/feed+json"
        return response
    }
}
