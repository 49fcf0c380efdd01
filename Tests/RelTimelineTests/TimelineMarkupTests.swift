import Crypto
import Foundation
import RelModel
import Testing

@testable import RelTimeline

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Escaping of every text from a record, and the page's promises: a Content-Security-Policy
/// that forbids requests, no address the page would load, every record an element.
@Suite struct TimelineMarkupTests {
    @Test func escapingCoversMarkupQuotesAndWhatXMLCannotHold() {
        #expect(Markup.escaped("<script>alert('x')</script>") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        #expect(Markup.escaped("a \"b\" & c") == "a &quot;b&quot; &amp; c")
        // `&` with a combining accent is one Character: escaped all the same, the accent kept.
        #expect(Markup.escaped("&\u{301}") == "&amp;\u{301}")
        #expect(Markup.escaped("<\u{338}") == "&lt;\u{338}")
        // Right-to-left text and combining marks pass unchanged.
        #expect(Markup.escaped("مالي وروسيا") == "مالي وروسيا")
        #expect(Markup.escaped("Go\u{0069}\u{0308}ta") == "Go\u{0069}\u{0308}ta")
        // Control characters XML 1.0 refuses become U+FFFD; tab and newline stay.
        #expect(Markup.escaped("a\u{1}b\u{1B}c\td\ne\u{FFFF}") == "a\u{FFFD}b\u{FFFD}c\td\ne\u{FFFD}")
    }

    @Test func onlyHTTPSourcesBecomeLinks() {
        #expect(Markup.linkableURL("https://example.org/a?b=1&c=2") == "https://example.org/a?b=1&c=2")
        #expect(Markup.linkableURL("javascript:alert(1)") == nil)
        #expect(Markup.linkableURL("JavaScript:alert(1)") == nil)
        #expect(Markup.linkableURL("data:text/html,<script>") == nil)
        #expect(Markup.linkableURL("https://example.org/ a") == nil)
    }

    static func hostileRecords() throws -> [Record] {
        [
            try TestRecords.make(
                "x-1", date: "2023-07-27", title: "<script>alert(\"t\")</script> & 'q'", parties: ["RU", "<b>org</b>"],
                sourceURL: "https://example.org/r?a=1&b=\"2\""),
            try TestRecords.make(
                "x-2", date: "2021/..", claim: "alleged", title: "مالي وروسيا: اتفاق",
                sourceURL: "https://example.org/\"><script>alert(1)</script>"),
            try TestRecords.make(
                "x-3", kind: .agreement, date: "unknown", claim: "disputed", title: "Côte d\u{301}Ivoire </title><img src=x>"),
        ]
    }

    @Test func recordTextIsEscapedInThePageAndInTheSVG() throws {
        let timeline = Timeline(try Self.hostileRecords(), options: TimelineOptions(title: "<Ledger> & \"friends\"", presentYear: 2026))
        for document in [timeline.html, timeline.svg] {
            #expect(!document.contains("<script>alert"))
            #expect(!document.contains("<b>org</b>"))
            #expect(!document.contains("<img"))
            #expect(document.contains("&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; &#39;q&#39;"))
            #expect(document.contains("&lt;Ledger&gt; &amp; &quot;friends&quot;"))
        }
        let html = timeline.html
        #expect(html.contains("مالي وروسيا: اتفاق"))
        #expect(html.contains("<bdi class=\"title\">مالي وروسيا: اتفاق</bdi>"))
        #expect(html.contains("Côte d\u{301}Ivoire &lt;/title&gt;&lt;img src=x&gt;"))
        // Source URLs are links, their quotes, & and markup escaped in the attribute.
        #expect(html.contains("<a href=\"https://example.org/r?a=1&amp;b=&quot;2&quot;\" rel=\"noreferrer noopener\">"))
        #expect(html.contains("<a href=\"https://example.org/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""))
    }

    @Test func theStandaloneSVGIsWellFormedXML() throws {
        let svg = Timeline(try Self.hostileRecords() + TestRecords.seed(), options: TimelineOptions(presentYear: 2026)).svg
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(!svg.contains("<script"))
    }

    @Test func thePageForbidsRequestsAndNamesNoAddressToLoad() throws {
        let seed = try TestRecords.seed()
        let html = Timeline(seed + (try Self.hostileRecords()), options: TimelineOptions(presentYear: 2026)).html
        #expect(
            html.contains(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                    + "script-src '\(PageScript.sha256)'; img-src data:; base-uri 'none'; form-action 'none'\">"))
        // The CSP comes before anything that could load (it applies from where it stands).
        let csp = try #require(html.range(of: "Content-Security-Policy"))
        #expect(html[..<csp.lowerBound].range(of: "<style") == nil && html[..<csp.lowerBound].range(of: "<script") == nil)
        // No src, no srcset, no link element, no @import or url() to elsewhere; the only
        // addresses are <a href> links to record sources and the SVG namespace.
        for forbidden in [" src=\"", " srcset=\"", "<link", "@import", "url(http", "url(//", "<iframe", "<object", "<embed", "<img"] {
            #expect(!html.contains(forbidden), "the page contains \(forbidden)")
        }
        let addresses = html.matches(of: /(\w[\w:-]*)="(https?:[^"]*)"/).map { (String($0.output.1), String($0.output.2)) }
        for (attribute, address) in addresses {
            #expect(attribute == "href" || (attribute == "xmlns" && address == "http://www.w3.org/2000/svg"), "\(attribute)=\(address)")
        }
        let hrefs = addresses.filter { $0.0 == "href" }.map(\.1)
        let sources =
            seed.compactMap { RecordWords.sourceURL($0).map(Markup.escaped) } + [
                "https://example.org/r?a=1&amp;b=&quot;2&quot;", "https://example.org/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
            ]
        #expect(Set(hrefs).isSubset(of: Set(sources)))
        for href in html.matches(of: /<a href="[^"]*"/) {
            #expect(html[href.range.upperBound...].hasPrefix(" rel=\"noreferrer noopener\""))
        }
    }

    @Test func everyRecordIsAnElementWithItsIDTitleAndFocus() throws {
        let seed = try TestRecords.seed()
        let timeline = Timeline(seed, options: TimelineOptions(presentYear: 2026))
        let html = timeline.html
        for record in seed {
            #expect(html.contains("id=\"rec-\(record.id)\""), "no element for \(record.id)")
            #expect(html.contains("id=\"row-\(record.id)\""), "no row for \(record.id)")
        }
        for item in timeline.layout.items {
            let start = try #require(html.range(of: "<g id=\"rec-\(item.id)\""))
            let element = html[start.lowerBound...].prefix { $0 != "\n" }
            #expect(element.contains("tabindex=\"0\"") && element.contains("role=\"listitem\"") && element.contains("aria-label=\""))
            #expect(element.contains("<title>\(Markup.escaped(RecordWords.label(item.record)))</title>"))
        }
        #expect(html.contains("data-records=\"53\""))
        #expect(html.contains("<h2>Date unknown (\(timeline.undated))</h2>"))
        #expect(html.contains("@media print"))
        #expect(html.contains("reported (solid)") && html.contains("alleged (hollow)") && html.contains("disputed (hatched)"))
    }

    @Test func theCSPHashIsTheScriptsHash() {
        let digest = SHA256.hash(data: Data(PageScript.source.utf8))
        let hash = "sha256-" + Data(digest).base64EncodedString()
        #expect(PageScript.sha256 == hash, "set PageScript.sha256 to \(hash)")
        let html = Timeline([], options: TimelineOptions()).html
        #expect(html.contains("<script>\(PageScript.source)</script>"))
    }
}
