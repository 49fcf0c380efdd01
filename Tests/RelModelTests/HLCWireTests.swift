import Foundation
import RelModel
import Testing

/// Clock values travel as JSON integers (every version) or decimal strings (exact in JavaScript
/// and jq); readers take both and nothing else.
@Suite struct HLCWireTests {
    /// Above 2^53 and odd: a double would round it.
    static let big = HLCTimestamp(rawValue: 116_049_658_961_592_321)

    @Test func readsBothForms() {
        #expect(HLCTimestamp(wire: .int(5)) == HLCTimestamp(rawValue: 5))
        #expect(HLCTimestamp(wire: .string("5")) == HLCTimestamp(rawValue: 5))
        #expect(HLCTimestamp(wire: .string("0")) == .zero)
        #expect(HLCTimestamp(wire: .int(0)) == .zero)
        #expect(HLCTimestamp(wire: .string("116049658961592321")) == Self.big)
        #expect(HLCTimestamp(wire: .string("9223372036854775807")) == HLCTimestamp(rawValue: .max))
    }

    @Test(arguments: [
        "-1", "1e3", "99999999999999999999", " 12", "12 ", "", "0x10", "+1", "012", "00",
        "1.0", "9223372036854775808", "١٢", "1_000", "\u{0}1",
    ])
    func refusesHostileStrings(_ text: String) {
        #expect(HLCTimestamp(wire: .string(text)) == nil, "\(JSONText.quoted(text)) should be refused")
    }

    @Test func refusesOtherKinds() {
        #expect(HLCTimestamp(wire: .int(-1)) == nil)
        #expect(HLCTimestamp(wire: .double(1000)) == nil)
        #expect(HLCTimestamp(wire: .null) == nil)
        #expect(HLCTimestamp(wire: .bool(true)) == nil)
        #expect(HLCTimestamp(wire: .array([.int(1)])) == nil)
    }

    @Test func writesEitherForm() {
        #expect(Self.big.json(.integer) == .int(116_049_658_961_592_321))
        #expect(Self.big.json(.string) == .string("116049658961592321"))
        let stamp = Stamp(hlc: Self.big, node: "n1")
        #expect(JSONText.compact(stamp.json(.string)) == #"["116049658961592321","n1"]"#)
        #expect(JSONText.compact(stamp.json) == #"[116049658961592321,"n1"]"#)
    }

    @Test func stampsReadBothForms() throws {
        let stamp = Stamp(hlc: Self.big, node: "n1")
        #expect(try Stamp(json: stamp.json(.string)) == stamp)
        #expect(try Stamp(json: stamp.json(.integer)) == stamp)
        #expect(throws: FieldError.self) { try Stamp(json: .array([.string("-1"), .string("n1")])) }
        #expect(throws: FieldError.self) { try Stamp(json: .array([.string("1e3"), .string("n1")])) }
    }

    static let change = Change(
        recordID: "r1", field: "title", value: "A visit", hlc: big, node: "n2", nodeSeq: 7,
        bases: [Stamp(hlc: HLCTimestamp(rawValue: 116_049_658_961_592_320), node: "n1")])

    @Test func changesRoundTripExactlyInTheStringForm() throws {
        let text = JSONText.compact(Self.change.json(.string))
        #expect(text.contains(#""hlc":"116049658961592321""#))
        #expect(text.contains(#"["116049658961592320","n1"]"#))
        #expect(try Change(json: JSONValue.parse(text)) == Self.change)
        // Foundation's parser, as a script's would, keeps the string exact.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["hlc"] as? String == "116049658961592321")
    }

    @Test func oldIntegerPagesStillRead() throws {
        // What a relhub of version 0.2.0 or earlier sends.
        let text = """
            {"feed_id":"hub","changes":[{"node":"n2","node_seq":7,"record_id":"r1","field":"title","value":"A visit",\
            "hlc":116049658961592321,"bases":[[116049658961592320,"n1"]]}],"next":1,"more":false}
            """
        let page = try FeedPage(json: JSONValue.parse(text))
        #expect(page.changes == [Self.change])
        #expect(try FeedPage(json: page.json(.string)) == page)
        // A page may mix the forms (a hub upgraded between pages); each value is read alone.
        let mixed = text.replacingOccurrences(of: "[[116049658961592320", with: "[[\"116049658961592320\"")
        #expect(try FeedPage(json: JSONValue.parse(mixed)) == page)
    }

    @Test func changesWithHostileClockValuesAreRefused() throws {
        for bad: JSONValue in ["-1", "1e3", "99999999999999999999", " 12", "", "0x10", .double(1e3), .int(-1)] {
            guard case .object(var o) = Self.change.json else {
                Issue.record("not an object")
                return
            }
            o["hlc"] = bad
            #expect(throws: FieldError.self) { try Change(json: .object(o)) }
            o["hlc"] = .string("116049658961592321")
            o["bases"] = .array([.array([bad, .string("n1")])])
            #expect(throws: FieldError.self) { try Change(json: .object(o)) }
        }
    }

    @Test func snapshotsAndBatchesTakeBothForms() throws {
        let snapshot = FeedSnapshot(feedID: "hub", changes: [Self.change])
        #expect(try FeedSnapshot(json: snapshot.json(.string)) == snapshot)
        #expect(try FeedSnapshot(json: snapshot.json) == snapshot)
        #expect(JSONText.compact(snapshot.json).contains(#""hlc":116049658961592321"#))
        let batch = PushBatch(changes: [Self.change])
        #expect(try PushBatch(json: batch.json(.string)) == batch)
        #expect(try PushBatch(json: batch.json) == batch)
    }

    @Test func pushResultsReadTheOldAndNewName() throws {
        let result = PushResult(accepted: 3, duplicates: 1, newConflicts: 2)
        #expect(try PushResult(json: result.json) == result)
        #expect(result.json["new_conflicts"] == .int(2) && result.json["conflicts"] == .int(2))
        // A hub of version 0.2.0 or earlier.
        #expect(try PushResult(json: ["accepted": 3, "duplicates": 1, "conflicts": 2]) == result)
        #expect(throws: FieldError.self) { try PushResult(json: ["accepted": 3, "duplicates": 1]) }
    }
}
