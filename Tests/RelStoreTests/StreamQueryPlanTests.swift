import Foundation
import GRDB
import Testing

@testable import RelStore

/// The streamed answers (export, snapshot) read a chunk at a time, each chunk by a query that
/// starts where the last one stopped. Each must walk an index from there; a plan that sorts the
/// table would cost the whole table per chunk, and an export of 100,000 records would take hours.
@Suite struct StreamQueryPlanTests {
    static func plan(_ sql: String, _ arguments: StatementArguments) async throws -> String {
        try await withStore { db, dir in
            try await db.create(try event("r1", date: "2023", title: "One"))
            let queue = try DatabaseQueue(path: dir + "/reld.sqlite")
            return try await queue.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
                    .joined(separator: "\n")
            }
        }
    }

    @Test func anExportChunkWalksTheIdIndexFromWhereTheLastStopped() async throws {
        let plan = try await Self.plan(ExportStream.pageSQL, ["r0"])
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
        #expect(plan.contains("(id>?)"), "\(plan)")
    }

    @Test func aSnapshotChunkWalksTheLogFromWhereTheLastStopped() async throws {
        let plan = try await Self.plan(SnapshotStream.headsSQL, [0])
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
        #expect(plan.contains("rowid>?"), "\(plan)")
    }
}
