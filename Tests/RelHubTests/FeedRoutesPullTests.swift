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
            for query in ["since=-1", "since=x", "since=99999999999999999999", "limit=0", "limit=ten", "hlc=float"] {
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
