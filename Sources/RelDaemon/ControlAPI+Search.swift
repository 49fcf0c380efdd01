import Hummingbird
import RelControlAPI
import RelModel
import RelStore

extension ControlAPI {
    /// `GET /v1/search`: full-text search with `list`'s filters.
    func search(_ request: Request) async throws -> Response {
        let query = try SearchQuery(items: Self.queryItems(request))
        let (hits, total) = try await database.search(query.q, filter: RecordFilter(query.filters), includeDeleted: query.includeDeleted)
        // Stored documents are canonical JSON already: splice them rather than decode and re-encode.
        let items = hits.map { hit in
            "{\"deleted\":\(hit.deleted),\"rank\":\(hit.rank),\"record\":\(hit.document),\"snippet\":\(JSONText.quoted(hit.snippet))}"
        }
        return Self.raw("{\"hits\":[" + items.joined(separator: ",") + "],\"total\":\(total)}\n", status: .ok)
    }
}
