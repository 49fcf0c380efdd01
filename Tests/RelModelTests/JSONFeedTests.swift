import Foundation
import RelModel
import Testing

// The JSON Feed encoder on the seed sample, and the checker that judges it against JSON Feed 1.1.
@Suite struct JSONFeedTests {
    /// The seed records, record i last changed i minutes after a fixed time.
    static func items() throws -> [JSONFeed.Item] {
        let base = Date(timeIntervalSince1970: 1_780_000_000)
        return try SeedData.records().enumerated().map { index, json in
            JSONFeed.Item(
                record: try RecordValidator.record(from: json) { "unused" }, published: base,
                modified: base.addingTimeInterval(Double(index) * 60))
        }
    }

    @Test func seedSampleConformsAndKeepsEveryRecord() throws {
        let items = try Self.items()
        let feed = JSONFeed(title: "Mali and Russia", homePageURL: "https://example.org/", feedURL: "https://example.org/feed.json")
        let document = try JSONValue.parse(Data(feed.text(items).utf8))
        #expect(JSONFeed.problems(in: document) == [])
        #expect(document["version"] == .string("https://jsonfeed.org/version/1.1"))
        #expect(document["title"] == .string("Mali and Russia"))
        #expect(document["home_page_url"] == .string("https://example.org/"))
        #expect(document["feed_url"] == .string("https://example.org/feed.json"))
        let out = try #require(document["items"]?.arrayValue)
        #expect(out.count == 53)
        // Newest change first.
        #expect(out.compactMap { $0["id"]?.stringValue } == items.reversed().map(\.record.id))
        // The record under _reld is the record, whole.
        #expect(out.compactMap { $0["_reld"]?["record"] } == items.reversed().map(\.record.json))
        let first = out[0]
        #expect(first["title"]?.stringValue == items.last?.record.title)
        #expect(first["date_modified"] == .string("2026-05-28T21:18:40Z"))
        #expect(first["date_published"] == .string("2026-05-28T20:26:40Z"))
    }

    @Test func itemMembers() throws {
        let record = try RecordValidator.record(
            from: JSONValue.parse(
                #"{"id":"x1","kind":"event","title":"Talks","category":"diplomatic","date":"2023-02-07","parties":["ML","RU"],"tags":["talks"],"notes":"Held in Bamako.","source":{"title":"Daily","url":"https://news.example/a"}}"#
            )
        ) { "x1" }
        let when = Date(timeIntervalSince1970: 0)
        let item = try #require(
            JSONFeed().document([.init(record: record, published: when, modified: when)])["items"]?.arrayValue?.first?.objectValue)
        #expect(item["external_url"] == .string("https://news.example/a"))
        #expect(item["tags"] == ["talks"])
        #expect(item["content_text"]?.stringValue?.hasPrefix("event · diplomatic · 2023-02-07 · ML, RU") == true)
        #expect(item["content_text"]?.stringValue?.contains("Held in Bamako.\n\nSource: Daily") == true)
        #expect(item["date_published"] == .string("1970-01-01T00:00:00Z"))
    }

    @Test func emptyLedgerIsAFeedToo() throws {
        let document = JSONFeed().document([])
        #expect(JSONFeed.problems(in: document) == [])
        #expect(document["title"] == .string(JSONFeed.defaultTitle))
        #expect(document["items"] == [])
    }

    @Test(
        arguments: [
            ("https://example.org/ledger/", nil),
            ("http://localhost:8470/feed.json", nil),
            ("ftp://example.org/", "must be an http or https URL, not ftp"),
            ("example.org/feed", "must be an absolute http or https URL, such as https://example.org/ledger/"),
            ("https://", "has no host; give a URL such as https://example.org/ledger/"),
        ] as [(String, String?)])
    func urls(url: String, problem: String?) {
        #expect(JSONFeed.urlProblem(url) == problem)
    }

    @Test func checkerFindsWhatIsWrong() throws {
        let bad = try JSONValue.parse(
            #"""
            {"version":"https://jsonfeed.org/version/1","items":[{"title":"x","tags":[1],"date_modified":"2026-12-06"},7],
             "homepage":"x","expired":"no"}
            """#)
        #expect(
            Set(JSONFeed.problems(in: bad)) == [
                "version must be \"https://jsonfeed.org/version/1.1\"", "title is required and must be a string",
                "homepage is not a JSON Feed member", "expired must be bool", "items[0].id is required and must be a string",
                "items[0] needs content_text or content_html", "items[0].tags must be strings",
                "items[0].date_modified \"2026-12-06\" is not RFC 3339", "items[1] is number, not an object",
            ])
        #expect(JSONFeed.problems(in: []) == ["the document is array, not an object"])
    }
}
