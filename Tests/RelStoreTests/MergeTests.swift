import Foundation
import OrderedCollections
import RelModel
import RelStore
import Testing

/// Named merge cases: each replays the same changes into fresh replicas in both orders.
@Suite struct MergeTests {
    /// Two nodes that both hold record `r1`, created on the first.
    func twoNodes(_ body: (AppDatabase, AppDatabase, [Change]) async throws -> Void) async throws {
        try await withStore { a, _ in
            try await withStore { b, _ in
                try await a.create(try event("r1", date: "2023", title: "Visit"))
                let created = try await a.changes()
                _ = try await b.applyRemote(created)
                try await body(a, b, created)
            }
        }
    }

    /// Applies `created`, then `first` and `second` in both orders to fresh replicas; both must
    /// end alike, and that end state is handed to `check`.
    func bothOrders(
        _ created: [Change], _ first: [Change], _ second: [Change],
        check: (AppDatabase) async throws -> Void
    ) async throws {
        var exports: [[String]] = []
        var conflicts: [[FieldConflict]] = []
        for order in [[first, second], [second, first]] {
            try await withStore { r, _ in
                _ = try await r.applyRemote(created)
                for batch in order { _ = try await r.applyRemote(batch) }
                exports.append(try await r.exportDocuments())
                conflicts.append(try await r.conflicts())
                try await check(r)
            }
        }
        #expect(exports[0] == exports[1])
        #expect(conflicts[0] == conflicts[1])
    }

    func newChanges(_ db: AppDatabase, after created: [Change]) async throws -> [Change] {
        Array(try await db.changes().dropFirst(created.count))
    }

    @Test func anEditLaterThanADeleteBringsTheRecordBack() async throws {
        try await twoNodes { a, b, created in
            try await a.delete(id: "r1")
            _ = try await b.update(id: "r1", edits: ["title": "Visit (edited)"])
            let delete = try await newChanges(a, after: created)
            let edit = try await newChanges(b, after: created)
            try await bothOrders(created, delete, edit) { (r: AppDatabase) async throws in
                #expect(try await r.record(id: "r1").title == "Visit (edited)")
            }
        }
    }

    @Test func aDeleteLaterThanAnEditWinsAndKeepsTheEdit() async throws {
        try await twoNodes { a, b, created in
            _ = try await b.update(id: "r1", edits: ["title": "Visit (edited)"])
            try await a.delete(id: "r1")
            let edit = try await newChanges(b, after: created)
            let delete = try await newChanges(a, after: created)
            try await bothOrders(created, edit, delete) { (r: AppDatabase) async throws in
                await #expect(throws: StoreError.deleted(id: "r1")) { try await r.record(id: "r1") }
                #expect(try await r.restore(id: "r1").title == "Visit (edited)", "the tombstone kept the edit")
            }
        }
    }

    @Test func theSameFieldEditedOnTwoNodesKeepsTheLoser() async throws {
        try await twoNodes { a, b, created in
            _ = try await a.update(id: "r1", edits: ["title": "Visit (A)"])
            _ = try await b.update(id: "r1", edits: ["title": "Visit (B)"])
            let fromA = try await newChanges(a, after: created)
            let fromB = try await newChanges(b, after: created)
            let winner = max(fromA[0].stamp, fromB[0].stamp) == fromA[0].stamp ? "Visit (A)" : "Visit (B)"
            try await bothOrders(created, fromA, fromB) { (r: AppDatabase) async throws in
                #expect(try await r.record(id: "r1").title == winner)
                let c = try #require(try await r.conflicts().first)
                #expect(c.field == "title")
                #expect(c.losers.map(\.value) == [.string(winner == "Visit (A)" ? "Visit (B)" : "Visit (A)")])
            }
        }
    }

    @Test func differentFieldsEditedOnTwoNodesBothSurvive() async throws {
        try await twoNodes { a, b, created in
            _ = try await a.update(id: "r1", edits: ["title": "Visit (A)"])
            _ = try await b.update(id: "r1", edits: ["category": "military"])
            let fromA = try await newChanges(a, after: created)
            let fromB = try await newChanges(b, after: created)
            try await bothOrders(created, fromA, fromB) { (r: AppDatabase) async throws in
                let record = try await r.record(id: "r1")
                #expect(record.title == "Visit (A)" && record.category == "military")
                #expect(try await r.conflicts().isEmpty)
            }
        }
    }

