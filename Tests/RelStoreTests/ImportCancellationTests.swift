import Foundation
import RelModel
import RelStore
import Testing

// Protects the import's way out: a progress check that throws (the client went away) rolls back
// the whole transaction, records and change log alike, and leaves the store usable.
@Suite struct ImportCancellationTests {
    /// Collects what the progress closure was told.
    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [[Int]] = []
        func add(_ written: Int, _ total: Int) { lock.withLock { list.append([written, total]) } }
        var all: [[Int]] { lock.withLock { list } }
    }

    func generated(_ count: Int) throws -> [Record] {
        try (0..<count).map { try event("gen-\($0)", date: "2023-02-07", title: "Generated \($0)") }
    }

    @Test func progressIsReportedBeforeEachBatchAndBeforeTheCommit() async throws {
        try await withStore { db, _ in
            let interval = AppDatabase.importProgressInterval
            let records = try generated(interval * 2 + 3)
            let calls = Calls()
            let summary = try await db.importRecords(records) { calls.add($0, $1) }
            #expect(summary.created == records.count)
            let total = records.count
            #expect(calls.all == [[0, total], [interval, total], [interval * 2, total], [total, total]])
        }
    }

    @Test func aThrowingCheckRollsBackEverything() async throws {
        try await withStore { db, _ in
            let records = try generated(AppDatabase.importProgressInterval * 3)
            await #expect(throws: CancellationError.self) {
                _ = try await db.importRecords(records) { written, _ in
                    if written >= AppDatabase.importProgressInterval * 2 { throw CancellationError() }
                }
            }
            #expect(try await db.statistics().counts.values.reduce(0, +) == 0)
            #expect(try await db.changes().isEmpty)
            #expect(try await db.list(RecordFilter()).total == 0)
            // The store is still usable, and the same import goes through afterwards.
            let summary = try await db.importRecords(records)
            #expect(summary.created == records.count)
            #expect(try await db.changes().count > 0)
        }
    }

    @Test func aCheckThrowingAtTheLastMomentStillWritesNothing() async throws {
        try await withStore { db, _ in
            let records = try generated(10)
            await #expect(throws: CancellationError.self) {
                _ = try await db.importRecords(records) { written, total in
                    if written == total { throw CancellationError() }
                }
            }
            #expect(try await db.list(RecordFilter()).total == 0)
            #expect(try await db.changes().isEmpty)
        }
    }
}
