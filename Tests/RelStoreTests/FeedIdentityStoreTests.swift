import Foundation
import GRDB
import RelModel
import Testing

@testable import RelStore

/// A hub binds node ids to the token that first pushed them and keeps each node's numbers
/// contiguous; a replica never takes changes under its own id from a feed (issue: one bad peer
/// must not cut others off or crash them).
@Suite struct FeedIdentityStoreTests {
    static let tokenA = String(repeating: "a", count: 64), tokenB = String(repeating: "b", count: 64)

    static let now = Int64(Date().timeIntervalSince1970 * 1000)

    /// A title change of record `r1` by `node`, numbered `seq`: the same change each time it is made.
    func change(_ node: String, _ seq: Int64, title: String = "T") -> Change {
        Change(
            recordID: "r1", field: "title", value: .string("\(title) \(seq)"),
            hlc: HLCTimestamp(millis: Self.now, counter: Int(seq % 1000)), node: node, nodeSeq: seq)
    }

    @Test func aNodeBelongsToTheTokenThatPushedItFirst() async throws {
        try await withStore { hub, _ in
            let first = try await hub.applyPushed([change("x", 1), change("x", 2)], writer: Self.tokenA, declaredNode: nil)
            #expect(first.applied == 2)
            #expect(try await hub.nodeOwner("x") == Self.tokenA)
            // Another token may not continue x's numbers, nor slip one in with its own node's.
            await #expect(throws: StoreError.nodeNotYours(node: "x", nodeSeq: 3)) {
                try await hub.applyPushed([change("x", 3)], writer: Self.tokenB, declaredNode: nil)
            }
            await #expect(throws: StoreError.nodeNotYours(node: "x", nodeSeq: 3)) {
                try await hub.applyPushed([change("y", 1), change("x", 3)], writer: Self.tokenB, declaredNode: "y")
            }
            #expect(try await hub.nodeOwner("y") == nil, "nothing of a refused batch stays, its binding neither")
            #expect(try await hub.feedHead() == 2)
            // A replay of what the hub has passes, whoever sends it; the owner goes on.
            let replay = try await hub.applyPushed([change("x", 1), change("x", 2)], writer: Self.tokenB, declaredNode: nil)
            #expect(replay.duplicates == 2 && replay.applied == 0)
            #expect(try await hub.applyPushed([change("x", 3)], writer: Self.tokenA, declaredNode: "x").applied == 1)
            // One token may own several nodes (one person, two laptops; a script with many).
            #expect(try await hub.applyPushed([change("z", 1)], writer: Self.tokenA, declaredNode: nil).applied == 1)
            #expect(try await hub.nodeOwner("z") == Self.tokenA)
        }
    }

    @Test func relayedChangesDoNotBindTheirNodes() async throws {
        try await withStore { hub, _ in
            // After a hub reset, replica y replays x's changes: y is bound, x stays free for x.
            let relay = try await hub.applyPushed([change("x", 1), change("y", 1)], writer: Self.tokenB, declaredNode: "y")
            #expect(relay.applied == 2)
            #expect(try await hub.nodeOwner("x") == nil)
            #expect(try await hub.nodeOwner("y") == Self.tokenB)
            #expect(try await hub.applyPushed([change("x", 1), change("x", 2)], writer: Self.tokenA, declaredNode: "x").applied == 1)
            #expect(try await hub.nodeOwner("x") == Self.tokenA)
        }
    }

    @Test func aNodesNumbersMoveOnlyByWhatItPushes() async throws {
        try await withStore { hub, _ in
            await #expect(throws: StoreError.sequenceGap(node: "x", nodeSeq: 2, expected: 1)) {
                try await hub.applyPushed([change("x", 2)], writer: Self.tokenA, declaredNode: nil)
            }
            await #expect(throws: StoreError.sequenceGap(node: "x", nodeSeq: 4, expected: 3)) {
                try await hub.applyPushed([change("x", 1), change("x", 2), change("x", 4)], writer: Self.tokenA, declaredNode: nil)
            }
            #expect(try await hub.feedHead() == 0, "nothing of a refused batch is applied")
            #expect(try await hub.nodeOwner("x") == nil)
            let big = Change.maxNodeSeq
            await #expect(throws: StoreError.sequenceGap(node: "x", nodeSeq: big, expected: 1)) {
                try await hub.applyPushed([change("x", big)], writer: Self.tokenA, declaredNode: nil)
            }
            #expect(try await hub.applyPushed((1...3).map { change("x", $0) }, writer: Self.tokenA, declaredNode: nil).applied == 3)
            // The same number twice in a batch is the idempotent case, not a gap.
            let again = try await hub.applyPushed([change("x", 4), change("x", 4)], writer: Self.tokenA, declaredNode: nil)
            #expect(again.applied == 1 && again.duplicates == 1)
        }
    }

    @Test func aPulledChangeUnderOurOwnIdIsSkippedAndDoesNotMoveOurNumbers() async throws {
        try await withStore { a, _ in
            try await a.create(try event("e1", date: "2023"))
            let own = try await a.changes()
            let hostile = change(a.nodeID, Change.maxNodeSeq)
            let reused = change(a.nodeID, 1, title: "Other")
            let summary = try await a.applyPulled(own + [hostile, reused], feedID: "hub", next: 3, etag: nil, lastModified: nil)
            #expect(summary.duplicates == own.count && summary.claimingOwnID == 2 && summary.applied == 0)
            // Writes go on, numbered after our own changes only.
            try await a.create(try event("e2", date: "2023"))
            let mine = try await a.changes().filter { $0.node == a.nodeID }.map(\.nodeSeq)
            #expect(mine == Array(1...Int64(mine.count)))
            let push = try await a.changesToPush(limit: 1000)
            #expect(push.changes.map(\.nodeSeq) == mine)
        }
    }

    @Test func aHubFromBeforeOwnershipBindsEachNodeOnItsNextPush() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reld-owners-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/relhub.sqlite"
        // What the previous release's hub held: x's changes 1 and 2, no owners.
        let pool = try DatabasePool(path: path)
        try AppDatabase.migrator.migrate(pool, upTo: "v3-nfc")
        try await pool.write { db in
            for c in [self.change("x", 1), self.change("x", 2)] {
                try db.execute(
                    sql: "INSERT INTO changes (record_id, field, value, hlc, node, node_seq) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [c.recordID, c.field, JSONText.compact(c.value), c.hlc.rawValue, c.node, c.nodeSeq])
            }
        }
        try pool.close()

        let hub = try AppDatabase(path: path)
        #expect(try await hub.nodeOwner("x") == nil, "nodes in the feed start unbound")
        // The window: a replay binds nobody; x's next new change binds x.
        #expect(try await hub.applyPushed([change("x", 2)], writer: Self.tokenB, declaredNode: nil).duplicates == 1)
        #expect(try await hub.nodeOwner("x") == nil)
        #expect(try await hub.applyPushed([change("x", 3)], writer: Self.tokenA, declaredNode: "x").applied == 1)
        #expect(try await hub.nodeOwner("x") == Self.tokenA)
        try await hub.close()
    }

    @Test func aStoreHoldingTheLargestNumberRefusesWritesWithoutTrapping() async throws {
        try await withStore { a, dir in
            // What an earlier version could be left with after pulling a hostile change.
            let queue = try DatabaseQueue(path: dir + "/reld.sqlite")
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO changes (record_id, field, value, hlc, node, node_seq, bases) VALUES ('r1', 'title', '"x"', 1, ?, ?, '[]')
                        """, arguments: [a.nodeID, Int64.max])
            }
            try queue.close()
            await #expect(throws: StoreError.sequenceExhausted(node: a.nodeID)) {
                try await a.create(try event("e1", date: "2023"))
            }
            #expect(try await a.statistics().pendingChanges >= 0)
        }
    }
}
