import Foundation
import RelModel
import Testing

// Protects whole-record validation: the seed loses nothing, and each bad value is named precisely.
@Suite struct RecordValidatorTests {
    @Test func seedHas53Records() throws {
        let seed = try SeedData.records()
        #expect(seed.count == 53)
        #expect(seed.filter { $0["kind"] == "event" }.count == 46)
        #expect(seed.filter { $0["kind"] == "agreement" }.count == 7)
    }

    @Test func everySeedRecordValidatesWithoutLoss() throws {
        for original in try SeedData.records() {
            let id = original["id"]?.stringValue ?? "?"
            let record = try RecordValidator.record(from: original) {
                Issue.record("seed record \(id) has no id")
                return "x"
            }
            #expect(record.id == id)
            #expect(record.kind.rawValue == original["kind"]?.stringValue)
            // The only difference allowed: source gains `url: null`.
            var expected = try #require(original.objectValue)
            var source = try #require(expected["source"]?.objectValue)
            #expect(source["url"] == nil)
            source["url"] = .null
            expected["source"] = .object(source)
            #expect(unordered(record.json) == unordered(.object(expected)), "record \(id)")
        }
    }

    // Byte for byte: the canonical text of all 53 records is the seed file's own text, minified,
    // with `"url":null` after each source title (so member order and number formatting are kept too).
    @Test func canonicalTextIsTheSeedFileText() throws {
        let fileText = minified(try String(contentsOf: SeedData.url, encoding: .utf8))
        let sourceTitle = #""source":{"title":"RUSSO-MALIAN COOPERATION: WITHOUT LIMITS!!","#
        #expect(fileText.components(separatedBy: sourceTitle).count == 54)
        let expected = fileText.replacingOccurrences(of: sourceTitle, with: sourceTitle + #""url":null,"#)
        let records = try SeedData.records().map { try RecordValidator.record(from: $0) { "x" } }
        let canonical = "[" + records.map { JSONText.compact($0.json) }.joined(separator: ",") + "]"
        #expect(canonical == expected)
    }

    @Test func canonicalJSONOfASeedRecordValidatesToTheSameRecord() throws {
        for original in try SeedData.records() {
            let record = try RecordValidator.record(from: original) { "x" }
            let again = try RecordValidator.record(from: try JSONValue.parse(JSONText.compact(record.json))) { "y" }
            #expect(again == record)
        }
    }

    @Test func accessorsReadTheFields() throws {
        let seed = try SeedData.records()
        let e21 = try RecordValidator.record(from: try #require(seed.first { $0["id"] == "mlru-e21" })) { "x" }
        #expect(e21.title == "Putin and Goïta meet in St. Petersburg")
        #expect(e21.category == "diplomatic")
        #expect(e21.parties == ["RU", "ML"])
        #expect(e21.claimStatus == "reported")
        #expect(e21.date == (try DateSpec(parsing: "2023-07-27")))
        #expect(e21.searchText.contains("st. petersburg"))
        #expect(e21.fields["location"]?["latitude"] == .double(59.9375))
    }

    @Test func minimalEventGetsDefaults() throws {
        let r = try validate(#"{"kind":"event","title":"x","category":"military"}"#)
        #expect(r.id == "new-id")
        #expect(r.kind == .event)
        #expect(Array(r.fields.keys) == RecordSchema.fields(for: .event).map(\.name))
        #expect(r.fields["tags"] == [])
        #expect(r.fields["date"] == DateSpec.unknown.json)
        #expect(r.fields["parties"] == [])
        #expect(r.fields["actors"] == [])
        #expect(r.fields["location"] == .null)
        #expect(r.fields["claim_status"] == "reported")
        #expect(r.fields["source"] == .null)
        #expect(r.fields["notes"] == "")
        #expect(r.fields["related_ids"] == [])
        #expect(r.fields["fatalities"] == .null)
        #expect(r.date == .unknown)
    }

    // Canonical form means every member present; the default for `codes` is `{}` instead.
    @Test func minimalEventCodesHaveEveryMember() throws {
        let r = try validate(#"{"kind":"event","title":"x","category":"military"}"#)
        let allNull = try json(
            #"{"cameo_event_code":null,"cameo_root":null,"quad_class":null,"acled_event_type":null,"acled_sub_event_type":null}"#)
        #expect(r.fields["codes"] == allNull)
        // Consequence: a minimal record is not a fixed point of validation (the store re-validates on read).
        let again = try RecordValidator.record(from: r.json) { "other" }
        #expect(again == r)
    }

    @Test func minimalAgreementGetsDefaults() throws {
        let r = try validate(#"{"id":"a-1","kind":"agreement","title":"Deal","category":"economic"}"#)
        #expect(r.id == "a-1")
        #expect(Array(r.fields.keys) == RecordSchema.fields(for: .agreement).map(\.name))
        #expect(r.fields["status"] == "unknown")
        #expect(r.fields["agreement_type"] == "unspecified")
        #expect(r.fields["lateral"] == "bilateral")
        #expect(r.fields["subject_areas"] == [])
        #expect(r.fields["alliance_obligations"] == .null)
        #expect(r.fields["registration"] == .null)
        #expect(r.fields["fatalities"] == nil)
    }

    @Test func shortDateFormIsStoredAsTheObject() throws {
        let r = try validate(#"{"kind":"event","title":"x","category":"military","date":"2022/.."}"#)
        #expect(
            JSONText.compact(try #require(r.fields["date"]))
                == #"{"type":"interval","start":"2022","end":null,"precision":"year","approximate":false}"#)
    }

    @Test func integralNumbersAreNormalised() throws {
        let r = try validate(
            #"{"kind":"event","title":"x","category":"military","fatalities":3.0,"location":{"name":"Gao","latitude":16,"longitude":0}}"#)
        #expect(r.fields["fatalities"] == .int(3))
        #expect(r.fields["location"]?["latitude"] == .double(16))
        #expect(r.fields["location"]?["longitude"] == .double(0))
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var name: String
        var members: String  // members added to a valid event (or replacing its kind/title/category)
        var field: String
        var value: String?
        var reason: String  // prefix of the reason
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "empty title", members: #""title":"""#, field: "title", value: #""""#, reason: "must not be empty"),
        Bad(name: "blank title", members: #""title":"   ""#, field: "title", value: #""   ""#, reason: "must not be empty"),
        Bad(
            name: "control char", members: #""title":"a\u0007b""#, field: "title", value: #""a\u0007b""#,
            reason: "must not contain control characters"),
        Bad(
            name: "unknown category", members: #""category":"war""#, field: "category", value: #""war""#,
            reason: "must be one of: diplomatic, military, security"),
        Bad(
            name: "unknown claim_status", members: #""claim_status":"rumoured""#, field: "claim_status", value: #""rumoured""#,
            reason: "must be one of: reported, alleged, disputed"),
        Bad(
            name: "bad country XX", members: #""parties":["ML","XX"]"#, field: "parties[1]", value: #""XX""#,
            reason: "is not an ISO 3166-1 alpha-2 country code"),
        Bad(
            name: "lower-case ml", members: #""parties":["ml"]"#, field: "parties[0]", value: #""ml""#,
            reason: "country codes are upper case: ML"),
        Bad(
            name: "party listed twice", members: #""parties":["ML","ML"]"#, field: "parties[1]", value: #""ML""#, reason: "is listed twice"),
        Bad(
            name: "actor country", members: #""actors":[{"name":"A"},{"name":"B","country":"ZZ"}]"#, field: "actors[1].country",
            value: #""ZZ""#, reason: "is not an ISO 3166-1"),
        Bad(
            name: "actor role", members: #""actors":[{"name":"A","role":"boss"}]"#, field: "actors[0].role", value: #""boss""#,
            reason: "must be one of: source, target"),
        Bad(
            name: "unknown top-level field", members: #""colour":"red""#, field: "colour", value: nil,
            reason: "unknown field; known fields are: title, category, tags"),
        Bad(
            name: "agreement field on event", members: #""status":"signed""#, field: "status", value: nil,
            reason: "is only for agreements, and this record is an event"),
        Bad(name: "bad date text", members: #""date":"2023-13-01""#, field: "date", value: #""2023-13-01""#, reason: "month must be 01-12"),
        Bad(
            name: "bad date.start", members: #""date":{"type":"instant","start":"2023-02-29"}"#, field: "date.start",
            value: #""2023-02-29""#, reason: "day must be 01-28 for 2023-02"),
        Bad(
            name: "precision mismatch",
            members: #""date":{"type":"instant","start":"2023-02-07","end":null,"precision":"month","approximate":false}"#,
            field: "date.precision", value: #""month""#, reason: #"must be "day", the coarsest of the bounds that are set"#),
        Bad(
            name: "end before start", members: #""date":{"type":"interval","start":"1991","end":"1960"}"#, field: "date.end",
            value: #""1960""#, reason: "is before start 1991"),
        Bad(
            name: "end before start text", members: #""date":"1991/1960""#, field: "date", value: #""1991/1960""#,
            reason: "end 1960 is before start 1991"),
        Bad(
            name: "date type", members: #""date":{"type":"sometime","start":"2023"}"#, field: "date.type", value: #""sometime""#,
            reason: "must be one of: instant, interval, window, unknown"),
        Bad(
            name: "date member", members: #""date":{"type":"instant","start":"2023","when":1}"#, field: "date.when", value: nil,
            reason: "unknown field"),
        Bad(
            name: "cameo_root mismatch", members: #""codes":{"cameo_event_code":"042","cameo_root":"05","quad_class":1}"#,
            field: "codes.cameo_root", value: #""05""#, reason: #"must be the first two digits of cameo_event_code "042""#),
        Bad(
            name: "cameo_root missing", members: #""codes":{"cameo_event_code":"042"}"#, field: "codes.cameo_root", value: "null",
            reason: #"must be set to "04""#),
        Bad(
            name: "quad_class mismatch", members: #""codes":{"cameo_event_code":"190","cameo_root":"19","quad_class":1}"#,
            field: "codes.quad_class", value: "1", reason: #"does not match cameo_root "19" (expected 4)"#),
        Bad(
            name: "ACLED sub-type of other type", members: #""codes":{"acled_event_type":"Protests","acled_sub_event_type":"Armed clash"}"#,
            field: "codes.acled_sub_event_type", value: #""Armed clash""#,
            reason: "is not a sub-event type of Protests; use one of: Peaceful protest"),
        Bad(
            name: "lat without lon", members: #""location":{"name":"Gao","latitude":16.27}"#, field: "location.longitude", value: "null",
            reason: "latitude and longitude are set together or not at all"),
        Bad(
            name: "latitude range", members: #""location":{"name":"Gao","latitude":96,"longitude":0}"#, field: "location.latitude",
            value: "96", reason: "must be between -90.0 and 90.0"),
        Bad(
            name: "url scheme", members: #""source":{"url":"ftp://x"}"#, field: "source.url", value: #""ftp://x""#,
            reason: "must start with http:// or https://"),
        Bad(name: "number for title", members: #""title":5"#, field: "title", value: "5", reason: "must be a string, not a number"),
        Bad(name: "string for tags", members: #""tags":"a,b""#, field: "tags", value: #""a,b""#, reason: "must be an array, not a string"),
        Bad(name: "null title", members: #""title":null"#, field: "title", value: "null", reason: "must not be null"),
        Bad(
            name: "fraction fatalities", members: #""fatalities":1.5"#, field: "fatalities", value: "1.5", reason: "must be a whole number"),
        Bad(
            name: "bad related id", members: #""related_ids":["ok","no way"]"#, field: "related_ids[1]", value: #""no way""#,
            reason: "must be 1-128 characters"),
    ]

    @Test("each error names the field and the value", arguments: bad)
    func refused(c: Bad) throws {
        var members = try #require(try json(#"{"id":"t-1","kind":"event","title":"x","category":"military"}"#).objectValue)
        for (k, v) in try #require(try json("{" + c.members + "}").objectValue) { members[k] = v }
        let e = try #require(try validationError(JSONText.compact(.object(members))))
        #expect(e.field == c.field)
        #expect(e.value == c.value)
        #expect(e.reason.hasPrefix(c.reason), "\(e.reason)")
        #expect(e.recordID == "t-1")
        let shown = "field \(c.field): " + (c.value.map { $0 + ": " } ?? "") + e.reason
        #expect(e.description == shown)
    }

    @Test func missingTitleIsRequired() throws {
        let e = try #require(try validationError(#"{"kind":"event","category":"military"}"#))
        #expect(e.description == "field title: is required")
    }

    @Test func exactMessages() throws {
        #expect(
            try validationError(#"{"kind":"event","title":"x","category":"military","parties":["XX"]}"#)?.description
                == #"field parties[0]: "XX": is not an ISO 3166-1 alpha-2 country code (such as ML, RU, FR)"#)
        #expect(
            try validationError(#"{"kind":"event","title":"x","category":"military","date":"2023-13"}"#)?.description
                == #"field date: "2023-13": month must be 01-12"#)
        #expect(
            try validationError(#"{"kind":"event","title":"","category":"military"}"#)?.description
                == #"field title: "": must not be empty"#)
    }

    @Test(
        "agreement-only rules",
        arguments: [
            (
                #""agreement_type":"treaty","alliance_obligations":["defense"]"#, "alliance_obligations", #"["defense"]"#,
                #"is set only for alliances (agreement_type "alliance")"#
            ),
            (#""fatalities":0"#, "fatalities", nil, "is only for events, and this record is an agreement"),
            (#""registration":"UNTS 123""#, "registration", #""UNTS 123""#, "is reserved and must be null"),
            (
                #""date_signed":"2021-05","date_entry_into_force":"2020""#, "date_entry_into_force", #""2020""#,
                "is before date_signed 2021-05"
            ),
            (#""agreement_type":"alliance","alliance_obligations":[]"#, "alliance_obligations", "[]", "must not be empty"),
        ] as [(String, String, String?, String)])
    func agreementRules(members: String, field: String, value: String?, reason: String) throws {
        let e = try #require(try validationError(#"{"kind":"agreement","title":"x","category":"military","# + members + "}"))
        #expect(e.field == field)
        #expect(e.value == value)
        #expect(e.reason == reason)
    }

    @Test func allianceObligationsOnAnAllianceAreAccepted() throws {
        let r = try validate(
            #"{"kind":"agreement","title":"x","category":"military","agreement_type":"alliance","alliance_obligations":["defense","entente"]}"#
        )
        #expect(r.fields["alliance_obligations"] == ["defense", "entente"])
    }

    @Test("bad ids", arguments: [#""-x""#, #""""#, #""a b""#, "5", #""é""#, "\"" + String(repeating: "a", count: 129) + "\""])
    func badID(id: String) throws {
        let e = try #require(try validationError(#"{"id":"# + id + #","kind":"event","title":"x","category":"military"}"#))
        #expect(e.field == "id")
        #expect(e.value == (id.count > 120 ? String(id.prefix(117)) + "..." : id))  // long values are shortened
        #expect(e.reason == RecordID.rule)
    }

    @Test func goodIDs() throws {
        for id in ["mlru-e01", "0", "a.b_c:d-e", String(repeating: "z", count: 128), "3f2b8c1e-0d4a-4c55-9a43-1a2b3c4d5e6f"] {
            #expect(try validate(#"{"id":"\#(id)","kind":"event","title":"x","category":"military"}"#).id == id)
        }
        #expect(try validate(#"{"id":null,"kind":"event","title":"x","category":"military"}"#).id == "new-id")
    }

    @Test func kindAndShape() throws {
        #expect(try validationError(#"{"title":"x","category":"military"}"#)?.description == "field kind: is required: event or agreement")
        #expect(
            try validationError(#"{"kind":"meeting","title":"x","category":"military"}"#)?.description
                == #"field kind: "meeting": must be one of: event, agreement"#)
        #expect(try validationError("[1]")?.field == "(record)")
        #expect(try validationError(#""text""#)?.reason == "must be a JSON object, not string")
    }
}