    @Test func aClockAnHourAheadWinsConcurrentEditsButNotLaterOnes() async throws {
        try await twoNodes { a, _, created in
            let title = try #require(created.first { $0.field == "title" })
            let hourAhead = Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000
            let fast = Change(
                recordID: "r1", field: "title", value: "Visit (fast clock)",
                hlc: HLCTimestamp(millis: hourAhead, counter: 0), node: "fast-node", nodeSeq: 1, bases: [title.stamp])
            _ = try await a.update(id: "r1", edits: ["title": "Visit (A)"])
            let summary = try await a.applyRemote([fast])
            #expect(summary.conflicts == 1)
            #expect(try await a.record(id: "r1").title == "Visit (fast clock)")
            // A has now seen the fast clock's value: its next edit is stamped after it and wins.
            _ = try await a.update(id: "r1", edits: ["title": "Visit (later)"])
            #expect(try await a.record(id: "r1").title == "Visit (later)")
            let latest = try #require(try await a.changes().last)
            #expect(latest.stamp > fast.stamp)
        }
    }

    @Test func aClockDaysAheadIsRefusedWithTheWholeBatch() async throws {
        try await twoNodes { a, _, created in
            let title = try #require(created.first { $0.field == "title" })
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let fine = Change(
                recordID: "r1", field: "category", value: "economic", hlc: HLCTimestamp(millis: now, counter: 5),
                node: "other-node", nodeSeq: 1, bases: [])
            let future = Change(
                recordID: "r1", field: "title", value: "From the future",
                hlc: HLCTimestamp(millis: now + 2 * 86_400_000, counter: 0), node: "skewed-node", nodeSeq: 1, bases: [title.stamp])
            do {
                _ = try await a.applyRemote([fine, future])
                Issue.record("a change two days ahead was accepted")
            } catch StoreError.clockAhead(let e) {
                #expect(e.node == "skewed-node")
                #expect(StoreError.clockAhead(e).description.contains("ahead of this machine's clock"))
            }
            #expect(try await a.record(id: "r1").title == "Visit")
            #expect(try await a.record(id: "r1").category == "military", "nothing of the batch was applied")
        }
    }

    @Test func aSnapshotFollowerSeesNoConflictFromHistoryItMissed() async throws {
        try await withStore { source, _ in
            try await withStore { follower, _ in
                try await source.create(try event("r1", date: "2023", title: "v1"))
                _ = try await follower.applyRemote(try await source.snapshot().changes)
                _ = try await source.update(id: "r1", edits: ["title": "v2"])
                _ = try await source.update(id: "r1", edits: ["title": "v3"])
                _ = try await follower.applyRemote(try await source.snapshot().changes)
                #expect(try await follower.record(id: "r1").title == "v3")
                #expect(try await follower.conflicts().isEmpty)
            }
        }
    }

    @Test func aReplayedBatchChangesNothing() async throws {
        try await twoNodes { a, b, created in
            let again = try await b.applyRemote(created)
            #expect(again.applied == 0 && again.duplicates == created.count)
            #expect(try await a.exportDocuments() == b.exportDocuments())
        }
    }
}

/// relhub sends pages as text spliced from stored JSON: it must read back as the same page.
@Suite struct FeedPageTextTests {
    @Test func theSplicedPageReadsAsThePage() async throws {
        try await withStore { db, _ in
            try await db.create(try event("r1", date: "2023", title: "Quote \" and \\ and ü"))
            _ = try await db.update(id: "r1", edits: ["title": "Second"])
            for (since, limit) in [(Int64(0), 5), (3, 100), (0, 1000), (1000, 10)] {
                // The change log, read row by row, is what the spliced text must say.
                let logged = try await db.changes(after: since, limit: limit)
                let page = try FeedPage(json: try JSONValue.parse(try await db.feedPageText(since: since, limit: limit).text))
                #expect(page.changes == logged)
                #expect(page.more == (try await db.changes(after: since, limit: limit + 1).count > limit))
            }
        }
    }
}
