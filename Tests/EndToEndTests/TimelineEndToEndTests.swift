import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `relctl timeline` with the real binaries on the seed sample, and the page it writes in a
/// real browser: no request leaves the page, and every record of the filter is drawn or listed.
@Suite struct TimelineEndToEndTests {
    /// The seed sample's record ids, as `relctl list` gives them.
    static func ids(_ d: Daemon, _ filters: [String] = []) throws -> Set<String> {
        let list = try d.relctl(["--json", "list"] + filters)
        let page = try #require(try parseJSON(list.stdout) as? [String: Any])
        let records = try #require(page["records"] as? [[String: Any]], "list --json gives its records")
        return Set(records.compactMap { $0["id"] as? String })
    }

    @Test func writesThePageOfTheSeedSample() throws {
        try withDaemon { d in
            #expect(try d.relctl("import", Binaries.seedRecords).status == 0)
            let file = d.dir.file("ledger.html")
            let out = try d.relctl("timeline", "--title", "Mali & Russia", "-o", file)
            #expect(out.status == 0, "\(out.stderr)")
            #expect(out.stdout == "Wrote \(file): 53 records (11 undated).\n")
            let html = try String(contentsOfFile: file, encoding: .utf8)
            let ids = try Self.ids(d)
            #expect(ids.count == 53)
            for id in ids { #expect(html.contains("id=\"rec-\(id)\""), "no element for \(id)") }
            #expect(html.contains("<title>Mali &amp; Russia</title>"))
            #expect(html.contains("Content-Security-Policy"))
            // Private by default, like export; --mode shares it.
            var info = stat()
            #expect(stat(file, &info) == 0 && info.st_mode & 0o777 == 0o600)
            #expect(try d.relctl("timeline", "-o", file, "--mode", "0644").status == 0)
            #expect(stat(file, &info) == 0 && info.st_mode & 0o777 == 0o644)

            // The filters of list, and --json's summary.
            let json = try d.relctl("--json", "timeline", "--kind", "agreement", "--from", "2000", "--to", "2030", "-o", file)
            #expect(json.status == 0, "\(json.stderr)")
            let summary = try #require(try parseJSON(json.stdout) as? [String: Any])
            #expect(summary["output"] as? String == file)
            #expect(summary["records"] as? Int == 7 && summary["undated"] as? Int == 6 && summary["outside"] as? Int == 0)

            // The picture alone, on standard output.
            let svg = try d.relctl("timeline", "--format", "svg", "--from", "2020", "--to", "2024")
            #expect(svg.status == 0, "\(svg.stderr)")
            #expect(svg.stdout.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
            #expect(svg.stdout.contains("id=\"rec-mlru-e21\"") && !svg.stdout.contains("id=\"rec-mlru-e01\""))
            #expect(svg.stderr.contains("Wrote the timeline to standard output: 53 records (11 undated, "))
        }
    }

    @Test func refusesWhatWasTypedWrongWithStatus2() throws {
        try withDaemon { d in
            for arguments in [
                ["timeline", "--from", "2025", "--to", "2020"], ["timeline", "--from", "0"], ["timeline", "--format", "pdf"],
                ["timeline", "--title", ""], ["timeline", "-o", d.dir.file("missing/ledger.html")],
                ["timeline", "-o", d.dir.file("x.html"), "--mode", "rw"], ["--json", "timeline"],
            ] {
                let out = try d.relctl(arguments)
                #expect(out.status == 2, "\(arguments): \(out.status) \(out.stderr)")
                #expect(out.stderr.hasPrefix("error: "), "\(arguments): \(out.stderr)")
            }
        }
    }

    /// Headless Chromium draws the seed sample: the page's script marks how many records it drew,
    /// every record is in the DOM, and no request reached the proxy every request is sent to.
    @Test(.enabled(if: HeadlessChromium.shouldRun, "chromium is not installed (apt-get install chromium); set CI to require it"))
    func aRealBrowserDrawsEveryRecordAndMakesNoRequest() throws {
        try withDaemon { d in
            #expect(try d.relctl("import", Binaries.seedRecords).status == 0)
            let file = d.dir.file("ledger.html")
            #expect(try d.relctl("timeline", "-o", file).status == 0)
            let trap = try ProxyTrap()
            defer { trap.stop() }

            // The trap works: a page that loads an image is caught.
            let control = d.dir.file("control.html")
            try "<!DOCTYPE html><img src=\"http://reld-timeline-test.invalid/x.png\">".write(
                toFile: control, atomically: true, encoding: .utf8)
            _ = try HeadlessChromium.run(["--dump-dom", "file://" + control], proxyPort: trap.port, profile: d.dir.file("profile-control"))
            #expect(trap.hosts.contains("reld-timeline-test.invalid"), "the proxy saw \(trap.hosts)")

            let before = trap.hosts.count
            let dump = try HeadlessChromium.run(["--dump-dom", "file://" + file], proxyPort: trap.port, profile: d.dir.file("profile"))
            #expect(dump.status == 0, "\(dump.stderr.suffix(2000))")
            let pageRequests = trap.hosts.dropFirst(before).filter { !HeadlessChromium.ownHosts.contains($0) }
            #expect(pageRequests.isEmpty, "the page made requests: \(pageRequests)")

            let dom = dump.stdout
            let ids = try Self.ids(d)
            for id in ids { #expect(dom.contains("id=\"rec-\(id)\""), "no element for \(id)") }
            let drawn = try #require(dom.firstMatch(of: /data-drawn="(\d+)"/).map { Int($0.output.1) ?? -1 })
            let placed = dom.matches(of: /<g id="rec-/).count
            #expect(drawn == placed && drawn == 42, "drawn \(drawn), placed \(placed)")
            let undated = try #require(dom.firstMatch(of: /data-undated="(\d+)"/).map { Int($0.output.1) ?? -1 })
            #expect(drawn + undated == ids.count)
        }
    }
}
