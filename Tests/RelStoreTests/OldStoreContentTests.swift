import Foundation
import RelModel
import Testing

@testable import RelStore

/// A store written by the release before a migration reads, once migrated, exactly as that
/// release read it: every document, conflict, history entry, change as the feed sends it, the
/// pending count, the feed position, node names and owners (``StoreFingerprint``) match the
/// golden file written beside the store (`NAME.expected.json`) when it was made.
///
/// `UPDATE_FIXTURE_GOLDEN=1` rewrites every golden file from today's code, and
/// `UPDATE_FIXTURE_GOLDEN=NAME.sqlite` that fixture's only; do that only when a fixture is added,
/// with the code of the commit that wrote it: a migration that changes a fingerprint has lost or
/// altered something.
@Suite struct OldStoreContentTests {
    @Test(arguments: OldStore.all.filter { $0.fingerprinted })
    func anOldStoreReadsAsItsGoldenFileSays(_ old: OldStore) async throws {
        let text = try await old.withCopy { path in
            let db = try AppDatabase(path: path)
            let fingerprint = try await StoreFingerprint.of(db, feedURL: old.feedURL)
            try await db.close()
            return StoreFingerprint.text(fingerprint)
        }
        if let update = ProcessInfo.processInfo.environment["UPDATE_FIXTURE_GOLDEN"], update == "1" || update == old.name {
            try Data(text.utf8).write(to: old.goldenURL)
            return
        }
        let golden = try String(contentsOf: old.goldenURL, encoding: .utf8)
        // Compared outside #expect, which would print both texts whole.
        let same = text == golden
        #expect(same, "\(old.goldenURL.lastPathComponent): \(firstDifference(text, golden))")
    }

    /// The fingerprint is a function of the store: read twice, it is the same.
    @Test(arguments: OldStore.all.filter { $0.fingerprinted })
    func aFingerprintReadsTheSameTwice(_ old: OldStore) async throws {
        try await old.withCopy { path in
            let db = try AppDatabase(path: path)
            let first = try await StoreFingerprint.of(db, feedURL: old.feedURL)
            #expect(try await StoreFingerprint.of(db, feedURL: old.feedURL) == first)
            try await db.close()
        }
    }

    /// What the golden files must hold for the fingerprint to prove anything: each kind of state
    /// the fixture was made to carry is there at least once.
    @Test(arguments: OldStore.all.filter { $0.fingerprinted })
    func aGoldenFileHoldsWhatItsStoreWasMadeToCarry(_ old: OldStore) throws {
        let golden = try JSONValue.parse(try Data(contentsOf: old.goldenURL))
        let feed = golden["feed"]?.arrayValue ?? []
        #expect(feed.count > 200)
        #expect(Set(feed.compactMap { $0["node"]?.stringValue }).count == 3, "changes of three nodes")
        #expect(feed.contains { ($0["bases"]?.arrayValue?.count ?? 0) > 1 }, "a resolve, replacing several versions")
        #expect((golden["node_names"]?.objectValue?.count ?? 0) == 3)
        let conflicts = golden["conflicts"]?.arrayValue ?? []
        #expect(conflicts.count == 3)
        #expect(conflicts.contains { ($0["losers"]?.arrayValue?.count ?? 0) == 2 }, "a field with three concurrent values")
        let histories = golden["history"]?.arrayValue ?? []
        let actions = Set(histories.flatMap { $0["entries"]?.arrayValue ?? [] }.compactMap { $0["action"]?.stringValue })
        #expect(actions == Set(HistoryEntry.Action.allCases.map(\.rawValue)))
        let e04 = histories.first { $0["record_id"] == "mlru-e04" }?["entries"]?.arrayValue ?? []
        #expect(e04.filter { $0["field"] == "title" }.count >= 3)
        if old.hub {
            #expect(golden["export"]?.arrayValue == [])
            // Each node that pushed is bound to its token; the hub's own id is not.
            #expect(golden["node_owners"]?.objectValue?.values.filter { $0 != .null }.count == 3)
        } else {
            #expect(golden["export"]?.arrayValue?.count == old.counts.values.reduce(0, +))
            #expect(golden["tombstones"]?.arrayValue?.count == old.deleted)
            #expect(golden["statistics"]?["pending"] == .int(Int64(old.pending)))
            #expect(golden["feed_position"]?["pushed_seq"] != .int(0))
        }
    }
}

/// Where two texts first differ, by line, for a failure message that can be read.
private func firstDifference(_ text: String, _ golden: String) -> String {
    let a = text.split(separator: "\n", omittingEmptySubsequences: false)
    let b = golden.split(separator: "\n", omittingEmptySubsequences: false)
    for i in 0..<max(a.count, b.count) where i >= a.count || i >= b.count || a[i] != b[i] {
        let now = i < a.count ? String(a[i]) : "(end)"
        let then = i < b.count ? String(b[i]) : "(end)"
        return "line \(i + 1) reads \(now) where the golden file has \(then)"
    }
    return "no line differs"
}
