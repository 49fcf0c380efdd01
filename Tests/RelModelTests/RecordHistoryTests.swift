import Testing

@testable import RelModel

@Suite struct RecordHistoryTests {
    func s(_ millis: Int64, _ node: String) -> Stamp { Stamp(hlc: HLCTimestamp(millis: millis, counter: 0), node: node) }

    func c(_ field: String, _ value: JSONValue, _ stamp: Stamp, bases: [Stamp] = []) -> Change {
        Change(recordID: "r1", field: field, value: value, hlc: stamp.hlc, node: stamp.node, bases: bases)
    }

    /// A record created by a, edited by a, edited concurrently by b and c, resolved by a, deleted, restored.
    var story: [Change] {
        [
            c(Change.kindField, "event", s(1, "a")), c("title", "Visit", s(1, "a")),
            c("title", "State visit", s(2, "a"), bases: [s(1, "a")]),
            c("title", "Official visit", s(3, "b"), bases: [s(2, "a")]),
            c("title", "Working visit", s(4, "c"), bases: [s(2, "a")]),
            c("title", "Official visit", s(5, "a"), bases: [s(3, "b"), s(4, "c")]),
            c(Change.deletedField, true, s(6, "b")),
            c(Change.deletedField, false, s(7, "a"), bases: [s(6, "b")]),
        ]
    }

    @Test func entriesTellEachChangeWithWhatItReplacedOldestFirst() {
        let entries = RecordHistory(changes: story.reversed()).entries()
        #expect(entries.map(\.action) == [.created, .changed, .changed, .changed, .changed, .resolved, .deleted, .restored])
        #expect(entries[2].replaced == [FieldVersion(value: "Visit", stamp: s(1, "a"))])
        #expect(entries[2].concurrent.isEmpty)
        // c's edit stood beside b's: c won by its later stamp, b's was kept as a conflict.
        #expect(entries[4].concurrent == [FieldVersion(value: "Official visit", stamp: s(3, "b"))])
        #expect(entries[5].replaced.map(\.stamp) == [s(3, "b"), s(4, "c")])
        #expect(entries[5].concurrent.isEmpty)
    }

    @Test func theSameChangesInAnyOrderOrTwiceTellTheSameHistory() {
        var rng = SystemRandomNumberGenerator()
        let reference = RecordHistory(changes: story).entries()
        for _ in 0..<50 {
            let shuffled = (story + story.prefix(3)).shuffled(using: &rng)
            #expect(RecordHistory(changes: shuffled).entries() == reference)
        }
    }

    /// A snapshot lists, beside the value it carries, every version it knows to be replaced as a
    /// base; a follower must not take that for a resolve.
    @Test func aSnapshotsExtraBasesAreNotAResolve() {
        let changes = [
            c("title", "A", s(1, "a")), c("title", "B", s(2, "a"), bases: [s(1, "a")]),
            c("title", "C", s(3, "a"), bases: [s(2, "a"), s(1, "a")]),
        ]
        let last = RecordHistory(changes: changes).entries().last
        #expect(last?.action == .changed)
        #expect(last?.replaced == [FieldVersion(value: "B", stamp: s(2, "a"))])
    }

    @Test func fieldNarrowsTheEntries() {
        let entries = RecordHistory(changes: story).entries(field: Change.deletedField)
        #expect(entries.map(\.action) == [.deleted, .restored])
    }

    @Test func aChangeMadeBehindOneThatReplacedItIsMarkedSuperseded() {
        // a's clock ran behind: its change (stamp 3) replaced d's (stamp 5), which it had seen.
        let changes = [c("title", "A", s(1, "a")), c("title", "B", s(3, "a"), bases: [s(5, "d")]), c("title", "D", s(5, "d"))]
        let entries = RecordHistory(changes: changes).entries()
        #expect(entries.last?.superseded == true)
        #expect(entries.last?.concurrent.isEmpty == true)
    }

