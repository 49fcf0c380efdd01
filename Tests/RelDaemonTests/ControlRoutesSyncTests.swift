import Foundation
import Hummingbird
import HummingbirdTesting
import RelControlAPI
import RelModel
import RelStore
import RelSync
import Testing

/// The sync routes of the control API, in process: a round (no feed, a feed that answers, one
/// that cannot be reached), conflicts, resolve, restore and the snapshot.
@Suite struct ControlRoutesSyncTests {
    /// The clock value of a change made elsewhere just now; a few milliseconds ahead, so that it
    /// is stamped after the changes it replaces even within the same millisecond.
    static var now: Int64 { (Int64(Date().timeIntervalSince1970 * 1000) + 5) << 16 }

    /// A change to `field` of `id` made on `node`, concurrent with every change this store
    /// made to it after the one it replaces (its `base`).
    static func remote(_ id: String, _ field: String, _ value: JSONValue, node: String, seq: Int64 = 1, base: Change) -> Change {
        Change(recordID: id, field: field, value: value, hlc: HLCTimestamp(rawValue: now), node: node, nodeSeq: seq, bases: [base.stamp])
    }

    /// The change that wrote `field` of `id` when the record was created here.
    static func created(_ database: AppDatabase, _ id: String, _ field: String) async throws -> Change {
        try #require(try await database.changes().first { $0.recordID == id && $0.field == field })
    }

    @Test func syncWithoutAFeedIs409() async throws {
        try await withControlAPI { client, _ in
            let response = try await client.send(.post, Routes.sync)
            expectError(response, .conflict, "no_feed")
            #expect(response.errorMessage.contains("--feed"))
        }
    }

    @Test func aFeedThatCannotBeReachedIs502() async throws {
        // Port 1 on loopback: nothing listens, so the connection is refused at once.
        let settings = FeedSettings(url: try FeedURL("http://127.0.0.1:1"))
        try await withControlAPI(feed: settings) { client, _ in
            let response = try await client.send(.post, Routes.sync)
            expectError(response, .badGateway, "sync_failed")
            #expect(response.errorMessage.contains("127.0.0.1:1"))
            let status = try await client.send(.get, Routes.status).json["sync"]
            #expect(status?["feed"]?.stringValue == "http://127.0.0.1:1")
            #expect(status?["last_error"]?.stringValue != nil)
        }
    }

    @Test func aRoundWithASnapshotFeedReportsWhatItDid() async throws {
        let hlc = Self.now
        let changes = [("_kind", "\"event\""), ("title", "\"Talks resume\""), ("category", "\"diplomatic\"")].enumerated().map {
            "{\"node\":\"node-z\",\"node_seq\":\($0 + 1),\"record_id\":\"ev-z\",\"field\":\"\($1.0)\",\"value\":\($1.1),\"hlc\":\(hlc),\"bases\":[]}"
        }
        let document = "{\"format\":\"reld-snapshot/1\",\"feed_id\":\"fake-feed\",\"changes\":[" + changes.joined(separator: ",") + "]}"
        let router = Router()
        router.get("/ledger.json") { request, _ -> Response in
            if request.headers[.ifNoneMatch] == "\"v1\"" { return Response(status: .notModified, headers: [.eTag: "\"v1\""]) }
            return Response(
                status: .ok, headers: [.contentType: "application/json", .eTag: "\"v1\""],
                body: .init(byteBuffer: ByteBuffer(string: document)))
        }
        try await Application(router: router).test(.live) { feed in
            let settings = FeedSettings(url: try FeedURL("http://localhost:\(try #require(feed.port))/ledger.json"))
            try await withControlAPI(feed: settings) { client, _ in
                try await client.create(eventJSON("ev-1"))
                // The engine's first round may have pulled already; a round after it has nothing new.
                let first = try await client.send(.post, Routes.sync)
                #expect(first.status == .ok, "\(first.text)")
                let report = try first.json
                for member in ["pulled", "pushed", "new_conflicts", "not_modified", "read_only", "pending_changes"] {
                    #expect(report[member] != nil, "member \(member)")
                }
                #expect(report["read_only"] == .bool(true))
                #expect(report["pushed"] == .int(0), "a snapshot is never pushed to")
                let second = try await client.send(.post, Routes.sync)
                #expect(try second.json["not_modified"] == .bool(true))
                #expect(try second.json["pulled"] == .int(0))
                #expect(try await client.send(.get, Routes.record("ev-z")).json["title"]?.stringValue == "Talks resume")
                let sync = try await client.send(.get, Routes.status).json["sync"]
                #expect(sync?["read_only"] == .bool(true))
                #expect(sync?["state"]?.stringValue == "idle")
            }
        }
    }

