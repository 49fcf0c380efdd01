import Foundation
import Hummingbird
import RelControlAPI
import RelModel
import RelStore

extension ControlAPI {
    /// `GET /v1/records/{id}/history`: every change of the record, oldest first, deleted
    /// records included (their history is how to see what a delete hid).
    func history(_ request: Request, _ context: ControlContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let query = try HistoryQuery(items: Self.queryItems(request))
        guard let stored = try await database.history(id: id) else { throw StoreError.notFound(id: id) }
        let entries = stored.history.entries(field: query.logField)
        let node = database.nodeID
        func info(_ v: FieldVersion) -> VersionInfo {
            VersionInfo(
                value: v.value, node: v.stamp.node, local: v.stamp.node == node, time: v.stamp.hlc.iso8601(milliseconds: true),
                hlc: v.stamp.hlc, nodeName: stored.nodeNames[v.stamp.node])
        }
        let page = entries.dropFirst(query.offset).prefix(query.limit).map { e in
            HistoryEntryInfo(
                time: e.stamp.hlc.iso8601(milliseconds: true), hlc: e.stamp.hlc, node: e.stamp.node,
                nodeName: stored.nodeNames[e.stamp.node],
                local: e.stamp.node == node, field: e.field, action: e.action.rawValue, old: e.replaced.map(info),
                value: e.value, concurrent: e.concurrent.map(info), superseded: e.superseded)
        }
        return try Self.json(HistoryResponse(id: id, entries: Array(page), total: entries.count))
    }

    /// `GET /v1/records/{id}?as_of=TIME`: the record rebuilt from the changes stamped at or
    /// before `TIME`, as `{"deleted", "record"}`.
    func show(_ id: String, asOf text: String) async throws -> Response {
        let asOf: AsOfTime
        do throws(DateError) { asOf = try AsOfTime(parsing: text) } catch {
            var e = APIError.badRequest("query parameter as_of \(JSONText.quoted(text)): \(error.reason)")
            e.body.field = RecordQuery.asOf
            throw e
        }
        guard let stored = try await database.history(id: id) else { throw StoreError.notFound(id: id) }
        let state = stored.history.state(atMillis: asOf.millis)
        guard let kind = state.kind else {
            let first = stored.history.changes.first.map { " (its first change is stamped \($0.hlc.iso8601(milliseconds: true)))" } ?? ""
            throw APIError(.notFound, .notFound, "record \(id) did not exist yet at \(asOf)\(first)")
        }
        let record: Record
        do { record = try RecordValidator.merged(id: id, kind: kind, fields: state.fields) } catch {
            // Its first changes had not all arrived by then, or it broke a rule of today's schema.
            throw APIError(.notFound, .notFound, "record \(id) as it stood at \(asOf) is not complete: \(error.description)")
        }
        return Self.raw("{\"deleted\":\(state.isDeleted),\"record\":" + JSONText.compact(record.json) + "}\n", status: .ok)
    }
}
