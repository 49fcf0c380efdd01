import Foundation
import RelModel
import RelStore

@testable import RelSync

/// An in-memory relhub for the sync tests. Its store is a real ``AppDatabase`` in a temporary
/// directory, merged as relhub merges (node ownership, contiguous numbers, duplicates skipped),
/// and it answers as relhub does (410 `cursor_ahead`, 304 on a matching ETag, 403
/// `node_not_yours`). A test scripts its faults: errors for the next requests of a route, 413
/// for batches over a size, a reset to a new feed id, a restore from a backup, and requests held
/// until the test lets them go.
actor FakeHub {
    /// The routes a replica calls.
    enum Route: Sendable { case pull, push, snapshot }

    /// The feed URL, as errors name it.
    let url = "http://hub.test:8470"
    /// Pushes of more changes than this answer `413` (relhub's `max_push_bytes`, in changes).
    private(set) var maxBatch = Int.max
    /// The size of every batch pushed, accepted or not, in order.
    private(set) var pushSizes: [Int] = []
    /// Changes sent in pulled pages, all replicas together.
    private(set) var changesSent = 0
    /// Whether pulls leave out the asker's own changes, as relhub does; an older relhub sends them.
    private(set) var honoursKnown = true
    private(set) var store: AppDatabase
    private let dir: URL
    private var generation = 0
    private var faults: [Route: [FeedError]] = [:]
    private var holds: [Route: (skip: Int, gate: Gate)] = [:]
    private var countWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private var spoiledAfter: Int64?

    /// Opens an empty hub in a new temporary directory; ``remove()`` deletes it.
    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("reld-sync-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try AppDatabase(path: dir.path + "/hub-0.sqlite")
    }

    /// A directory for the replicas' stores, removed with the hub's.
    nonisolated var directory: URL { dir }

    /// Closes the store and deletes the directory.
    func remove() async {
        try? await store.close()
        try? FileManager.default.removeItem(at: dir)
    }

    // MARK: Scripting

    /// The next requests of `route` fail with `errors`, one each, before the hub answers again.
    func fail(_ route: Route, with errors: FeedError...) { faults[route, default: []] += errors }

    /// An error answer as FeedClient reports it: `status`, the message of its JSON body, and `Retry-After`.
    func answer(_ route: Route, status: Int, message: String, retryAfter: Duration? = nil) {
        let path = route == .snapshot ? FeedRoutes.snapshot : FeedRoutes.changes
        fail(route, with: .status(url: url + path, status: status, message: message, retryAfter: retryAfter))
    }

    /// Pushes of more than `changes` answer `413`.
    func limitBatches(to changes: Int) { maxBatch = changes }
    /// Answers pulls as a relhub that does not know `exclude_node` does: with every change.
    func ignoreKnown() { honoursKnown = false }
    /// Pages after cursor `since` carry a title that is a number, as a broken or hostile hub's.
    func spoilPages(after since: Int64) { spoiledAfter = since }

    /// The next request of `route` after `skip` others waits at the returned gate until opened.
    func hold(_ route: Route, skip: Int = 0) -> Gate {
        let gate = Gate()
        holds[route] = (skip, gate)
        return gate
    }

    /// Replaces the store with a new, empty one: a new feed id, as when a hub is set up again.
    func reset() async throws {
        try await store.close()
        generation += 1
        store = try AppDatabase(path: dir.path + "/hub-\(generation).sqlite")
    }

    /// Copies the store aside, for ``restoreBackup()``.
    func backUp() async throws {
        try await store.checkpoint()
        let backup = dir.appendingPathComponent("backup.sqlite")
        try? FileManager.default.removeItem(at: backup)
        try FileManager.default.copyItem(atPath: store.path, toPath: backup.path)
    }

    /// Puts the copy of ``backUp()`` back: the same feed id, but behind what replicas pulled.
    func restoreBackup() async throws {
        let path = store.path
        try await store.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try FileManager.default.copyItem(atPath: dir.appendingPathComponent("backup.sqlite").path, toPath: path)
        store = try AppDatabase(path: path)
    }

    /// How many changes the hub's log holds. (Its head, a position, can be larger: a batch that
    /// mixes changes the hub has with new ones leaves gaps in the positions.)
    func changeCount() async throws -> Int { try await store.changes().count }

    /// Returns once the hub's log holds at least `count` changes.
    func waitForChanges(_ count: Int) async {
        if (try? await changeCount()) ?? 0 >= count { return }
        await withCheckedContinuation { countWaiters.append((count, $0)) }
    }

    // MARK: The routes

    /// `GET /v1/changes`, as FeedAPI.pull answers it.
    func pull(since: Int64, limit: Int, etag: String?, known: OwnChanges? = nil) async throws(FeedError) -> Fetched<FeedPage> {
        let url = self.url + FeedRoutes.changes(since: since, limit: limit, known: honoursKnown ? known : nil)
        try await arrive(.pull)
        let head = try await hubStore(url) { try await self.store.feedHead() }
        if since > head {
            throw .status(
                url: url, status: 410,
                message:
                    "since=\(since) is past this feed's last change \(head): the hub was reset or restored from a backup; pull from 0 and push everything again",
                retryAfter: nil)
        }
        let current = "\"\(store.nodeID)-\(head)\""
        if since >= head, etag == current { return .notModified }
        let known = honoursKnown ? known : nil
        var page = try await hubStore(url) { try await self.store.feedPage(since: since, limit: limit, known: known) }
        if let spoiledAfter, since >= spoiledAfter, let i = page.changes.firstIndex(where: { $0.field == "title" }) {
            page.changes[i].value = 42
        }
        changesSent += page.changes.count
        return .body(page, etag: page.more ? nil : "\"\(store.nodeID)-\(page.next)\"", lastModified: nil)
    }

    /// `POST /v1/changes` by the holder of `token`, as FeedAPI.push answers it.
    func push(_ batch: PushBatch, node: String?, nodeName: String? = nil, token: String) async throws(FeedError) -> PushResult {
        pushSizes.append(batch.changes.count)
        let url = self.url + FeedRoutes.changes
        try await arrive(.push)
        guard batch.changes.count <= maxBatch else {
            throw .status(
                url: url, status: 413, message: "request body is larger than max_push_bytes; push smaller batches", retryAfter: nil)
        }
        let summary: ApplySummary
        do {
            summary = try await store.applyPushed(batch.changes, writer: token, declaredNode: node, declaredName: nodeName)
        } catch let error as StoreError {
            let status =
                switch error {
                case .nodeNotYours: 403
                case .sequenceGap, .reusedSequence: 409
                default: 422
                }
            throw .status(url: url, status: status, message: error.description, retryAfter: nil)
        } catch {
            throw .status(url: url, status: 500, message: "\(error)", retryAfter: nil)
        }
        let count = (try? await changeCount()) ?? 0
        countWaiters.removeAll { waiter in
            guard count >= waiter.count else { return false }
            waiter.continuation.resume()
            return true
        }
        return PushResult(accepted: summary.applied, duplicates: summary.duplicates, newConflicts: summary.conflicts)
    }

    /// `GET /v1/snapshot`, as FeedAPI.snapshot answers it.
    func snapshot(etag: String?) async throws(FeedError) -> Fetched<FeedSnapshot> {
        let url = self.url + FeedRoutes.snapshot
        try await arrive(.snapshot)
        let head = try await hubStore(url) { try await self.store.feedHead() }
        let current = "\"\(store.nodeID)-\(head)-snapshot\""
        if etag == current { return .notModified }
        return .body(try await hubStore(url) { try await self.store.snapshot() }, etag: current, lastModified: nil)
    }

    /// Waits at a held gate, or fails with a scripted error, before the answer.
    private func arrive(_ route: Route) async throws(FeedError) {
        if let hold = holds[route] {
            if hold.skip > 0 {
                holds[route]?.skip -= 1
            } else {
                holds[route] = nil
                await hold.gate.pass()
            }
        }
        if var queue = faults[route], !queue.isEmpty {
            let error = queue.removeFirst()
            faults[route] = queue
            throw error
        }
    }

    private func hubStore<T>(_ url: String, _ body: () async throws -> T) async throws(FeedError) -> T {
        do { return try await body() } catch { throw .status(url: url, status: 500, message: "\(error)", retryAfter: nil) }
    }
}

