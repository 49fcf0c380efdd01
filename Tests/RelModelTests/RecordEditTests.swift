import OrderedCollections
import RelModel
import Testing

// Protects RecordValidator.applying: dotted paths, refused edits, and no partial changes.
@Suite struct RecordEditTests {
    func seed(_ id: String) throws -> Record {
        let value = try #require(try SeedData.records().first { $0["id"]?.stringValue == id })
        return try RecordValidator.record(from: value) { "x" }
    }

    func minimal() throws -> Record {
        try validate(#"{"id":"m-1","kind":"event","title":"x","category":"military","date":"2023-02-07","source":{"title":"Paper"}}"#)
    }

    func editError(_ edits: OrderedDictionary<String, JSONValue>, on record: Record) -> ValidationError? {
        do {
            _ = try RecordValidator.applying(edits, to: record)
            return nil
        } catch {
            return error
        }
    }

    @Test func topLevelFieldEdit() throws {
        let r = try seed("mlru-e01")
        let edited = try RecordValidator.applying(["title": "Independence of Mali", "tags": ["a"]], to: r)
        #expect(edited.title == "Independence of Mali")
        #expect(edited.fields["tags"] == ["a"])
        #expect(edited.id == r.id && edited.kind == r.kind)
        #expect(edited.changedFields(from: r) == ["title", "tags"])
        #expect(Array(edited.fields.keys) == Array(r.fields.keys))
    }

    @Test func sourceURLByDottedPath() throws {
        let r = try seed("mlru-e01")
        let edited = try RecordValidator.applying(["source.url": "https://example.org/article"], to: r)
        #expect(edited.fields["source"]?["url"] == "https://example.org/article")
        #expect(edited.fields["source"]?["quote"] == r.fields["source"]?["quote"])
        #expect(edited.changedFields(from: r) == ["source"])
    }

    @Test func sourceURLOnANullSource() throws {
        let r = try validate(#"{"kind":"event","title":"x","category":"military"}"#)
        let edited = try RecordValidator.applying(["source.url": "https://example.org"], to: r)
        #expect(edited.fields["source"]?["url"] == "https://example.org")
        #expect(edited.fields["source"]?["title"] == .null)
    }

    @Test func dateStartRecomputesPrecision() throws {
        let r = try minimal()
        #expect(r.fields["date"]?["precision"] == "day")
        let edited = try RecordValidator.applying(["date.start": "2023"], to: r)
        #expect(edited.date == (try DateSpec(parsing: "2023")))
        #expect(edited.fields["date"]?["precision"] == "year")
    }

    @Test func dateTypeAndEndTogether() throws {
        let r = try minimal()
        let edited = try RecordValidator.applying(["date.type": "interval", "date.end": "2023-03"], to: r)
        #expect(edited.date.text == "2023-02-07/2023-03")
        #expect(edited.fields["date"]?["precision"] == "month")
    }

    @Test func dateByShortForm() throws {
        let edited = try RecordValidator.applying(["date": "1960..1961~"], to: try minimal())
        #expect(edited.date.text == "1960..1961~")
    }

    @Test func badDateStartNamesThePath() throws {
        let e = try #require(editError(["date.start": "2023-13"], on: try minimal()))
        #expect(e.field == "date.start")
        #expect(e.reason == "month must be 01-12")
        let before = try #require(editError(["date.end": "2022"], on: try minimal()))
        #expect(before.field == "date.end")
    }

    @Test func locationNameOnANullLocation() throws {
        let r = try minimal()
        #expect(r.fields["location"] == .null)
        let edited = try RecordValidator.applying(["location.name": "Bamako", "location.country": "ML"], to: r)
        #expect(
            JSONText.compact(try #require(edited.fields["location"]))
                == #"{"name":"Bamako","country":"ML","admin1":null,"latitude":null,"longitude":null,"geo_precision":null}"#)
    }

    @Test func locationCountryAloneNeedsAName() throws {
        let e = try #require(editError(["location.country": "ML"], on: try minimal()))
        #expect(e.field == "location.name")
        #expect(e.reason == "is required")
    }

    @Test func nullClearsANullableField() throws {
        let r = try seed("mlru-e21")
        let edited = try RecordValidator.applying(["location": nil], to: r)
        #expect(edited.fields["location"] == .null)
        #expect(editError(["title": nil], on: r)?.reason == "must not be null")
    }

    @Test("id and kind cannot change", arguments: ["id", "kind", "id.x"])
    func idAndKindRefused(path: String) throws {
        let r = try minimal()
        let e = try #require(editError([path: "agreement"], on: r))
        #expect(e.field == path)
        #expect(e.reason == "cannot be changed; create a new record instead")
        #expect(e.recordID == "m-1")
    }

    @Test("unknown fields are refused", arguments: ["colour", "status", "source.", ".title", ""])
    func unknownField(path: String) throws {
        let e = try #require(editError([path: "x"], on: try minimal()))
        #expect(e.field == path)
        #expect(e.reason.hasPrefix("unknown field for an event; known fields are: title, category, tags"))
    }

    @Test func unknownMemberOfAnObject() throws {
        let e = try #require(editError(["source.nope": "x"], on: try minimal()))
        #expect(e.field == "source.nope")
        #expect(e.reason.hasPrefix("unknown field"))
    }

    @Test func deeperUnknownPathNamesItOnce() throws {
        let r = try minimal()
        let nested = try #require(editError(["source.nope.deeper": "x"], on: r))
        let scalar = try #require(editError(["title.x": "y"], on: r))
        #expect(nested.field == "source.nope")
        #expect(scalar.field == "title")
        #expect(nested.reason.hasPrefix("unknown field"))
        #expect(scalar.reason == "is not an object, so it has no member x")
    }

    @Test func failedEditLeavesTheRecordUntouched() throws {
        let r = try seed("mlru-e02")
        let before = JSONText.compact(r.json)
        // The first edit is valid, the second is not: neither is applied.
        #expect(throws: ValidationError.self) {
            try RecordValidator.applying(["title": "Changed", "category": "war"], to: r)
        }
        #expect(JSONText.compact(r.json) == before)
        #expect(r.title == "Mali and the Soviet Union establish relations")
    }

    @Test func editThatChangesNothing() throws {
        let r = try seed("mlru-e02")
        let same = try RecordValidator.applying(["title": .string(r.title)], to: r)
        #expect(same == r)
        #expect(same.changedFields(from: r).isEmpty)
    }
}