    @Test func stateAtATimeIsEachFieldsGreatestHeadThen() {
        let history = RecordHistory(changes: story)
        #expect(history.state(atMillis: 0).kind == nil)
        #expect(history.state(atMillis: 1).fields["title"] == "Visit")
        #expect(history.state(atMillis: 4).fields["title"] == "Working visit")
        #expect(history.state(atMillis: 5).fields["title"] == "Official visit")
        #expect(history.state(atMillis: 6).isDeleted)
        #expect(!history.state(atMillis: 7).isDeleted)
        #expect(history.state(atMillis: 7).kind == .event)
    }

    @Test func asOfReadsTimesAndDates() throws {
        // The end of what is written: the second, the minute, the tenth of a second, the millisecond.
        #expect(try AsOfTime(parsing: "1970-01-01T00:00:00Z").millis == 999)
        #expect(try AsOfTime(parsing: "1970-01-01T00:00Z").millis == 59_999)
        #expect(try AsOfTime(parsing: "1970-01-01T00:00:00.2Z").millis == 299)
        #expect(try AsOfTime(parsing: "1970-01-01T01:00:00.250+01:00").millis == 250)
        #expect(try AsOfTime(parsing: "1970-01-01T00:00:00.2509Z").millis == 250)
        #expect(try AsOfTime(parsing: "2026-11-30T12:00:00Z").millis == 1_796_040_000_999)
        #expect(try AsOfTime(parsing: "2026-11-30").millis == 1_796_083_199_999)
        let february = try AsOfTime(parsing: "2024-02-29T23:59:59.999Z").millis
        #expect(try AsOfTime(parsing: "2024-02").millis == february)
        #expect(try AsOfTime(parsing: "1969-12-31T23:59:59Z").millis == -1)
        let endOf2025 = try AsOfTime(parsing: "2025-12-31T23:59:59.999Z").millis
        #expect(try AsOfTime(parsing: "2025").millis == endOf2025)
    }

    @Test(arguments: [
        ("2026-13-01", "month must be 01-12"),
        ("2026-02-30", "day must be 01-28 for 2026-02"),
        ("2026-11-30T12:00:00", "a time needs its zone: add Z for UTC or an offset such as +02:00"),
        ("2026-11-30T25:00Z", "the hour must be two digits 00-23"),
        ("2026-11-30T12:00:00+2:00", "the offset must be +HH:MM or -HH:MM"),
        ("2026-11T12:00Z", "a time needs a full date before it: YYYY-MM-DDTHH:MM:SSZ"),
        ("yesterday", "year must be four digits (0001-9999)"),
        ("2026-11-30T12:00:00.1234567890Z", "the fraction of a second must be 1-9 digits"),
    ])
    func asOfSaysWhatIsWrong(text: String, reason: String) {
        #expect(throws: DateError(reason)) { try AsOfTime(parsing: text) }
    }

    @Test func stampTimesAreExactToTheMillisecond() {
        for millis: Int64 in [0, 1, 999, 1_000, 1_796_040_000_123, 1_796_040_000_001, -1] {
            let stamp = HLCTimestamp(millis: millis, counter: 7)
            let text = stamp.iso8601(milliseconds: true)
            #expect(text.count == 24 && text.hasSuffix("Z"), "\(text)")
            #expect((try? AsOfTime(parsing: text).millis) == millis, "\(text)")
            #expect(stamp.iso8601(milliseconds: false) == text.prefix(19) + "Z")
        }
    }

    @Test func nodeNamesAreBoundedAndPrintable() {
        #expect(NodeName.checked("  ana@laptop ") == "ana@laptop")
        #expect(NodeName.checked("Goi\u{0308}ta") == "Goïta")
        #expect(NodeName.checked("") == nil)
        #expect(NodeName.checked(String(repeating: "x", count: 65)) == nil)
        #expect(NodeName.checked("ana\u{202E}pot") == nil)
        #expect(NodeName.checked("ana\nbo") == nil)
        #expect(NodeName.fromHeader(NodeName.headerValue("Ségou ana@laptop")) == "Ségou ana@laptop")
        #expect(NodeName.fromHeader("%FF") == nil)
    }
}