    @Test func conflictsListEachFieldWithItsVersions() async throws {
        try await withControlAPI { client, database in
            #expect(try await client.send(.get, Routes.conflicts).json == .object(["conflicts": .array([])]))
            try await client.create(eventJSON("ev-1"))
            let base = try await Self.created(database, "ev-1", "title")
            _ = try await client.send(.patch, Routes.record("ev-1"), "{\"set\":{\"title\":\"Visit (A)\"}}")
            _ = try await database.applyRemote([Self.remote("ev-1", "title", "Visit (B)", node: "node-b", base: base)])
            let response = try await client.send(.get, Routes.conflicts)
            #expect(response.status == .ok)
            let list = try #require(try response.json["conflicts"]?.arrayValue)
            #expect(list.count == 1)
            #expect(list.first?["record_id"]?.stringValue == "ev-1")
            #expect(list.first?["field"]?.stringValue == "title")
            let conflict = try #require(list.first)
            let versions = [conflict["current"]].compactMap { $0 } + (conflict["others"]?.arrayValue ?? [])
            #expect(Set(versions.compactMap { $0["value"]?.stringValue }) == ["Visit (A)", "Visit (B)"])
            #expect(versions.allSatisfy { $0["hlc"]?.stringValue != nil }, "clock values as decimal strings")
            #expect(Set(versions.compactMap { $0["local"] }) == [.bool(true), .bool(false)])
            #expect(try await client.send(.get, Routes.status).json["open_conflicts"] == .int(1))
        }
    }

    @Test func resolveClosesAConflictOrSaysWhyNot() async throws {
        try await withControlAPI { client, database in
            try await client.create(eventJSON("ev-1"))
            let title = try await Self.created(database, "ev-1", "title")
            let notes = try await Self.created(database, "ev-1", "notes")
            _ = try await client.send(.patch, Routes.record("ev-1"), "{\"set\":{\"title\":\"Visit (A)\"}}")
            _ = try await database.applyRemote([
                Self.remote("ev-1", "title", "Visit (B)", node: "node-b", base: title),
                Self.remote("ev-1", "notes", "from B", node: "node-b", seq: 2, base: notes),
                Self.remote("ev-1", "notes", "from C", node: "node-c", base: notes),
            ])
            let uri = Routes.resolve("ev-1")
            for body in [
                "{\"take\":\"local\"}", "{\"field\":\"title\"}", "{\"field\":\"title\",\"take\":\"mine\"}",
                "{\"field\":\"title\",\"take\":\"local\",\"value\":\"x\"}", "{\"field\":",
            ] {
                expectError(try await client.send(.post, uri, body), .badRequest, "bad_request")
            }
            expectError(try await client.send(.post, uri), .badRequest, "bad_request")
            // notes: two other nodes' values and none of this node's.
            expectError(try await client.send(.post, uri, "{\"field\":\"notes\",\"take\":\"local\"}"), .conflict, "ambiguous")
            expectError(try await client.send(.post, uri, "{\"field\":\"notes\",\"take\":\"remote\"}"), .conflict, "ambiguous")
            expectError(
                try await client.send(.post, uri, "{\"field\":\"title\",\"value\":\"\"}"), .unprocessableContent, "validation_failed")
            expectError(try await client.send(.post, uri, "{\"field\":\"category\",\"take\":\"local\"}"), .notFound, "no_conflict")
            expectError(
                try await client.send(.post, Routes.resolve("ev-404"), "{\"field\":\"title\",\"take\":\"local\"}"), .notFound, "no_conflict"
            )

            let local = try await client.send(.post, uri, "{\"field\":\"title\",\"take\":\"local\"}")
            #expect(local.status == .ok, "\(local.text)")
            #expect(try local.json["title"]?.stringValue == "Visit (A)", "the whole record, with the chosen value")
            let chosen = try await client.send(.post, uri, "{\"field\":\"notes\",\"value\":\"both\"}")
            #expect(try chosen.json["notes"]?.stringValue == "both")
            #expect(try await client.send(.get, Routes.conflicts).json["conflicts"] == .array([]))

            _ = try await client.send(.delete, Routes.record("ev-1"))
            expectError(try await client.send(.post, uri, "{\"field\":\"title\",\"take\":\"local\"}"), .notFound, "deleted")
        }
    }

    @Test func restoreBringsBackADeletedRecordOnce() async throws {
        try await withControlAPI { client, _ in
            try await client.create(eventJSON("ev-1"))
            _ = try await client.send(.delete, Routes.record("ev-1"))
            let restored = try await client.send(.post, Routes.restore("ev-1"))
            #expect(restored.status == .ok)
            #expect(try restored.json == .object(["id": .string("ev-1"), "restored": .bool(true)]))
            #expect(try await client.send(.get, Routes.record("ev-1")).status == .ok)
            #expect(try await client.send(.post, Routes.restore("ev-1")).json["restored"] == .bool(false))
            expectError(try await client.send(.post, Routes.restore("ev-404")), .notFound, "not_found")
        }
    }

    @Test func snapshotHoldsEveryFieldsChangeUnderThisNode() async throws {
        try await withControlAPI { client, database in
            let empty = try await client.send(.get, Routes.snapshot)
            #expect(empty.status == .ok)
            #expect(try empty.json["changes"] == .array([]))
            try await client.create(eventJSON("ev-1"))
            _ = try await client.send(.delete, Routes.record("ev-1"))
            let snapshot = try await client.send(.get, Routes.snapshot).json
            #expect(snapshot["format"]?.stringValue == "reld-snapshot/1")
            #expect(snapshot["feed_id"]?.stringValue == database.nodeID)
            let changes = try #require(snapshot["changes"]?.arrayValue)
            #expect(changes.contains { $0["field"]?.stringValue == "_deleted" && $0["value"] == .bool(true) }, "tombstones included")
            #expect(changes.allSatisfy { if case .int = $0["hlc"] { true } else { false } }, "clock values as integers")
            #expect(try FeedSnapshot(json: snapshot).changes.count == changes.count)
        }
    }
}
