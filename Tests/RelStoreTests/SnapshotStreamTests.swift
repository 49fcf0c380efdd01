import Foundation
import RelModel
import RelStore
import Testing

/// relhub writes its snapshot a chunk at a time (``SnapshotStream``); the chunks, joined, must be
/// the document ``AppDatabase/snapshot()`` builds in memory, byte for byte, whatever the page size.
@Suite struct SnapshotStreamTests {
    /// Every chunk of a stream opened now, joined, and how many there were.
    static func streamed(_ db: AppDatabase, _ form: HLCForm, pageBytes: Int) async throws -> (text: String, chunks: Int, head: Int64) {
        let stream = try await db.snapshotStream(hlc: form, pageBytes: pageBytes)
        var text = ""
        var chunks = 0
        var position: SnapshotStream.Position? = .start
        while let at = position {
            let chunk = try await stream.chunk(at: at)
            text += chunk.text
            chunks += 1
            position = chunk.next
        }
        return (text, chunks, stream.head)
    }

    /// A store with history (replaced titles), a tombstone, an open conflict and text that needs
    /// escaping: every part of the snapshot's encoding.
    static func busyStore(_ a: AppDatabase, _ b: AppDatabase) async throws {
        for i in 1...40 { try await a.create(try event("r\(i)", date: "2023", title: "Title \(i) \"quoted\" é\n")) }
        for i in stride(from: 3, through: 40, by: 3) { _ = try await a.update(id: "r\(i)", edits: ["title": .string("Edited \(i)")]) }
        _ = try await a.update(id: "r2", edits: ["title": "v2"])
        _ = try await a.update(id: "r2", edits: ["title": "v3"])
        try await a.delete(id: "r5")
        _ = try await b.applyRemote(try await a.changes())
        _ = try await b.update(id: "r1", edits: ["title": "from b"])
        _ = try await a.update(id: "r1", edits: ["title": "from a"])
        _ = try await a.applyRemote(try await b.changes())
    }

    @Test func theChunksJoinedAreTheInMemoryDocument() async throws {
        try await withStore { a, _ in
            try await withStore { b, _ in
                try await Self.busyStore(a, b)
                #expect(try await !a.conflicts().isEmpty, "the store has an open conflict")
                let old = try await a.snapshot()
                #expect(old.changes.contains { $0.bases.count > 1 }, "a value carries replaced versions as bases")
                for form in [HLCForm.integer, .string] {
                    let expected = JSONText.compact(old.json(form))
                    for pageBytes in [1, 700, SnapshotStream.defaultPageBytes] {
                        let got = try await Self.streamed(a, form, pageBytes: pageBytes)
                        #expect(got.text == expected, "form \(form), pages of \(pageBytes) bytes")
                        if pageBytes == 1 { #expect(got.chunks == old.changes.count, "one change a chunk") }
                        #expect(got.head == Int64(try await a.changes().count))
                    }
                }
            }
        }
    }

    @Test func anEmptyStoreIsAnEmptyDocument() async throws {
        try await withStore { db, _ in
            let got = try await Self.streamed(db, .integer, pageBytes: 1)
            #expect(got.text == JSONText.compact(try await db.snapshot().json))
            #expect(got.text.hasSuffix(#""changes":[]}"#))
            #expect(got.chunks == 1 && got.head == 0)
        }
    }

    /// One view from the first chunk to the last: writes made meanwhile are not in the document,
    /// and do not wait for it.
    @Test func writesDuringAStreamAreNotInIt() async throws {
        try await withStore { db, _ in
            for i in 1...20 { try await db.create(try event("r\(i)", date: "2023", title: "Before \(i)")) }
            let before = JSONText.compact(try await db.snapshot().json)
            let stream = try await db.snapshotStream(pageBytes: 200)
            var text = ""
            var position: SnapshotStream.Position? = .start
            var round = 0
            while let at = position {
                let chunk = try await stream.chunk(at: at)
                text += chunk.text
                position = chunk.next
                round += 1
                _ = try await db.update(id: "r\(round % 20 + 1)", edits: ["title": .string("During \(round)")])
                try await db.create(try event("new-\(round)", date: "2024", title: "New \(round)"))
            }
            #expect(round > 3, "the document took several chunks")
            #expect(text == before)
            #expect(!text.contains("During") && !text.contains("new-"))
        }
    }
}
