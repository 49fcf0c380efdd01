import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RelModel
import RelService
import RelStore

/// The feed's routes: pull pages, push batches, the snapshot document and health.
struct FeedAPI: Sendable {
    let store: any FeedStore
    let config: HubConfig
    /// What `GET /metrics` serves.
    let metrics: HubMetrics
    /// One push at a time checks and merges its batch (see ``WorkGate``).
    let pushGate = WorkGate()
    /// Snapshots written at once; more wait their turn (``SnapshotBody``).
    let snapshotGate = WorkGate(slots: FeedAPI.snapshotSlots)
    /// The JSON Feed document of the current head, once a reader has asked for it.
    let jsonFeedCache = JSONFeedCache()
    /// Each stream holds a read view, a page and a compressor: 4-5 MB at its peak, whatever the
    /// size of the ledger (docs/PERFORMANCE.md, "Snapshot memory").
    static let snapshotSlots = 4

    func register(on router: Router<BasicRequestContext>) {
        router.get(RouterPath(FeedRoutes.health)) { _, _ in try await self.health() }
        router.get(RouterPath(HubMetrics.path)) { _, _ in try await self.scrapeMetrics() }
        router.get(RouterPath(FeedRoutes.changes)) { request, _ in try await self.pull(request) }
        router.post(RouterPath(FeedRoutes.changes)) { request, context in try await self.push(request, logger: context.logger) }
        router.get(RouterPath(FeedRoutes.snapshot)) { request, context in try await self.snapshot(request, logger: context.logger) }
        if config.jsonFeed != .off {
            router.get(RouterPath(FeedRoutes.jsonFeed)) { request, _ in try await self.jsonFeed(request) }
        }
    }

    func health() async throws -> Response {
        let head = try await metrics.store(.head) { try await store.feedHead() }
        let body = JSONValue.object([
            "status": "ok", "feed_id": .string(store.feedID), "head": .int(head),
            "version": .string(RelVersion.current),
        ])
        return Response(
            status: .ok, headers: [.contentType: "application/json", Self.hlcHeader: "string"],
            body: .init(byteBuffer: ByteBuffer(string: JSONText.compact(body) + "\n")))
    }

    /// Sent with every feed answer: this hub reads clock values as decimal strings in pushed
    /// batches, so a replica may push them so (docs/sync-protocol.md, "Clock values as strings").
    static let hlcHeader = HTTPField.Name("Reld-Hlc")!

    /// Sent by a replica with each push: its own node id, the only one the push may bind to its
    /// token (docs/sync-protocol.md, "Node ownership").
    static let nodeHeader = HTTPField.Name("Reld-Node")!
    /// The pusher's human name, percent-encoded UTF-8 (``NodeName``).
    static let nodeNameHeader = HTTPField.Name("Reld-Node-Name")!

    /// `hlc=string` asks for clock values as decimal strings; without it (or with `hlc=integer`)
    /// they are integers, as replicas of version 0.2.0 or earlier read them.
    private func hlcForm(_ request: Request) throws -> HLCForm {
        switch request.uri.queryParameters["hlc"] {
        case nil, "integer": return .integer
        case "string": return .string
        case let other?: throw HubError(.badRequest, .badRequest, "hlc=\(other): must be string or integer")
        }
    }

    /// `exclude_node=ID&exclude_upto=N`: the asker's own changes, numbers 1 through N, which it
    /// holds and need not be sent back. Both or neither.
    private func known(_ request: Request) throws -> OwnChanges? {
        let node = request.uri.queryParameters["exclude_node"]
        let upTo = request.uri.queryParameters["exclude_upto"]
        guard node != nil || upTo != nil else { return nil }
        guard let node, upTo != nil else {
            throw HubError(.badRequest, .badRequest, "exclude_node and exclude_upto go together; give both or neither")
        }
        guard NodeID.isValid(String(node)) else {
            throw HubError(.badRequest, .badRequest, "exclude_node: \(NodeID.rule)")
        }
        return OwnChanges(node: String(node), upTo: try integer(request, "exclude_upto", default: 0, range: 0...Int64.max))
    }

