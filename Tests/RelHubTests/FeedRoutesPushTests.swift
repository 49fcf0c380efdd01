import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import RelModel
import Testing

@testable import RelHub

/// relhub's push route, in process: what it takes, every refusal with its code, and the body
/// limits raw and inflated (docs/sync-protocol.md, section 4).
@Suite struct FeedRoutesPushTests {
    @Test func aPushIsCountedAndAReplayIsHarmless() async throws {
        try await withFeed { client, database in
            let changes = Wire.newEvent()
            let response = try await client.send(.post, "/v1/changes", Wire.batch(changes), headers: [FeedAPI.nodeHeader: "node-a"])
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.headers[FeedAPI.hlcHeader] == "string")
            let result = try response.json
            #expect(result["accepted"] == .int(3))
            #expect(result["duplicates"] == .int(0))
            #expect(result["new_conflicts"] == .int(0))
            #expect(result["conflicts"] == .int(0), "the former name, for older replicas")
            let replay = try await client.send(.post, "/v1/changes", Wire.batch(changes)).json
            #expect(replay["accepted"] == .int(0))
            #expect(replay["duplicates"] == .int(3))
            #expect(try await database.feedHead() == 3)
            let empty = try await client.send(.post, "/v1/changes", Wire.batch([])).json
            #expect(empty["accepted"] == .int(0))
        }
    }

    @Test func concurrentVersionsAreCountedAsNewConflicts() async throws {
        try await withFeed { client, _ in
            let created = Wire.newEvent()
            try await client.push(created)
            let titleStamp = try JSONValue.parse(created[1])["hlc"].map { JSONText.compact($0) } ?? "0"
            let base = "[[\(titleStamp),\"node-a\"]]"
            let later = Wire.now + (10 << 16)
            let fromA = Wire.change(node: "node-a", seq: 4, field: "title", value: "\"A\"", hlc: later, bases: base)
            let fromB = Wire.change(node: "node-b", seq: 1, field: "title", value: "\"B\"", hlc: later, bases: base)
            try await client.push([fromA])
            let response = try await client.send(.post, "/v1/changes", Wire.batch([fromB]), token: FeedToken.b)
            #expect(try response.json["new_conflicts"] == .int(1), "\(response.text)")
        }
    }

    @Test func aBodyThatIsNoBatchIsRefusedWhole() async throws {
        try await withFeed { client, database in
            expectFeedError(try await client.send(.post, "/v1/changes", "{\"changes\":"), .badRequest, "bad_request")
            expectFeedError(try await client.send(.post, "/v1/changes", ""), .badRequest, "bad_request")
            let shapes = ["[]", "{\"changes\":[],\"more\":1}", "{\"changes\":[{\"node\":\"node-a\"}]}"]
            for body in shapes {
                expectFeedError(try await client.send(.post, "/v1/changes", body), .unprocessableContent, "bad_change")
            }
            // One bad change refuses the batch: nothing of it is applied.
            let bad = Wire.change(seq: 4, field: "category", value: "\"sports\"")
            let refused = try await client.send(.post, "/v1/changes", Wire.batch(Wire.newEvent() + [bad]))
            expectFeedError(refused, .unprocessableContent, "bad_change")
            let outOfBounds = Wire.change(seq: 9_007_199_254_740_993, field: "title", value: "\"x\"")
            expectFeedError(try await client.send(.post, "/v1/changes", Wire.batch([outOfBounds])), .unprocessableContent, "bad_change")
            #expect(try await database.feedHead() == 0)
        }
    }

    @Test func aClockTooFarAheadIs422() async throws {
        try await withFeed { client, database in
            let twoDays = (Int64(Date().timeIntervalSince1970 * 1000) + 2 * 86_400_000) << 16
            let ahead = Wire.change(seq: 1, field: "_kind", value: "\"event\"", hlc: twoDays)
            let response = try await client.send(.post, "/v1/changes", Wire.batch([ahead]))
            expectFeedError(response, .unprocessableContent, "clock_ahead")
            #expect(try response.json["error"]?["message"]?.stringValue?.contains("node-a") == true)
            #expect(try await database.feedHead() == 0)
        }
    }

    @Test func aBadReldNodeHeaderIs400() async throws {
        try await withFeed { client, _ in
            let response = try await client.send(
                .post, "/v1/changes", Wire.batch(Wire.newEvent()), headers: [FeedAPI.nodeHeader: "no spaces"])
            expectFeedError(response, .badRequest, "bad_request")
        }
    }

    @Test func anotherTokensNodeIs403() async throws {
        try await withFeed { client, database in
            let created = Wire.newEvent()
            try await client.push(created)
            let theirs = Wire.change(seq: 4, field: "title", value: "\"Taken\"")
            let response = try await client.send(.post, "/v1/changes", Wire.batch([theirs]), token: FeedToken.b)
            expectFeedError(response, .forbidden, "node_not_yours")
            #expect(try response.json["error"]?["message"]?.stringValue?.contains("node-a") == true)
            #expect(try await database.feedHead() == 3)
            // A change the hub has already is a duplicate whoever sends it.
            let replay = try await client.send(.post, "/v1/changes", Wire.batch(created), token: FeedToken.b)
            #expect(replay.status == .ok, "\(replay.text)")
            #expect(try replay.json["duplicates"] == .int(3))
        }
    }

    @Test func numbersThatSkipOrAreReusedAre409() async throws {
        try await withFeed { client, database in
            try await client.push(Wire.newEvent())
            let gap = try await client.send(.post, "/v1/changes", Wire.batch([Wire.change(seq: 5, field: "notes", value: "\"x\"")]))
            expectFeedError(gap, .conflict, "sequence_gap")
            let reused = try await client.send(.post, "/v1/changes", Wire.batch([Wire.change(seq: 2, field: "title", value: "\"Other\"")]))
            expectFeedError(reused, .conflict, "reused_sequence")
            #expect(try await database.feedHead() == 3)
        }
    }

    @Test func aGzipBodyIsInflatedAndOtherEncodingsRefused() async throws {
        try await withFeed { client, database in
            var body = ByteBuffer(string: Wire.batch(Wire.newEvent()))
            let compressed = try body.compress(with: .gzip())
            let response = try await client.execute(
                uri: "/v1/changes", method: .post,
                headers: [.authorization: "Bearer \(FeedToken.a)", .contentEncoding: "gzip"], body: compressed)
            #expect(response.status == .ok, "\(response.text)")
            #expect(try await database.feedHead() == 3)
            let identity = try await client.send(.post, "/v1/changes", Wire.batch([]), headers: [.contentEncoding: "identity"])
            #expect(identity.status == .ok)
            expectFeedError(
                try await client.send(.post, "/v1/changes", Wire.batch([]), headers: [.contentEncoding: "br"]),
                .unsupportedMediaType, "unsupported_encoding")
            expectFeedError(
                try await client.send(.post, "/v1/changes", "not gzip", headers: [.contentEncoding: "gzip"]),
                .badRequest, "bad_request")
        }
    }

    /// `max_push_bytes` holds the body both as sent and after inflation.
    @Test func aBodyOverMaxPushBytesIs413RawOrInflated() async throws {
        try await withFeed(configure: { $0.maxPushBytes = 2048 }) { client, database in
            let notes = Wire.change(seq: 4, field: "notes", value: JSONText.quoted(String(repeating: "n", count: 4000)))
            let batch = Wire.batch(Wire.newEvent() + [notes])
            expectFeedError(try await client.send(.post, "/v1/changes", batch), .contentTooLarge, "payload_too_large")
            var body = ByteBuffer(string: batch)
            let compressed = try body.compress(with: .gzip())
            #expect(compressed.readableBytes < 2048)
            let inflated = try await client.execute(
                uri: "/v1/changes", method: .post,
                headers: [.authorization: "Bearer \(FeedToken.a)", .contentEncoding: "gzip"], body: compressed)
            expectFeedError(inflated, .contentTooLarge, "payload_too_large")
            #expect(try await database.feedHead() == 0)
            try await client.push(Wire.newEvent())
        }
    }
}