/// One replica's connection to a ``FakeHub``, with its token.
struct FakeFeed: FeedTransport {
    let hub: FakeHub
    let token: String

    func pull(since: Int64, limit: Int, etag: String?, known: OwnChanges?) async throws(FeedError) -> Fetched<FeedPage> {
        try await hub.pull(since: since, limit: limit, etag: etag, known: known)
    }

    func snapshot(etag: String?, lastModified: String?) async throws(FeedError) -> Fetched<FeedSnapshot> {
        try await hub.snapshot(etag: etag)
    }

    func push(_ batch: PushBatch, node: String?, nodeName: String?) async throws(FeedError) -> PushResult {
        try await hub.push(batch, node: node, nodeName: nodeName, token: token)
    }

    func shutdown() async {}
}

/// Where a request waits until the test opens it; the test can wait for the request to arrive.
actor Gate {
    private var arrived = false
    private var opened = false
    private var arrivalWaiters: [CheckedContinuation<Void, Never>] = []
    private var openWaiters: [CheckedContinuation<Void, Never>] = []

    /// Called by the request: says it arrived, then waits until ``open()``.
    func pass() async {
        arrived = true
        for waiter in arrivalWaiters { waiter.resume() }
        arrivalWaiters = []
        if opened { return }
        await withCheckedContinuation { openWaiters.append($0) }
    }

    /// Returns once a request waits here.
    func reached() async {
        if arrived { return }
        await withCheckedContinuation { arrivalWaiters.append($0) }
    }

    /// Lets the request go on.
    func open() {
        opened = true
        for waiter in openWaiters { waiter.resume() }
        openWaiters = []
    }
}
