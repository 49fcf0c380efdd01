import Foundation
import RelModel
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `relctl export --format jsonfeed` with the real binaries: a conforming JSON Feed of the seed
/// sample whose `_reld` records `relctl import` takes back unchanged.
@Suite struct JSONFeedExportTests {
    @Test func seedSampleFeedConformsAndItsRecordsRoundTrip() throws {
        try withDaemon { d in
            #expect(try d.relctl("import", Binaries.seedRecords).status == 0)
            let feedFile = d.dir.file("feed.json")
            let export = try d.relctl(
                "export", "--format", "jsonfeed", "--title", "Mali and Russia", "--home-page-url", "https://example.org/ledger/",
                "--feed-url", "https://example.org/ledger/feed.json", "--output", feedFile)
            #expect(export.status == 0, "\(export.stderr)")
            let document = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: feedFile)))
            #expect(JSONFeed.problems(in: document) == [])
            #expect(document["title"] == .string("Mali and Russia"))
            #expect(document["feed_url"] == .string("https://example.org/ledger/feed.json"))
            let items = try #require(document["items"]?.arrayValue)
            #expect(items.count == 53)
            let modified = items.compactMap { $0["date_modified"]?.stringValue }
            #expect(modified == modified.sorted(by: >), "newest change first")

            // The records under _reld go back into import: nothing changes on the same store...
            let records = JSONValue.array(items.compactMap { $0["_reld"]?["record"] })
            let recordsFile = d.dir.file("records.json")
            try Data(JSONText.compact(records).utf8).write(to: URL(fileURLWithPath: recordsFile))
            let again = try d.relctl("--json", "import", recordsFile)
            #expect(try parseJSON(again.stdout) as? [String: Int] == ["created": 0, "updated": 0, "unchanged": 53], "\(again.stderr)")

            // ...and a fresh store that imports them exports what the first one does.
            let dir2 = try TempDir()
            defer { dir2.remove() }
            let d2 = try Daemon(dir: dir2)
            defer { _ = try? d2.stop(SIGKILL) }
            #expect(try d2.relctl("import", recordsFile).status == 0)
            #expect(try d2.relctl("export").stdout == (try d.relctl("export").stdout))
        }
    }

    /// relhub with `json_feed = "public"` serves the records a replica pushed as the same feed,
    /// to a reader without a token, and answers 304 to its ETag.
    @Test func relhubServesTheFeedToAReaderWithoutAToken() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let tokenFile = try Hub.makeToken(in: dir)
        let hub = try Hub.start(
            dir: dir, tokenFile: tokenFile, settings: "json_feed = \"public\"\njson_feed_title = \"Mali and Russia\"\n")
        defer { hub.stop(SIGKILL) }
        let node = try Daemon(
            dir: dir, stateDir: dir.file("a"), socket: dir.file("a.sock"),
            extraArguments: ["--feed", "http://127.0.0.1:\(hub.port)", "--sync-interval", "3600", "--token-file", tokenFile])
        defer { _ = try? node.stop(SIGKILL) }
        #expect(try node.relctl("import", Binaries.seedRecords).status == 0)
        #expect(try node.relctl("sync").status == 0)

        let url = "http://127.0.0.1:\(hub.port)/feed.json"
        let out = try run("/usr/bin/env", ["curl", "-s", "--max-time", "30", "-D", dir.file("headers"), url])
        #expect(out.status == 0, "\(out.stderr)")
        let document = try JSONValue.parse(Data(out.stdout.utf8))
        #expect(JSONFeed.problems(in: document) == [])
        #expect(document["title"] == .string("Mali and Russia"))
        let hubRecords = Set((document["items"]?.arrayValue ?? []).compactMap { $0["_reld"]?["record"] })
        let local = try JSONValue.parse(Data(try node.relctl("export", "--format", "jsonfeed").stdout.utf8))
        let localRecords = Set((local["items"]?.arrayValue ?? []).compactMap { $0["_reld"]?["record"] })
        #expect(hubRecords.count == 53)
        let same = hubRecords == localRecords  // compared apart, so that a failure does not print every record
        #expect(same, "relhub and relctl give the same records")

        let headers = try String(contentsOfFile: dir.file("headers"), encoding: .utf8)
        let etag = try #require(
            headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("etag:") }.map {
                $0.dropFirst("etag:".count).trimmingCharacters(in: .whitespaces)
            })
        let again = try run(
            "/usr/bin/env",
            ["curl", "-s", "--max-time", "30", "-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: \(etag)", url])
        #expect(again.stdout == "304")
    }

    @Test func filtersAndStandardOutput() throws {
        try withDaemon { d in
            #expect(try d.relctl("import", Binaries.seedRecords).status == 0)
            let out = try d.relctl("export", "--format", "jsonfeed", "--kind", "agreement", "--limit", "5")
            #expect(out.status == 0, "\(out.stderr)")
            let document = try JSONValue.parse(Data(out.stdout.utf8))
            #expect(JSONFeed.problems(in: document) == [])
            #expect(document["title"] == .string(JSONFeed.defaultTitle))
            let items = try #require(document["items"]?.arrayValue)
            #expect(items.count == 5)
            #expect(items.allSatisfy { $0["_reld"]?["record"]?["kind"] == .string("agreement") })
        }
    }

    @Test(arguments: [
        (
            ["--format", "jsonfeed", "--home-page-url", "ftp://example.org/"],
            "--home-page-url \"ftp://example.org/\": must be an http or https URL, not ftp"
        ),
        (["--format", "jsonfeed", "--feed-url", "feed.json"], "--feed-url \"feed.json\": must be an absolute http or https URL"),
        (["--title", "Ledger"], "--title is taken only with --format jsonfeed"),
        (["--format", "jsonfeed", "--feed"], "--feed and --format jsonfeed: give one"),
        (["--format", "rss"], "--format"),
    ])
    func usageErrorsNameTheOption(arguments: [String], message: String) throws {
        // Refused before reld is asked: no daemon needed.
        let dir = try TempDir()
        defer { dir.remove() }
        let out = try run(Binaries.relctl, ["export", "--socket", dir.file("none.sock")] + arguments)
        #expect(out.status == 2)
        #expect(out.stderr.contains(message), "\(out.stderr)")
        #expect(out.stdout.isEmpty)
    }
}
