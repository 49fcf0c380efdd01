import Foundation
import RelModel
import RelStore
import Testing

/// reld writes the plain export a chunk at a time (``ExportStream``); the chunks, joined, must be
/// the text it used to build in memory (one document per line), whatever the page size, from the
/// store as it was when the export began.
@Suite struct ExportStreamTests {
    /// Every chunk of a stream opened now, joined, and how many there were.
    static func streamed(_ db: AppDatabase, pageBytes: Int) async throws -> (text: String, chunks: Int) {
        let stream = try await db.exportStream(pageBytes: pageBytes)
        var text = ""
        var chunks = 0
        var position: ExportStream.Position? = .start
        while let at = position {
            let chunk = try await stream.chunk(at: at)
            text += chunk.text
            chunks += 1
            position = chunk.next
        }
        return (text, chunks)
    }

    static func whole(_ db: AppDatabase) async throws -> String {
        let docs = try await db.exportDocuments()
        return docs.isEmpty ? "[]\n" : "[\n" + docs.joined(separator: ",\n") + "\n]\n"
    }

    @Test func theChunksJoinedAreTheWholeExportWhateverThePageSize() async throws {
        try await withStore { db, _ in
            #expect(try await Self.streamed(db, pageBytes: 1).text == "[]\n")
            try await db.create(try event("only", date: "2023", title: "One"))
            #expect(try await Self.streamed(db, pageBytes: 1) == (try await Self.whole(db), 1))
            for i in 1...30 { try await db.create(try event("r\(i)", date: "2023", title: "Title \(i) \"quoted\" é\n")) }
            try await db.delete(id: "r7")
            let whole = try await Self.whole(db)
            #expect(!whole.contains("\"r7\""), "a tombstone is not exported")
            for pageBytes in [1, 100, 700, 1 << 20] {
                let (text, chunks) = try await Self.streamed(db, pageBytes: pageBytes)
                #expect(text == whole, "page of \(pageBytes) bytes")
                #expect(pageBytes < 1 << 20 ? chunks > 1 : chunks == 1)
                #expect(try JSONValue.parse(text).arrayValue?.count == 30)
            }
        }
    }

    @Test func anExportIsTheStoreAsItWasWhenItBegan() async throws {
        try await withStore { db, _ in
            for i in 1...10 { try await db.create(try event("r\(i)", date: "2023", title: "Title \(i)")) }
            let before = try await Self.whole(db)
            let stream = try await db.exportStream(pageBytes: 1)
            let first = try await stream.chunk(at: .start)
            try await db.create(try event("r99", date: "2023", title: "Later"))
            try await db.delete(id: "r9")
            var text = first.text
            var position = first.next
            while let at = position {
                let chunk = try await stream.chunk(at: at)
                text += chunk.text
                position = chunk.next
            }
            #expect(text == before)
        }
    }
}
