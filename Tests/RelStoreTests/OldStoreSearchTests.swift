import Foundation
import RelModel
import Testing

@testable import RelStore

/// A store from an earlier build gets the search index when it opens (`v6-search`), filled
/// with the records it holds, tombstones included (a hub's store holds none).
@Suite struct OldStoreSearchTests {
    @Test(arguments: OldStore.all)
    func anUpgradedStoreFindsItsRecords(_ old: OldStore) async throws {
        try await old.withCopy { path in
            let db = try AppDatabase(path: path)
            if old.hub {
                // A hub has no record rows, so nothing to index.
                #expect(try await db.search("goita OR rosatom", filter: RecordFilter(), includeDeleted: true).total == 0)
                try await db.close()
                return
            }
            let goita = try await db.search("goita", filter: RecordFilter())
            #expect(try ids(goita.hits.map(\.document)) == ["mlru-e01"])
            #expect(goita.hits.first?.snippet.contains("[Goïta]") == true)
            #expect(try await db.search("rosatom", filter: RecordFilter()).total == 1)
            // mlru-e02 is a tombstone in every fixture.
            let soviet = try await db.search("\"soviet union\"", filter: RecordFilter(), includeDeleted: true)
            #expect(soviet.hits.contains { $0.deleted && $0.document.contains("\"mlru-e02\"") })
            #expect(try await db.search("\"soviet union\"", filter: RecordFilter()).hits.allSatisfy { !$0.deleted })
            // New work after the upgrade is indexed too.
            _ = try await db.update(id: "mlru-e04", edits: ["title": "Edited after the upgrade"])
            #expect(try await db.search("edited", filter: RecordFilter()).total == 1)
            try await db.close()
        }
    }
}
