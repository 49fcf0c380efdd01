import Foundation
import Hummingbird
import HummingbirdTesting
import RelControlAPI
import RelModel
import RelStore
import Testing

/// `GET /v1/snapshot` (what `relctl export --feed` writes) is streamed from one view of the
/// store; its bytes must stay those of the document built whole, and a newline.
@Suite struct ControlRoutesSnapshotTests {
    /// Enough records that the document spans several chunks of ``SnapshotStream/defaultPageBytes``.
    static func records(_ count: Int) throws -> [Record] {
        try (1...count).map { i in
            try RecordValidator.record(from: try JSONValue.parse(eventJSON("ev-\(i)", title: "Talks in Bamako, round \(i)"))) {
                UUID().uuidString.lowercased()
            }
        }
    }

    @Test func aSnapshotOfManyPagesIsTheWholeDocumentAndANewline() async throws {
        try await withControlAPI(.live) { client, database in
            _ = try await database.importRecords(try Self.records(600))
            let expected = JSONText.compact(try await database.snapshot().json) + "\n"
            #expect(expected.utf8.count > 3 * SnapshotStream.defaultPageBytes, "the document spans several chunks")
            let response = try await client.send(.get, Routes.snapshot)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.headers[.contentLength] == nil, "sent in chunks")
            #expect(response.text == expected)
        }
    }

    @Test func anEmptyStoreIsAnEmptyDocument() async throws {
        try await withControlAPI(.live) { client, database in
            let response = try await client.send(.get, Routes.snapshot)
            #expect(response.status == .ok)
            #expect(response.headers[.contentLength] == "\(response.body.readableBytes)", "one chunk goes out whole")
            #expect(response.text == JSONText.compact(try await database.snapshot().json) + "\n")
            #expect(response.text.hasSuffix("\"changes\":[]}\n"))
        }
    }
}
