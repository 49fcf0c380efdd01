import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RelModel
import RelStore
import Testing

@testable import RelHub

/// `GET /v1/snapshot` is written a page at a time from one view of the store; what a follower
/// receives, plain or gzip, must be byte for byte the document relhub used to build in memory
/// (``AppDatabase/snapshot()``, encoded whole).
@Suite struct SnapshotStreamingTests {
    /// A hub's routes over a fresh store, served on a loopback port for `body`.
    static func withHub(_ body: @escaping @Sendable (AppDatabase, any TestClientProtocol) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relhub-snapshot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = try AppDatabase(path: dir.path + "/relhub.sqlite")
        let router = Router()
        router.middlewares.add(HubErrorMiddleware())
        router.middlewares.add(GzipMiddleware(maxBytes: 1 << 20))
        FeedAPI(store: database, config: HubConfig(stateDirectory: dir.path), metrics: HubMetrics()).register(on: router)
        try await Application(router: router).test(.live) { client in try await body(database, client) }
        try await database.close()
    }

    /// `records` records of 100 tags each, then a replaced tag list (history as extra bases) and
    /// a concurrent edit from another node (an open conflict): about 1.3 KB of document a record.
    static func fill(_ db: AppDatabase, records: Int) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000) - 60_000
        var changes: [Change] = []
        for i in 1...records {
            let tags = JSONValue.array((0..<100).map { .string("r\(i)-tag-\($0)") })
            changes.append(
                Change(
                    recordID: "rec-\(i)", field: "tags", value: tags,
                    hlc: HLCTimestamp(millis: now, counter: i), node: "node-a", nodeSeq: Int64(i)))
        }
        _ = try await db.applyRemote(changes)
        let first = changes[0]
        let replaced = Change(
            recordID: "rec-1", field: "tags", value: .array([.string("second")]),
            hlc: HLCTimestamp(millis: now + 1, counter: 0), node: "node-a", nodeSeq: Int64(records + 1), bases: [first.stamp])
        let latest = Change(
            recordID: "rec-1", field: "tags", value: .array([.string("third \"quoted\" é")]),
            hlc: HLCTimestamp(millis: now + 2, counter: 0), node: "node-a", nodeSeq: Int64(records + 2), bases: [replaced.stamp])
        let concurrent = Change(
            recordID: "rec-2", field: "tags", value: .array([.string("from b")]),
            hlc: HLCTimestamp(millis: now + 3, counter: 0), node: "node-b", nodeSeq: 1, bases: [])
        _ = try await db.applyRemote([replaced, latest, concurrent])
    }

    @Test func aSnapshotOfManyPagesIsTheInMemoryDocumentPlainAndGzip() async throws {
        try await Self.withHub { db, client in
            try await Self.fill(db, records: 500)
            for form in [HLCForm.integer, .string] {
                let expected = JSONText.compact(try await db.snapshot().json(form))
                #expect(expected.utf8.count > 8 * SnapshotStream.defaultPageBytes, "several pages: \(expected.utf8.count) bytes")
                #expect(expected.contains(#""from b""#) && expected.contains(#"third \"quoted\" é"#))
                let uri = form == .string ? "/v1/snapshot?hlc=string" : "/v1/snapshot"
                let plain = try await client.execute(uri: uri, method: .get)
                #expect(plain.status == .ok)
                #expect(plain.headers[.contentEncoding] == nil)
                #expect(String(buffer: plain.body) == expected, "plain, form \(form)")
                let etag = try #require(plain.headers[.eTag])
                #expect(etag == "\"\(db.nodeID)-\(500 + 3)-snapshot\(form == .string ? "-s" : "")\"")

                let zipped = try await client.execute(uri: uri, method: .get, headers: [.acceptEncoding: "gzip"])
                #expect(zipped.status == .ok)
                #expect(zipped.headers[.contentEncoding] == "gzip")
                #expect(zipped.headers[.eTag] == etag)
                var body = zipped.body
                #expect(body.readableBytes < expected.utf8.count / 4, "compressed: \(body.readableBytes) bytes")
                let inflated = try body.decompress(with: .gzip(), maxSize: 64 << 20)
                #expect(String(buffer: inflated) == expected, "gzip, form \(form)")

                let unchanged = try await client.execute(uri: uri, method: .get, headers: [.ifNoneMatch: etag])
                #expect(unchanged.status == .notModified)
            }
        }
    }

    /// A document that fits one page goes out whole, with its length, as before.
    @Test func aSmallSnapshotIsOneBody() async throws {
        try await Self.withHub { db, client in
            try await Self.fill(db, records: 3)
            let expected = JSONText.compact(try await db.snapshot().json)
            let plain = try await client.execute(uri: "/v1/snapshot", method: .get)
            #expect(String(buffer: plain.body) == expected)
            #expect(plain.headers[.contentLength] == "\(expected.utf8.count)")
            let zipped = try await client.execute(uri: "/v1/snapshot", method: .get, headers: [.acceptEncoding: "gzip"])
            #expect(zipped.headers[.contentEncoding] == "gzip")
            var body = zipped.body
            #expect(String(buffer: try body.decompress(with: .gzip(), maxSize: 1 << 20)) == expected)
        }
    }
}
