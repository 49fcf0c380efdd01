import Testing

@testable import RelModel

@Suite struct MergeRulesTests {
    func s(_ hlc: Int64, _ node: String) -> Stamp { Stamp(hlc: HLCTimestamp(rawValue: hlc), node: node) }

    @Test func stampsOrderByClockThenNode() {
        #expect(s(1, "b") < s(2, "a"))
        #expect(s(2, "a") < s(2, "b"))
        #expect(!(s(2, "b") < s(2, "b")))
    }

    @Test func aKnowingEditReplacesWithoutConflict() {
        #expect(MergeRules.merge(s(5, "a"), bases: [s(3, "b")], alreadySuperseded: false, winner: s(3, "b")) == .wins(demoted: nil))
    }

    @Test func aConcurrentNewerEditDemotesTheValue() {
        #expect(MergeRules.merge(s(5, "a"), bases: [s(1, "x")], alreadySuperseded: false, winner: s(3, "b")) == .wins(demoted: s(3, "b")))
    }

    @Test func aConcurrentOlderEditLoses() {
        #expect(MergeRules.merge(s(2, "a"), bases: [], alreadySuperseded: false, winner: s(3, "b")) == .loses)
    }

    @Test func aLateReplacedVersionIsHistory() {
        #expect(MergeRules.merge(s(2, "a"), bases: [], alreadySuperseded: true, winner: s(3, "b")) == .superseded)
        #expect(MergeRules.merge(s(3, "b"), bases: [], alreadySuperseded: false, winner: s(3, "b")) == .superseded)
    }

    @Test func theLaterOfDeleteAndEditDecides() {
        #expect(MergeRules.isDeleted(deleted: true, deletedStamp: s(5, "a"), newestFieldStamp: s(4, "b")))
        #expect(!MergeRules.isDeleted(deleted: true, deletedStamp: s(5, "a"), newestFieldStamp: s(6, "b")))
        #expect(!MergeRules.isDeleted(deleted: false, deletedStamp: s(9, "a"), newestFieldStamp: s(1, "b")))
    }

    @Test func clockBoundNamesTheNodeAndTheSkew() {
        let c = Change(recordID: "r", field: "title", value: "x", hlc: HLCTimestamp(millis: 1_000 + 90_000_000, counter: 0), node: "n1")
        #expect(throws: ClockAheadError(node: "n1", aheadMillis: 90_000_000, maxSkewMillis: 86_400_000)) {
            try ClockBound.default.check(c, nowMillis: 1_000)
        }
        #expect(ClockAheadError(node: "n1", aheadMillis: 90_000_000, maxSkewMillis: 86_400_000).description.contains("1d 1h ahead"))
    }
}

@Suite struct FeedMessagesTests {
    @Test func aChangeRoundTripsThroughItsWireForm() throws {
        let c = Change(
            recordID: "ev1", field: "title", value: ["a": 1], hlc: HLCTimestamp(rawValue: 9_000), node: "node-a",
            nodeSeq: 3, bases: [Stamp(hlc: HLCTimestamp(rawValue: 8_000), node: "node-b")])
        #expect(try Change(json: try JSONValue.parse(JSONText.compact(c.json))) == c)
    }

    @Test(arguments: [
        (#"{"node":"n","node_seq":0,"record_id":"r","field":"f","value":1,"hlc":1,"bases":[]}"#, "node_seq"),
        (#"{"node":"bad node","node_seq":1,"record_id":"r","field":"f","value":1,"hlc":1,"bases":[]}"#, "node"),
        (#"{"node":"n","node_seq":1,"record_id":"r","field":"f","hlc":1,"bases":[]}"#, "value"),
        (#"{"node":"n","node_seq":1,"record_id":"r","field":"f","value":1,"hlc":5,"bases":[[9,"m"]]}"#, "bases[0]"),
        (#"{"node":"n","node_seq":1,"record_id":"r","field":"f","value":1,"hlc":5,"bases":[],"extra":1}"#, "extra"),
    ])
    func badChangesNameTheMember(_ text: String, _ member: String) throws {
        #expect(throws: FieldError.self) { try Change(json: try JSONValue.parse(text)) }
        do { _ = try Change(json: try JSONValue.parse(text)) } catch let e as FieldError { #expect(e.path == member, "\(e.reason)") }
    }

    @Test func aBadChangeInAPageNamesItsIndex() throws {
        let text =
            #"{"feed_id":"hub","next":2,"more":false,"changes":[{"node":"n","node_seq":1,"record_id":"r","field":"f","value":1,"hlc":1,"bases":[]},{"node":"n"}]}"#
        do {
            _ = try FeedPage(json: try JSONValue.parse(text))
            Issue.record("accepted a bad page")
        } catch let e as FieldError {
            #expect(e.path.hasPrefix("changes[1]"))
        }
    }

    @Test func aSnapshotMustSayItsFormat() throws {
        #expect(throws: FieldError.self) { try FeedSnapshot(json: try JSONValue.parse(#"{"feed_id":"a","changes":[]}"#)) }
        #expect(try FeedSnapshot(json: try JSONValue.parse(#"{"format":"reld-snapshot/1","feed_id":"a","changes":[]}"#)).changes.isEmpty)
    }
}
