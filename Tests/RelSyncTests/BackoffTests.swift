import Testing

@testable import RelSync

@Suite struct BackoffTests {
    @Test func doublesUpToTheCapAndResetsOnSuccess() {
        var b = Backoff(base: .seconds(1), cap: .seconds(60))
        // unit 1: the top of each jitter window.
        let waits = (0..<8).map { _ in b.fail(unit: 1) }
        #expect(waits == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(60), .seconds(60)])
        b.succeed()
        #expect(b.fail(unit: 1) == .seconds(1))
    }

    @Test func jitterKeepsAtLeastHalfTheWait() {
        var b = Backoff(base: .seconds(10), cap: .seconds(300))
        #expect(b.fail(unit: 0) == .seconds(5))
        #expect(b.fail(unit: 0.5) == .seconds(15))
    }

    @Test func retryAfterIsHonouredButBounded() {
        var b = Backoff(base: .seconds(1), cap: .seconds(60))
        #expect(b.fail(retryAfter: .seconds(120), unit: 1) == .seconds(120))
        #expect(b.fail(retryAfter: .seconds(100_000), unit: 1) == .seconds(240), "a hostile Retry-After cannot park us for days")
        #expect(b.fail(retryAfter: .seconds(0), unit: 1) == .seconds(4), "never sooner than our own backoff")
    }
}

@Suite struct FeedURLTests {
    @Test func hubAndSnapshotURLs() throws {
        #expect(try FeedURL("http://hub.example:8470/").string == "http://hub.example:8470")
        #expect(try !FeedURL("https://hub.example").isSnapshot)
        #expect(try FeedURL("https://example.org/team/ledger.json").isSnapshot)
    }

    @Test(arguments: ["hub.example:8470", "ftp://x/y", "http://", "http://h/?a=1", "http://user@h", "not a url"])
    func badURLsSayWhatAFeedLooksLike(_ text: String) {
        #expect(throws: FeedURLError(url: text)) { try FeedURL(text) }
        #expect(FeedURLError(url: text).description.contains("http:// or https://"))
    }
}
