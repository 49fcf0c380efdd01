import Foundation
import RelModel
import RelStore
import Testing

/// relhub writes clock values as strings when a replica asks (`hlc=string`): the page must read
/// back as the same changes as the integer page, with bases rewritten too.
@Suite struct FeedPageFormTests {
    @Test func theStringPageReadsAsTheIntegerPage() async throws {
        try await withStore { db, _ in
            try await db.create(try event("r1", date: "2023", title: "First"))
            _ = try await db.update(id: "r1", edits: ["title": "Second"])
            let integer = try await db.feedPageText(since: 0, limit: 100).text
            let string = try await db.feedPageText(since: 0, limit: 100, hlc: .string).text
            let page = try FeedPage(json: JSONValue.parse(integer))
            #expect(try FeedPage(json: JSONValue.parse(string)) == page)
            #expect(page.changes.contains { !$0.bases.isEmpty })  // the edit names what it replaced
            #expect(!string.contains(#""hlc":1"#) && string.contains(#""hlc":""#))
            #expect(!string.contains("[[1"), "bases keep integer clock values: \(string)")
            #expect(string == JSONText.compact(page.json(.string)))
        }
    }

    /// A page in the integer form (what relhub 0.2.0 and earlier send) and one in the string form
    /// merge into the same store.
    @Test func bothFormsMerge() async throws {
        try await withStore { source, _ in
            try await source.create(try event("r1", date: "2023", title: "First"))
            _ = try await source.update(id: "r1", edits: ["title": "Second"])
            try await source.delete(id: "r1")
            try await source.create(try event("r2", date: "2024", title: "Other"))
            for form in [HLCForm.integer, .string] {
                let text = try await source.feedPageText(since: 0, limit: 1000, hlc: form).text
                try await withStore { follower, _ in
                    let page = try FeedPage(json: JSONValue.parse(text))
                    let summary = try await follower.applyRemote(page.changes)
                    #expect(summary.applied == page.changes.count)
                    #expect(try await follower.exportDocuments() == source.exportDocuments())
                    #expect(try await follower.snapshot() == source.snapshot().with(feedID: follower.nodeID))
                }
            }
        }
    }
}

extension FeedSnapshot {
    /// The same changes under another store's id.
    func with(feedID: String) -> FeedSnapshot { FeedSnapshot(feedID: feedID, changes: changes) }
}
