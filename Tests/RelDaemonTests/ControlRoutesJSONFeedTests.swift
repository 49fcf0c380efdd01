import Foundation
import Hummingbird
import HummingbirdTesting
import RelControlAPI
import RelModel
import Testing

/// `GET /v1/export?format=jsonfeed`, in process: a conforming feed, newest change first, the
/// list filters, and 400s that name the parameter.
@Suite struct ControlRoutesJSONFeedTests {
    @Test func feedOfTheRecordsNewestChangeFirst() async throws {
        try await withControlAPI { client, _ in
            try await client.create(eventJSON("ev-1", title: "First"))
            try await client.create(eventJSON("ev-2", title: "Second"))
            try await client.create(eventJSON("ev-3", title: "Third"))
            _ = try await client.send(.patch, Routes.record("ev-1"), #"{"set":{"notes":"Edited last."}}"#)
            let response = try await client.send(
                .get, Routes.export + "?format=jsonfeed&title=Ledger&home_page_url=https://example.org/&feed_url=http://example.org/f.json")
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.headers[.contentType] == "application/feed+json")
            let document = try response.json
            #expect(JSONFeed.problems(in: document) == [])
            #expect(document["title"] == .string("Ledger"))
            #expect(document["home_page_url"] == .string("https://example.org/"))
            #expect(document["feed_url"] == .string("http://example.org/f.json"))
            let items = try #require(document["items"]?.arrayValue)
            #expect(items.compactMap { $0["id"]?.stringValue } == ["ev-1", "ev-3", "ev-2"])
            #expect(items[0]["_reld"]?["record"]?["notes"] == .string("Edited last."))
            #expect(items[0]["content_text"]?.stringValue?.contains("Edited last.") == true)

            let limited = try await client.send(.get, Routes.export + "?format=jsonfeed&limit=1&offset=1")
            #expect(try limited.json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["ev-3"])
            // The plain export is unchanged, whatever else the query holds.
            let plain = try await client.send(.get, Routes.export + "?format=json&kind=agreement")
            #expect(try plain.json.arrayValue?.count == 3)
        }
    }

    @Test(arguments: [
        ("format=rss", "format"), ("format=jsonfeed&feed_url=ftp://example.org/", "feed_url"),
        ("format=jsonfeed&home_page_url=example.org", "home_page_url"), ("format=jsonfeed&title=", "title"),
        ("format=jsonfeed&text=Bamako", "text"), ("format=jsonfeed&kind=treaty", "kind"), ("format=jsonfeed&limit=0", "limit"),
    ])
    func badParametersAre400NamingThem(query: String, parameter: String) async throws {
        try await withControlAPI { client, _ in
            let response = try await client.send(.get, Routes.export + "?" + query)
            expectError(response, .badRequest, "bad_request")
            #expect(try response.json["error"]?["field"] == .string(parameter), "\(response.text)")
        }
    }
}
