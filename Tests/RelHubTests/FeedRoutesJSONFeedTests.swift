import Foundation
import Hummingbird
import HummingbirdTesting
import RelModel
import RelStore
import Testing

@testable import RelHub

/// `/feed.json`, in process: off by default, public or behind the token by `json_feed`, a
/// conforming JSON Feed of the newest records, 304 on a matching `If-None-Match`.
@Suite struct FeedRoutesJSONFeedTests {
    /// The seed sample, examples/mali-russia.json, as records.
    static func seed() throws -> [Record] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/mali-russia.json")
        return try (JSONValue.parse(Data(contentsOf: url)).arrayValue ?? []).map { try RecordValidator.record(from: $0) { "unused" } }
    }

    @Test func offByDefault() async throws {
        try await withFeed { client, _ in
            expectFeedError(try await client.send(.get, "/feed.json"), .notFound, "not_found")
        }
    }

    @Test func publicFeedOfTheSeedSample() async throws {
        let records = try Self.seed()
        try await withFeed(
            configure: {
                $0.jsonFeed = .public
                $0.jsonFeedInfo = JSONFeed(title: "Mali–Russia ledger", homePageURL: "https://example.org/")
                $0.jsonFeedItems = 20
            }
        ) { client, database in
            _ = try await database.importRecords(records)
            let response = try await client.send(.get, "/feed.json", token: nil)
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.headers[.contentType] == "application/feed+json")
            let document = try response.json
            #expect(JSONFeed.problems(in: document) == [])
            #expect(document["title"] == .string("Mali–Russia ledger"))
            #expect(document["home_page_url"] == .string("https://example.org/"))
            #expect(document["feed_url"] == nil)
            let items = try #require(document["items"]?.arrayValue)
            #expect(items.count == 20, "json_feed_items bounds the document")
            let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0.json) })
            for item in items {
                let id = try #require(item["id"]?.stringValue)
                #expect(item["_reld"]?["record"] == byID[id], "\(id)")
            }

            // An idle feed is a bodiless 304; a change moves the ETag.
            let etag = try #require(response.headers[.eTag])
            let again = try await client.send(.get, "/feed.json", token: nil, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            #expect(try await client.send(.get, "/feed.json", token: nil, headers: [.ifNoneMatch: "W/\(etag)"]).status == .notModified)
            try await client.push(Wire.newEvent(record: "new-1", title: "Talks resume"))
            let moved = try await client.send(.get, "/feed.json", token: nil, headers: [.ifNoneMatch: etag])
            #expect(moved.status == .ok)
            #expect(moved.headers[.eTag] != etag)
        }
    }

    @Test func tokenFeedNeedsTheToken() async throws {
        try await withFeed(configure: { $0.jsonFeed = .token }) { client, _ in
            expectFeedError(try await client.send(.get, "/feed.json", token: nil), .unauthorized, "unauthorized")
            let response = try await client.send(.get, "/feed.json")
            #expect(response.status == .ok)
            #expect(JSONFeed.problems(in: try response.json) == [])
            #expect(try response.json["items"] == [])
        }
    }

    @Test func settingsInRelhubToml() throws {
        var config = HubConfig(stateDirectory: "/tmp/x")
        try HubConfigFile.apply(
            text: """
                json_feed = "public"
                json_feed_title = "Ledger"
                json_feed_home_page_url = "https://example.org/"
                json_feed_url = "https://example.org/feed.json"
                json_feed_items = 50
                """, path: "relhub.toml", to: &config)
        #expect(config.jsonFeed == .public)
        #expect(
            config.jsonFeedInfo == JSONFeed(title: "Ledger", homePageURL: "https://example.org/", feedURL: "https://example.org/feed.json"))
        #expect(config.jsonFeedItems == 50)
        for (line, words) in [
            ("json_feed = \"yes\"", "must be \"off\", \"public\" (no token needed) or \"token\""),
            ("json_feed_url = \"ftp://example.org/\"", "must be an http or https URL, not ftp"),
            ("json_feed_items = 0", "must be a whole number, 1 to 10000"),
        ] {
            #expect(throws: HubConfigError.self) { try HubConfigFile.apply(text: line, path: "relhub.toml", to: &config) }
            do {
                try HubConfigFile.apply(text: line, path: "relhub.toml", to: &config)
            } catch {
                #expect(String(describing: error).contains(words), "\(error)")
            }
        }
    }
}