    /// `GET /v1/changes?since=N&limit=N`; answers 304 when the client's `If-None-Match` names
    /// the current head and it asks from there, so an idle poll costs one small exchange.
    func pull(_ request: Request) async throws -> Response {
        let since = try integer(request, "since", default: 0, range: 0...Int64.max)
        let form = try hlcForm(request)
        // A client asking for more than this hub serves gets a smaller page, not an error.
        let limit = min(Int(try integer(request, "limit", default: 1000, range: 1...Int64.max)), config.maxPageSize)
        let known = try known(request)
        if let known { metrics.activeNodes.saw(known.node) }
        let head = try await metrics.store(.head) { try await store.feedHead() }
        if since > head {
            throw HubError(
                .gone, .cursorAhead,
                "since=\(since) is past this feed's last change \(head): the hub was reset or restored from a backup; pull from 0 and push everything again"
            )
        }
        let etag = "\"\(store.feedID)-\(head)\""
        if since >= head, request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: [.eTag: etag, Self.hlcHeader: "string"])
        }
        let page = try await metrics.store(.page) {
            try await store.feedPageText(since: since, limit: limit, hlc: form, known: known)
        }
        var headers: HTTPFields = [.cacheControl: "no-cache", Self.hlcHeader: "string"]
        if !page.more { headers[.eTag] = "\"\(store.feedID)-\(page.next)\"" }
        return GzipMiddleware<BasicRequestContext>.json(page.text, for: request, headers: headers)
    }

    /// `POST /v1/changes` with `{"changes": [...]}`: merged in one transaction, all or nothing;
    /// changes the hub has already are counted as duplicates, so a replay is harmless. New
    /// changes must come from the token that owns their node id and continue its numbers
    /// (``AppDatabase/applyPushed(_:writer:declaredNode:bound:)``).
    func push(_ request: Request, logger: Logger) async throws -> Response {
        let body = try await request.body.collect(upTo: config.maxPushBytes)
        // The body is read before waiting, so a slow sender does not hold the gate.
        await pushGate.enter()
        defer { pushGate.leave() }
        let batch: PushBatch
        do {
            batch = try PushBatch(json: try JSONValue.parse(Data(body.readableBytesView)))
        } catch let error as FieldError {
            throw HubError(.unprocessableContent, .badChange, "\(error.path.isEmpty ? "body" : error.path): \(error.reason)")
        } catch {
            throw HubError(.badRequest, .badRequest, "body is not JSON: \(error)")
        }
        // BearerAuth let the request in, so the header holds one of the hub's tokens.
        let token = request.headers[.authorization].map { $0.dropFirst("Bearer ".count) } ?? ""
        let writer = TokenFingerprint.of(token)
        var declared: String?
        if let node = request.headers[Self.nodeHeader] {
            guard NodeID.isValid(node) else { throw HubError(.badRequest, .badRequest, "Reld-Node: \(NodeID.rule)") }
            declared = node
        }
        // A name is a label: a bad one is dropped, never a reason to refuse the changes.
        let name = request.headers[Self.nodeNameHeader].flatMap(NodeName.fromHeader)
        if let declared { metrics.activeNodes.saw(declared) }
        let summary: ApplySummary
        do {
            summary = try await metrics.store(.push) {
                try await store.applyPushed(
                    batch.changes, writer: writer, declaredNode: declared, declaredName: name, bound: config.clockBound)
            }
        } catch let error as StoreError {
            switch error {
            case .nodeNotYours(let node, _), .sequenceGap(let node, _, _), .sequenceExhausted(let node):
                // Names the token by the start of its hash (what node_owners holds), never the token.
                logger.warning("push refused", metadata: ["node": "\(node)", "token_sha256": "\(writer.prefix(12))", "error": "\(error)"])
            default: break
            }
            throw error
        }
        metrics.pushed(accepted: summary.applied, duplicates: summary.duplicates, conflicts: summary.conflicts)
        let result = PushResult(accepted: summary.applied, duplicates: summary.duplicates, newConflicts: summary.conflicts)
        return GzipMiddleware<BasicRequestContext>.json(JSONText.compact(result.json), for: request, headers: [Self.hlcHeader: "string"])
    }

    /// `GET /v1/snapshot`: the whole state in one document, with an ETag. It is read from one
    /// view of the store, so it never mixes two states, and written a page at a time; one that
    /// fits a page goes out whole, as a page of changes does.
    func snapshot(_ request: Request, logger: Logger) async throws -> Response {
        let form = try hlcForm(request)
        let head = try await metrics.store(.head) { try await store.feedHead() }
        if request.headers[.ifNoneMatch] == snapshotETag(head: head, form: form) {
            return Response(status: .notModified, headers: [.eTag: snapshotETag(head: head, form: form), Self.hlcHeader: "string"])
        }
        let slot = await GateSlot(snapshotGate)
        let stream = try await metrics.store(.snapshot) { try await store.openSnapshot(hlc: form) }
        // The view's own head, which may be past the one checked above: the ETag names what is sent.
        let headers: HTTPFields = [.eTag: snapshotETag(head: stream.head, form: form), .cacheControl: "no-cache", Self.hlcHeader: "string"]
        let first = try await stream.chunk(at: .start)
        guard let next = first.next else {
            slot.release()
            return GzipMiddleware<BasicRequestContext>.json(first.text, for: request, headers: headers)
        }
        let gzip = request.headers[.acceptEncoding]?.lowercased().contains("gzip") ?? false
        return SnapshotBody(
            stream: stream, first: first.text, next: next, gzip: gzip,
            stallTimeout: .seconds(config.limits.idleTimeoutSeconds), slot: slot, logger: logger
        ).response(headers: headers)
    }

    /// `GET /metrics`: Prometheus text, with the head read now. Served while the store does
    /// not answer too (`relhub_store_up` 0), since that is when an operator looks.
    func scrapeMetrics() async throws -> Response {
        let head = try? await metrics.store(.head) { try await store.feedHead() }
        return MetricsRegistry.response(metrics.scrape(head: head))
    }

    /// The snapshot's validator: the feed and its head, which moves with every change the hub
    /// takes. The two clock forms are different bodies, so they have different validators.
    private func snapshotETag(head: Int64, form: HLCForm) -> String {
        "\"\(store.feedID)-\(head)-snapshot\(form == .string ? "-s" : "")\""
    }

    private func integer(_ request: Request, _ name: String, default value: Int64, range: ClosedRange<Int64>) throws -> Int64 {
        guard let text = request.uri.queryParameters[Substring(name)] else { return value }
        guard let n = Int64(text), range.contains(n) else {
            throw HubError(
                .badRequest, .badRequest, "\(name)=\(text): must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }
}
