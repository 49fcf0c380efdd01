import Hummingbird
import RelControlAPI
import RelModel
import RelStore

extension ControlAPI {
    /// `GET /v1/search`: full-text search with `list`'s filters.
    func search(_ request: Request) async throws -> Response {
        let query: SearchQuery
        do throws(QueryError) {
            query = try SearchQuery(items: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        } catch {
            var apiError = APIError.badRequest("query parameter \(error)")
            apiError.body.field = error.name
            apiError.body.value = error.shownValue
            throw apiError
        }
        let filters = query.filters
        var filter = RecordFilter()
        filter.kind = filters.kind
        filter.category = filters.category
        filter.parties = filters.parties
        filter.since = filters.since
        filter.until = filters.until
        filter.limit = filters.limit
        filter.offset = filters.offset
        let (hits, total) = try await database.search(query.q, filter: filter, includeDeleted: query.includeDeleted)
        // Stored documents are canonical JSON already: splice them rather than decode and re-encode.
        let items = hits.map { hit in
            "{\"deleted\":\(hit.deleted),\"rank\":\(hit.rank),\"record\":\(hit.document),\"snippet\":\(JSONText.quoted(hit.snippet))}"
        }
        return Self.raw("{\"hits\":[" + items.joined(separator: ",") + "],\"total\":\(total)}\n", status: .ok)
    }
}
