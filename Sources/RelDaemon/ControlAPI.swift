import Foundation
import Hummingbird
import NIOCore
import OrderedCollections
import RelControlAPI
import RelModel
import RelService
import RelStore
import RelSync

/// The control API's handlers: decode and check the request, call the store, encode the answer.
struct ControlAPI: Sendable {
    let database: AppDatabase
    let config: DaemonConfig
    let startedAt: Date
    /// The sync engine, when a feed is configured.
    let sync: SyncEngine?
    /// What `GET /metrics` serves; the sync engine counts into it too.
    var metrics = DaemonMetrics()
    /// Who is on the other end of a connection: the kernel's answer, or a test's stand-in.
    var peerCredentials: @Sendable (any Channel) async throws -> PeerCredentials = { try await PeerCredentials.of($0) }

    /// Adds every route to `router`.
    func register(on router: Router<ControlContext>) {
        // Outermost, so that it counts the answer each request got, errors included.
        router.add(middleware: RequestMetrics(prefix: "reld", factory: metrics.registry.factory))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: PeerAccessMiddleware(policy: .current(socketGroup: config.socketGroup), credentials: peerCredentials))
        router.get(RouterPath(Routes.status)) { _, _ in try await self.status() }
        router.get(RouterPath(Routes.metrics)) { _, _ in try await self.scrapeMetrics() }
        router.get(RouterPath(Routes.records)) { request, _ in try await self.list(request) }
        router.post(RouterPath(Routes.records)) { request, context in try await self.create(request, context) }
        router.get("/v1/records/:id") { request, context in
            let id = try context.parameters.require("id")
            if let asOf = request.uri.queryParameters[RecordQuery.asOf[...]] { return try await self.show(id, asOf: String(asOf)) }
            return try await self.show(id, includeDeleted: request.uri.queryParameters[RecordQuery.includeDeleted[...]] == "true")
        }
        router.get("/v1/records/:id/history") { request, context in try await self.history(request, context) }
        router.patch("/v1/records/:id") { request, context in try await self.edit(request, context) }
        router.delete("/v1/records/:id") { _, context in try await self.delete(context) }
        router.post("/v1/records/:id/restore") { _, context in try await self.restore(context) }
        router.post(RouterPath(Routes.importRecords)) { request, context in try await self.importRecords(request, context) }
        router.get(RouterPath(Routes.export)) { request, _ in try await self.export(request) }
        router.get(RouterPath(Routes.search)) { request, _ in try await self.search(request) }
        registerSync(on: router)
    }

    func status() async throws -> Response {
        let stats = try await database.statistics()
        let body = StatusResponse(
            version: RelVersion.current, startedAt: startedAt.formatted(.iso8601),
            uptimeSeconds: (Date().timeIntervalSince(startedAt) * 10).rounded() / 10, nodeID: database.nodeID,
            records: RecordCounts(event: stats.counts[.event] ?? 0, agreement: stats.counts[.agreement] ?? 0, deleted: stats.deleted),
            pendingChanges: stats.pendingChanges,
            database: DatabaseInfo(path: database.path, sizeBytes: stats.sizeBytes), socket: config.socketPath,
            openConflicts: try await database.openConflictCount(), sync: await syncInfo())
        return try Self.json(body)
    }

    func list(_ request: Request) async throws -> Response {
        let query = try ListQuery(items: Self.queryItems(request))
        let (docs, total) = try await database.list(RecordFilter(query))
        // Stored documents are canonical JSON already: splice them rather than decode and re-encode.
        var text = "{\"records\":[" + docs.joined(separator: ",") + "],\"total\":\(total)}"
        text.append("\n")
        return Self.raw(text, status: .ok)
    }

    func create(_ request: Request, _ context: ControlContext) async throws -> Response {
        let json = try await Self.body(request, limit: config.maxRequestBytes)
        let record: Record
        do {
            record = try RecordValidator.record(from: json) { UUID().uuidString.lowercased() }
        } catch { throw APIError(validation: error) }
        do { try await database.create(record) } catch StoreError.deleted(let id) {
            // The id is taken by a tombstone: 409 like a live record, with the code that says restore.
            throw APIError(.conflict, .deleted, StoreError.deleted(id: id).reldMessage)
        }
        nudge()
        context.logger.info("record created", metadata: ["id": "\(record.id)", "kind": "\(record.kind.rawValue)"])
        return try Self.json(CreatedResponse(id: record.id), status: .created)
    }

    func show(_ id: String, includeDeleted: Bool) async throws -> Response {
        guard includeDeleted else {
            let record = try await database.record(id: id)
            return Self.raw(JSONText.compact(record.json) + "\n", status: .ok)
        }
        // Spliced so that the record keeps its canonical member order.
        let (record, deleted) = try await database.recordOrTombstone(id: id)
        return Self.raw("{\"deleted\":\(deleted),\"record\":" + JSONText.compact(record.json) + "}\n", status: .ok)
    }

    func edit(_ request: Request, _ context: ControlContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let json = try await Self.body(request, limit: config.maxRequestBytes)
        let shape = "body must be {\"set\": {\"FIELD\": VALUE, ...}}, optionally with \"add\" and \"remove\": {\"FIELD\": [ITEM, ...]}"
        guard let envelope = json.objectValue, envelope.keys.allSatisfy({ ["set", "add", "remove"].contains($0) }),
            !envelope.isEmpty
        else { throw APIError.badRequest(shape) }
        guard let edits = envelope["set"].map({ $0.objectValue }) ?? [:] else { throw APIError.badRequest(shape) }
        let additions = try Self.listChanges(envelope["add"], member: "add", shape: shape)
        let removals = try Self.listChanges(envelope["remove"], member: "remove", shape: shape)
        guard !edits.isEmpty || !additions.isEmpty || !removals.isEmpty else {
            throw APIError.badRequest("\"set\" is empty: name at least one field to change")
        }
        // An empty name is no path at all; as a 422 it would name the empty field "".
        guard !edits.keys.contains("") else { throw APIError.badRequest("\"set\" has a member with an empty name: name a field") }
        let record = try await database.update(id: id, edits: edits, additions: additions, removals: removals)
        nudge()
        let fields = OrderedSet(edits.keys).union(additions.keys).union(removals.keys)
        context.logger.info("record edited", metadata: ["id": "\(id)", "fields": "\(fields.joined(separator: ","))"])
        return Self.raw(JSONText.compact(record.json) + "\n", status: .ok)
    }

    /// PATCH's `add` or `remove`: `{"FIELD": [ITEM, ...]}`.
    static func listChanges(_ json: JSONValue?, member: String, shape: String) throws -> OrderedDictionary<String, [JSONValue]> {
        guard let json else { return [:] }
        guard let object = json.objectValue else { throw APIError.badRequest(shape) }
        var out = OrderedDictionary<String, [JSONValue]>()
        for (field, items) in object {
            guard !field.isEmpty, let list = items.arrayValue else {
                throw APIError.badRequest("\"\(member)\" must map each field name to an array of items")
            }
            out[field] = list
        }
        return out
    }

    func delete(_ context: ControlContext) async throws -> Response {
        let id = try context.parameters.require("id")
        try await database.delete(id: id)
        nudge()
        context.logger.info("record deleted", metadata: ["id": "\(id)"])
        return try Self.json(DeletedResponse(id: id))
    }

    /// Brings a deleted record back; a live one is left as it is (`restored` false).
    func restore(_ context: ControlContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let restored = try await database.restoring(id: id).restored
        if restored {
            nudge()
            context.logger.info("record restored", metadata: ["id": "\(id)"])
        }
        return try Self.json(RestoreResponse(id: id, restored: restored))
    }

    func importRecords(_ request: Request, _ context: ControlContext) async throws -> Response {
        let streamed = try Self.wantsImportStream(request)
        // Watch for the client going away (Ctrl-C on relctl) from the start: the import is then
        // rolled back, not committed for nobody.
        let watch = try await ClientWatch.install(on: context.channel)
        let channel = context.channel
        let spool: ImportSpool
        do {
            spool = try await receivedImport(request, watch: watch)
        } catch {
            watch.remove(from: channel)
            throw cancellationLogged(error, total: nil, logger: context.logger)
        }
        if streamed { return importStream(spool, watch: watch, channel: channel, logger: context.logger) }
        defer { watch.remove(from: channel) }
        let summary = try await write(spool, watch: watch, logger: context.logger, report: nil)
        return try Self.json(ImportResponse(created: summary.created, updated: summary.updated, unchanged: summary.unchanged))
    }

    /// Keeps neither a huge write-ahead log nor a large import's freed heap around afterwards.
    func settleAfterImport(of count: Int) async {
        guard count >= 1000 else { return }
        try? await database.checkpoint()
        MemoryTrim.releaseFreedHeap()
    }

    /// The whole ledger, one record per line (valid JSON that diffs and greps well, and that
    /// `import` takes back), a chunk at a time from one read view (``ExportStream``): reld holds
    /// a page of it, not the ledger.
    func export() async throws -> Response {
        let stream = try await database.exportStream()
        return try await Self.streamed { try await stream.chunk(at: $0 ?? .start) }
    }

    /// A JSON answer read a chunk at a time by `read` (given nil for the first chunk, then the
    /// position the last one named), with `ending` after the last. The first chunk is read before
    /// the headers go out, so a store that cannot be read still answers an error; one that fails
    /// later closes the connection before the document's end. A document of one chunk goes out
    /// whole, with its length.
    static func streamed<Position: Sendable>(
        ending: String = "", read: @escaping @Sendable (Position?) async throws -> (text: String, next: Position?)
    ) async throws -> Response {
        let (first, next) = try await read(nil)
        guard let next else { return raw(first + ending, status: .ok) }
        let body = ResponseBody { writer in
            var (text, position): (String, Position?) = (first, next)
            while let at = position {
                try await writer.write(ByteBuffer(string: text))
                (text, position) = try await read(at)
            }
            try await writer.write(ByteBuffer(string: text + ending))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }

    // MARK: - Helpers

    static func body(_ request: Request, limit: Int) async throws -> JSONValue {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("request body is empty; send JSON") }
        do {
            return try JSONValue.parse(Data(buffer.readableBytesView))
        } catch { throw APIError.badRequest(error.description) }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func raw(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
