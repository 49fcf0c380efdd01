import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import RelModel
import Testing

@testable import RelHub

/// relhub's read routes, in process: health, pulled pages (ETag, 304, 410, parameters, page
/// size, gzip) and the snapshot (docs/sync-protocol.md, sections 3, 5 and 6).
@Suite struct FeedRoutesPullTests {
    @Test func healthNeedsNoTokenAndNamesTheFeed() async throws {
        try await withFeed { client, database in
            try await client.push(Wire.newEvent())
            let response = try await client.send(.get, "/v1/health", token: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.headers[FeedAPI.hlcHeader] == "string")
            let json = try response.json
            #expect(json["status"]?.stringValue == "ok")
            #expect(json["feed_id"]?.stringValue == database.nodeID)
            #expect(json["head"] == .int(3))
            #expect(json["version"]?.stringValue == RelVersion.current)
        }
    }

    @Test func aPullPagesThroughTheLogWithAnETagOnTheLastPage() async throws {
        try await withFeed { client, database in
            let empty = try await client.send(.get, "/v1/changes")
            #expect(empty.status == .ok)
            #expect(try empty.json["changes"] == .array([]))
            #expect(try empty.json["next"] == .int(0))
            try await client.push(Wire.newEvent())
            let first = try await client.send(.get, "/v1/changes?since=0&limit=2")
            #expect(first.status == .ok)
            #expect(first.headers[.cacheControl] == "no-cache")
            #expect(first.headers[FeedAPI.hlcHeader] == "string")
            #expect(first.headers[.eTag] == nil, "only the last page has one")
            let page = try first.json
            #expect(page["feed_id"]?.stringValue == database.nodeID)
            #expect(page["changes"]?.arrayValue?.count == 2)
            #expect(page["next"] == .int(2))
            #expect(page["more"] == .bool(true))
            #expect(
                page["changes"]?.arrayValue?.allSatisfy { if case .int? = $0["hlc"] { true } else { false } } == true,
                "clock values as integers by default")

            let last = try await client.send(.get, "/v1/changes?since=2&hlc=string")
            #expect(try last.json["more"] == .bool(false))
            #expect(try last.json["next"] == .int(3))
            #expect(try last.json["changes"]?.arrayValue?.first?["hlc"]?.stringValue != nil, "hlc=string")
            let etag = "\"\(database.nodeID)-3\""
            #expect(last.headers[.eTag] == etag)

            let idle = try await client.send(.get, "/v1/changes?since=3", headers: [.ifNoneMatch: etag])
            #expect(idle.status == .notModified)
            #expect(idle.headers[.eTag] == etag)
            #expect(idle.headers[FeedAPI.hlcHeader] == "string")
            #expect(idle.body.readableBytes == 0)
            let stale = try await client.send(.get, "/v1/changes?since=2", headers: [.ifNoneMatch: etag])
            #expect(stale.status == .ok, "asked from before the head: the page is sent")
            let other = try await client.send(.get, "/v1/changes?since=3", headers: [.ifNoneMatch: "W/" + etag])
            #expect(other.status == .ok, "exact comparison only")
        }
    }

    @Test func aReplicasOwnChangesThatItHoldsAreLeftOut() async throws {
        try await withFeed { client, database in
            try await client.push(Wire.newEvent(node: "node-a"))
            try await client.push(Wire.newEvent(node: "node-b", record: "ev2"))
            // node-a holds its changes 1 and 2 (say it was restored from a backup before 3).
            let page = try await client.send(.get, "/v1/changes?since=0&exclude_node=node-a&exclude_upto=2").json
            let sent = page["changes"]?.arrayValue?.map { change in
                guard case .int(let n)? = change["node_seq"] else { return "?" }
                return "\(change["node"]?.stringValue ?? "")/\(n)"
            }
            #expect(sent == ["node-a/3", "node-b/1", "node-b/2", "node-b/3"])
            #expect(page["next"] == .int(6))
            #expect(page["more"] == .bool(false))
            // All of its own: an empty page whose cursor is past them, with the last page's ETag.
            let own = try await client.send(.get, "/v1/changes?since=0&limit=2&exclude_node=node-b&exclude_upto=3")
            #expect(try own.json["changes"]?.arrayValue?.count == 2)
            #expect(try own.json["next"] == .int(2))
            let rest = try await client.send(.get, "/v1/changes?since=3&limit=2&exclude_node=node-b&exclude_upto=3")
            #expect(try rest.json["changes"] == .array([]))
            #expect(try rest.json["next"] == .int(6))
            #expect(try rest.json["more"] == .bool(false))
            #expect(rest.headers[.eTag] == "\"\(database.nodeID)-6\"")
        }
    }

    @Test func aPageThatLeavesOutChangesScansABoundedStretchOfTheLog() async throws {
        try await withFeed { client, _ in
            // 3 × 50 changes of node-a, then one of node-b: with limit=1, a page may pass over
            // 64 positions, so node-a's 150 take three pages to cross, each answered at once.
            for n in 0..<50 { try await client.push(Wire.newEvent(node: "node-a", from: Int64(n * 3 + 1), record: "a\(n)")) }
            try await client.push(Wire.newEvent(node: "node-b"))
            var since: Int64 = 0
            var pages: [(count: Int, next: Int64, more: Bool)] = []
            while pages.count < 10 {
                let page = try await client.send(.get, "/v1/changes?since=\(since)&limit=1&exclude_node=node-a&exclude_upto=150").json
                guard case .int(let next)? = page["next"], case .bool(let more)? = page["more"] else { break }
                pages.append((page["changes"]?.arrayValue?.count ?? -1, next, more))
                since = next
                if !more { break }
            }
            #expect(pages.map(\.count) == [0, 0, 1, 1, 1])
            #expect(pages.map(\.next) == [64, 128, 151, 152, 153])
            #expect(pages.last?.more == false)
        }
    }

    @Test func aCursorPastTheHeadIs410() async throws {
        try await withFeed { client, _ in
            try await client.push(Wire.newEvent())
            let response = try await client.send(.get, "/v1/changes?since=4")
            expectFeedError(response, .gone, "cursor_ahead")
            let message = try response.json["error"]?["message"]?.stringValue ?? ""
            #expect(message.contains("pull from 0"))
        }
    }

    @Test func badParametersAre400() async throws {
        try await withFeed { client, _ in
            for query in [
                "since=-1", "since=x", "since=99999999999999999999", "limit=0", "limit=ten", "hlc=float", "exclude_node=node-a",
                "exclude_upto=3", "exclude_node=no%20spaces&exclude_upto=3", "exclude_node=&exclude_upto=3",
                "exclude_node=node-a&exclude_upto=-1", "exclude_node=\(String(repeating: "n", count: 65))&exclude_upto=1",
            ] {
                expectFeedError(try await client.send(.get, "/v1/changes?" + query), .badRequest, "bad_request")
            }
            expectFeedError(try await client.send(.get, "/v1/snapshot?hlc=float"), .badRequest, "bad_request")
        }
    }

    @Test func aLimitAboveMaxPageSizeGetsAPageOfMaxPageSize() async throws {
        try await withFeed(configure: { $0.maxPageSize = 2 }) { client, _ in
            try await client.push(Wire.newEvent())
            let page = try await client.send(.get, "/v1/changes?limit=1000").json
            #expect(page["changes"]?.arrayValue?.count == 2)
            #expect(page["more"] == .bool(true))
        }
    }

    @Test func largeAnswersAreGzippedForClientsThatAcceptIt() async throws {
        try await withFeed { client, _ in
            let notes = Wire.change(seq: 4, field: "notes", value: JSONText.quoted(String(repeating: "long notes ", count: 200)))
            try await client.push(Wire.newEvent() + [notes])
            let plain = try await client.send(.get, "/v1/changes")
            #expect(plain.headers[.contentEncoding] == nil)
            let zipped = try await client.send(.get, "/v1/changes", headers: [.acceptEncoding: "gzip"])
            #expect(zipped.headers[.contentEncoding] == "gzip")
            var body = zipped.body
            #expect(body.readableBytes < plain.body.readableBytes)
            let inflated = try body.decompress(with: .gzip(), maxSize: 1 << 20)
            #expect(String(buffer: inflated) == plain.text)
            let snapshot = try await client.send(.get, "/v1/snapshot", headers: [.acceptEncoding: "gzip"])
            #expect(snapshot.headers[.contentEncoding] == "gzip")
        }
    }

    @Test func theSnapshotHoldsTheStateWithItsOwnETag() async throws {
        try await withFeed { client, database in
            let empty = try await client.send(.get, "/v1/snapshot")
            #expect(empty.status == .ok)
            #expect(try empty.json["changes"] == .array([]))
            try await client.push(Wire.newEvent())
            let response = try await client.send(.get, "/v1/snapshot")
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-cache")
            #expect(response.headers[FeedAPI.hlcHeader] == "string")
            let etag = "\"\(database.nodeID)-3-snapshot\""
            #expect(response.headers[.eTag] == etag)
            let document = try response.json
            #expect(document["format"]?.stringValue == "reld-snapshot/1")
            #expect(document["feed_id"]?.stringValue == database.nodeID)
            #expect(try FeedSnapshot(json: document).changes.count == 3)

            let same = try await client.send(.get, "/v1/snapshot", headers: [.ifNoneMatch: etag])
            #expect(same.status == .notModified)
            #expect(same.headers[.eTag] == etag)
            #expect(same.headers[FeedAPI.hlcHeader] == "string", "every feed answer says the hub reads string clocks")
            let strings = try await client.send(.get, "/v1/snapshot?hlc=string", headers: [.ifNoneMatch: etag])
            #expect(strings.status == .ok, "the string form is another body")
            #expect(strings.headers[.eTag] == "\"\(database.nodeID)-3-snapshot-s\"")
            #expect(try strings.json["changes"]?.arrayValue?.first?["hlc"]?.stringValue != nil)
        }
    }
}
