import RelModel
import Testing

// Protects how `relctl --set FIELD=TEXT` text becomes JSON, guided by each field's type.
@Suite struct FieldInputTests {
    func value(_ path: String, _ text: String, _ kind: RecordKind = .event) throws -> JSONValue {
        try FieldInput.value(forPath: path, text: text, kind: kind)
    }

    @Test(
        "text by field type",
        arguments: [
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
        #expect(
            try value("actors", "Wagner Group:private_military_company:source:RU,Mali")
                == [["name": "Wagner Group", "type": "private_military_company", "role": "source", "country": "RU"], ["name": "Mali"]])
        #expect(try FieldInput.actor("Goïta") == ["name": "Goïta"])
        #expect(try FieldInput.actor("Goïta::target") == ["name": "Goïta", "role": "target"])
        #expect(
            try FieldInput.actor(" Mali : state : participant : ML ") == [
                "name": "Mali", "type": "state", "role": "participant", "country": "ML",
            ])
        #expect(try FieldInput.actor("X:::FR") == ["name": "X", "country": "FR"])
    }

    @Test func locationShortForm() throws {
        #expect(try value("location", "Bamako:ML") == ["name": "Bamako", "country": "ML"])
        #expect(try value("location", "Bamako") == ["name": "Bamako"])
        #expect(try FieldInput.location("St. Petersburg: RU") == ["name": "St. Petersburg", "country": "RU"])
        #expect(throws: FieldError.self) { try FieldInput.location("a:b:c") }
    }

    @Test func shortFormsValidateAsRecords() throws {
        let actor = try FieldInput.actor("Wagner Group:private_military_company:source:RU")
        let r = try RecordValidator.record(from: [
            "kind": "event", "title": "x", "category": "military",
            "actors": [actor], "location": try FieldInput.location("Bamako:ML"),
            "parties": try value("parties", "ML,RU"), "fatalities": try value("fatalities", "12"),
        ]) { "n" }
        #expect(r.fields["actors"]?.arrayValue?.first?["country"] == "RU")
        #expect(r.fields["location"]?["country"] == "ML")
        #expect(r.fields["fatalities"] == 12)
    }

    @Test(
        "short forms with more parts than their format are refused, naming the format",
        arguments: [
            ("actors", "Bob:person:source:RU:extra", "NAME[:TYPE[:ROLE[:COUNTRY]]]"),
            ("actors", "Mali,Bob:person:source:RU:extra", "NAME[:TYPE[:ROLE[:COUNTRY]]]"),
            ("location", "Bamako:ML:extra", "NAME[:COUNTRY]"),
        ])
    func shortFormExtras(path: String, text: String, format: String) throws {
        let e = try #require(throws: ValidationError.self) { try value(path, text) }
        #expect(e.reason.contains("parts separated by colons"))
        #expect(e.reason.contains(format))
    }

    @Test(
        "what starts like JSON in a list or object field must be JSON",
        arguments: [
            ("tags", "[visit, summit]"), ("parties", #"["ML","#), ("tags", "[a"), ("related_ids", "[x]"),
            ("actors", "[{name: Mali}]"), ("location", "{Gao}"), ("source", #"{"title": }"#), ("date", "{start: 2023}"),
            ("subject_areas", "[defence, mining]"),
        ])
    func brokenJSONIsRefused(path: String, text: String) throws {
        let kind: RecordKind = path == "subject_areas" ? .agreement : .event
        let e = try #require(throws: ValidationError.self) { try value(path, text, kind) }
        #expect(e.field == path)
        #expect(e.reason.hasPrefix("starts like JSON but is not valid JSON"))
        #expect(e.reason.contains("; write "))
        #expect(!FieldInput.examples(forPath: path, kind: kind).isEmpty)
    }

    @Test func examplesAreValidInput() throws {
        for kind in RecordKind.allCases {
            for field in RecordSchema.fields(for: kind) {
                for example in FieldInput.examples(forPath: field.name, kind: kind) where example != #"{"title":"..."}"# {
                    _ = try FieldInput.value(forPath: field.name, text: example, kind: kind)
                }
            }
        }
        #expect(FieldInput.examples(forPath: "tags", kind: .event) == ["visit,summit", #"["visit","summit"]"#])
    }

    @Test func kindComesFromTheField() throws {
        #expect(FieldInput.kind(forPath: "title") == .event)
        #expect(FieldInput.kind(forPath: "fatalities") == .event)
        #expect(FieldInput.kind(forPath: "subject_areas") == .agreement)
        #expect(FieldInput.kind(forPath: "source.url") == .event)
        #expect(FieldInput.kind(forPath: "colour") == nil)
        #expect(try FieldInput.value(forPath: "subject_areas", text: "defence") == ["defence"])
        let e = try #require(throws: ValidationError.self) { try FieldInput.value(forPath: "colour", text: "red") }
        #expect(e.reason.contains("fatalities") && e.reason.contains("subject_areas"))
        #expect(FieldInput.isTextList("tags", kind: .event))
        #expect(!FieldInput.isTextList("actors", kind: .event))
        #expect(!FieldInput.isTextList("title", kind: .event))
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

    @Test(
        "unknown paths are refused",
        arguments: [
            ("colour", RecordKind.event), ("status", .event), ("fatalities", .agreement), ("source.nope", .event), ("title.x", .event),
            ("", .event),
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

    @Test(
        "unset values",
        arguments: [
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
