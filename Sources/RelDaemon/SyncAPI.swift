import Foundation
import Hummingbird
import NIOCore
import RelControlAPI
import RelModel
import RelStore
import RelSync

/// The control API's sync routes: run a round, list and resolve conflicts, snapshot.
extension ControlAPI {
    func registerSync(on router: Router<ControlContext>) {
        router.post(RouterPath(Routes.sync)) { _, context in
            // A client's round runs to its end even if the client goes; the log shows who asked.
            context.logger.debug("sync round requested")
            return try await self.syncNow()
        }
        router.get(RouterPath(Routes.conflicts)) { _, _ in try await self.conflicts() }
        router.post("/v1/records/:id/resolve") { request, context in try await self.resolve(request, context) }
        router.get(RouterPath(Routes.snapshot)) { _, _ in try await self.snapshot() }
    }

    /// Tells the sync engine that local changes wait; never waits for it.
    func nudge() {
        guard let sync else { return }
        Task { await sync.nudge() }
    }

    func syncInfo() async -> SyncInfo? {
        guard let status = await sync?.status() else { return nil }
        return SyncInfo(
            feed: status.feed, readOnly: status.readOnly, state: status.state.rawValue,
            lastSuccess: status.lastSuccess?.formatted(.iso8601), lastError: status.lastError,
            nextAttempt: status.nextAttempt?.formatted(.iso8601),
            round: status.round.map { RoundProgress(pages: $0.pages, pulled: $0.pulled, pushed: $0.pushed) })
    }

    func syncNow() async throws -> Response {
        guard let sync else {
            throw APIError(
                .conflict, .noFeed, "no feed is configured: set feed in the [sync] table of reld.toml, or start reld with --feed URL")
        }
        switch await sync.syncNow() {
        case .success(let report):
            let pending = try await database.statistics().pendingChanges
            return try Self.json(
                SyncResponse(
                    pulled: report.pulled, pushed: report.pushed, conflicts: report.conflicts,
                    notModified: report.notModified, readOnly: await sync.status().readOnly,
                    pendingChanges: pending))
        case .failure(let error):
            throw APIError(.badGateway, .syncFailed, error.description)
        }
    }

    func conflicts() async throws -> Response {
        let node = database.nodeID
        let conflicts = try await database.conflicts()
        let names = try await database.nodeNames(of: Set(conflicts.flatMap { [$0.current.stamp.node] + $0.losers.map(\.stamp.node) }))
        func info(_ v: FieldVersion) -> VersionInfo {
            VersionInfo(
                value: v.value, node: v.stamp.node, local: v.stamp.node == node, time: v.stamp.hlc.iso8601(milliseconds: false),
                hlc: v.stamp.hlc,
                nodeName: names[v.stamp.node])
        }
        let list = conflicts.map {
            ConflictInfo(recordID: $0.recordID, title: $0.title, field: $0.field, current: info($0.current), others: $0.losers.map(info))
        }
        return try Self.json(ConflictsResponse(conflicts: list))
    }

    func resolve(_ request: Request, _ context: ControlContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let json = try await Self.body(request, limit: config.maxRequestBytes)
        let body: ResolveRequest
        do throws(FieldError) { body = try ResolveRequest(json: json) } catch { throw APIError.badRequest(error.reason) }
        let field = body.field
        let choice: ResolveChoice =
            switch body.choice {
            case .local: .local
            case .remote: .remote
            case .value(let value): .value(value)
            }
        let record: Record
        do { record = try await database.resolve(id: id, field: field, choice: choice) } catch StoreError.ambiguousChoice(
            let id, let field, let reason)
        {
            let advice = choice == .local ? "use --take remote or --take VALUE" : "use --take VALUE to choose"
            throw APIError(.conflict, .ambiguous, "\(StoreError.ambiguousChoice(id: id, field: field, reason: reason)); \(advice)")
        }
        context.logger.info("conflict resolved", metadata: ["id": "\(id)", "field": "\(field)"])
        nudge()
        return Self.raw(JSONText.compact(record.json) + "\n", status: .ok)
    }

    /// The snapshot document (and a newline) a chunk at a time from one read view of the store
    /// (``SnapshotStream``): reld holds a page of it, not the whole ledger. The first chunk is
    /// read before the headers go out, so a store that cannot be read still answers an error;
    /// one that fails later closes the connection before the document's end.
    func snapshot() async throws -> Response {
        let stream = try await database.snapshotStream()
        return try await Self.streamed(ending: "\n") { try await stream.chunk(at: $0 ?? .start) }
    }
}
