import Testing
import RelModel

// Protects how `relctl --set FIELD=TEXT` text becomes JSON, guided by each field's type.
@Suite struct FieldInputTests {
    func value(_ path: String, _ text: String, _ kind: RecordKind = .event) throws -> JSONValue {
        try FieldInput.value(forPath: path, text: text, kind: kind)
    }

    @Test("text by field type", arguments: [
        ("title", "2023", "2023"),
        ("title", "true", "true"),
        ("title", "  Padded  ", "  Padded  "),
        ("notes", "12", "12"),
        ("category", "military", "military"),
        ("parties", "ML,RU", ["ML", "RU"]),
        ("parties", " ML , RU ,Wagner Group", ["ML", "RU", "Wagner Group"]),
        ("parties", "", []),
        ("tags", "one", ["one"]),
        ("related_ids", "mlru-e01,mlru-e02", ["mlru-e01", "mlru-e02"]),
        ("fatalities", "12", 12),
        ("fatalities", " 0 ", 0),
        ("date", "2023-02", "2023-02"),
        ("date", "1960/1991", "1960/1991"),
        ("date.start", "2023", "2023"),
        ("source.url", "https://example.org/a,b", "https://example.org/a,b"),
        ("location.latitude", "12.5", 12.5),
        ("location.latitude", "-3", -3),
        ("codes.quad_class", "4", 4),
        ("codes.cameo_event_code", "042", "042"),
        ("tags", #"["a,b","c"]"#, ["a,b", "c"]),
        ("location", #"{"name":"Gao","country":"ML"}"#, ["name": "Gao", "country": "ML"]),
        ("source", #" {"title":"Paper"} "#, ["title": "Paper"]),
    ] as [(String, String, JSONValue)])
    func byType(path: String, text: String, expected: JSONValue) throws {
        #expect(unordered(try value(path, text)) == unordered(expected))
    }

    @Test func agreementFields() throws {
        #expect(try value("subject_areas", "defence,mining", .agreement) == ["defence", "mining"])
        #expect(try value("date_signed", "2021-05", .agreement) == "2021-05")
        #expect(try value("alliance_obligations", "defense", .agreement) == ["defense"])
        #expect(try value("registration", "anything", .agreement) == .null)
    }

    @Test func actorsShortForm() throws {
        #expect(try value("actors", "Wagner Group:private_military_company:source:RU,Mali")
            == [["name": "Wagner Group", "type": "private_military_company", "role": "source", "country": "RU"], ["name": "Mali"]])
        #expect(FieldInput.actor("Goïta") == ["name": "Goïta"])
        #expect(FieldInput.actor("Goïta::target") == ["name": "Goïta", "role": "target"])
        #expect(FieldInput.actor(" Mali : state : participant : ML ") == ["name": "Mali", "type": "state", "role": "participant", "country": "ML"])
        #expect(FieldInput.actor("X:::FR") == ["name": "X", "country": "FR"])
    }

    @Test func locationShortForm() throws {
        #expect(try value("location", "Bamako:ML") == ["name": "Bamako", "country": "ML"])
        #expect(try value("location", "Bamako") == ["name": "Bamako"])
        #expect(FieldInput.location("St. Petersburg: RU") == ["name": "St. Petersburg", "country": "RU"])
        #expect(FieldInput.location("a:b:c") == ["name": "a", "country": "b:c"])
    }

    @Test func shortFormsValidateAsRecords() throws {
        let actor = FieldInput.actor("Wagner Group:private_military_company:source:RU")
        let r = try RecordValidator.record(from: [
            "kind": "event", "title": "x", "category": "military",
            "actors": [actor], "location": FieldInput.location("Bamako:ML"),
            "parties": try value("parties", "ML,RU"), "fatalities": try value("fatalities", "12"),
        ]) { "n" }
        #expect(r.fields["actors"]?.arrayValue?.first?["country"] == "RU")
        #expect(r.fields["location"]?["country"] == "ML")
        #expect(r.fields["fatalities"] == 12)
    }

    @Test func notANumber() {
        #expect(throws: ValidationError(field: "fatalities", value: #""twelve""#, reason: "must be a number")) {
            try value("fatalities", "twelve")
        }
    }

    @Test func objectNeedsJSON() throws {
        let e = try #require(throws: ValidationError.self) { try value("source", "Paper") }
        #expect(e.field == "source")
        #expect(e.reason.hasPrefix("must be a JSON object"))
        #expect(e.reason.contains("source.MEMBER=VALUE"))
    }

    @Test("unknown paths are refused", arguments: [
        ("colour", RecordKind.event), ("status", .event), ("fatalities", .agreement), ("source.nope", .event), ("title.x", .event), ("", .event),
    ])
    func unknownPath(path: String, kind: RecordKind) throws {
        let e = try #require(throws: ValidationError.self) { try value(path, "x", kind) }
        #expect(e.field == path)
        #expect(e.reason.hasPrefix("unknown field for an \(kind.rawValue); known fields are: title, category"))
    }

    @Test func dateApproximateBecomesABoolean() throws {
        // `--set date.approximate=true` must give a JSON boolean, or the edit is refused as "must be true or false".
        let v = try value("date.approximate", "true")
        #expect(v == .bool(true))
    }

    @Test func jsonLookingTextInATextField() throws {
        // A notes text that happens to parse as JSON becomes an array and can then never validate.
        let v = try value("notes", "[15]")
        #expect(v == "[15]")
    }

    @Test("unset values", arguments: [
        ("location", JSONValue.null), ("source", .null), ("fatalities", .null), ("tags", .array([])), ("parties", .array([])),
        ("claim_status", "reported"), ("notes", ""), ("date", DateSpec.unknown.json), ("location.admin1", .null),
        ("codes.quad_class", .null),
    ] as [(String, JSONValue)])
    func unset(path: String, expected: JSONValue) throws {
        #expect(try FieldInput.unsetValue(forPath: path, kind: .event) == expected)
    }

    @Test func unsetAgreementFields() throws {
        #expect(try FieldInput.unsetValue(forPath: "status", kind: .agreement) == "unknown")
        #expect(try FieldInput.unsetValue(forPath: "alliance_obligations", kind: .agreement) == .null)
    }

    @Test func requiredFieldsCannotBeUnset() throws {
        for path in ["title", "category", "location.name"] {
            let e = try #require(throws: ValidationError.self) { try FieldInput.unsetValue(forPath: path, kind: .event) }
            #expect(e.field == path)
            #expect(e.reason == "is required and cannot be unset")
        }
        let e = try #require(throws: ValidationError.self) { try FieldInput.unsetValue(forPath: "status", kind: .event) }
        #expect(e.reason == "unknown field for an event")
    }
}
