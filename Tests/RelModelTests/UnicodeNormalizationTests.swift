import Foundation
import Testing

@testable import RelModel

/// Text typed decomposed (NFD, as macOS writes it) and composed (NFC) must end as the same bytes:
/// every way in (the JSON parser, the record validator) normalises to NFC.
@Suite struct UnicodeNormalizationTests {
    // "Réunion à Bamako, Ségou" typed both ways; Swift's == calls them equal, bytes differ.
    static let composed = "R\u{E9}union \u{E0} Bamako, S\u{E9}gou"
    static let decomposed = "Re\u{301}union a\u{300} Bamako, Se\u{301}gou"

    /// Byte equality: what SQLite and the stored JSON see.
    static func sameBytes(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.utf8.elementsEqual(b.utf8)
    }

    @Test func theTwoFormsDifferInBytesOnly() {
        #expect(Self.composed == Self.decomposed)
        #expect(!Self.sameBytes(Self.composed, Self.decomposed))
    }

    @Test func nfcComposes() {
        #expect(Self.sameBytes(Self.decomposed.nfc, Self.composed))
        #expect(Self.sameBytes(Self.composed.nfc, Self.composed))
        // Hangul jamo compose into a syllable; an ohm sign becomes omega (a singleton).
        #expect(Self.sameBytes("\u{1112}\u{1161}\u{11AB}".nfc, "\u{D55C}"))
        #expect(Self.sameBytes("\u{2126}".nfc, "\u{3A9}"))
        // Combining marks out of canonical order are reordered.
        #expect(Self.sameBytes("a\u{301}\u{323}".nfc, "\u{1EA1}\u{301}"))
    }

    @Test func textBelowTheFirstCombiningMarkIsLeftAsItIs() {
        for text in ["", "plain ASCII", "Caf\u{E9} S\u{E9}gou \u{F1}", "\u{2FF}"] {
            #expect(!text.utf8.contains(where: String.mayStartComposition), "\(text)")
            #expect(Self.sameBytes(text.nfc, text))
        }
        #expect("\u{300}".utf8.contains(where: String.mayStartComposition))
        #expect("\u{41F}\u{440}\u{438}".utf8.contains(where: String.mayStartComposition))  // Cyrillic: checked, unchanged
        #expect(Self.sameBytes("\u{41F}\u{440}\u{438}".nfc, "\u{41F}\u{440}\u{438}"))
    }

    /// The fast path's promise, checked against the normaliser for every scalar it lets through:
    /// such a scalar is no combining mark, NFC leaves it alone, and no composition takes it as a
    /// second part (then text made only of them is NFC already).
    @Test func scalarsTheFastPathTrustsAreStableUnderNFC() throws {
        var secondParts = Set<UInt32>()
        for v in UInt32(0)...0x1FFFF {
            guard let c = Unicode.Scalar(v) else { continue }
            let one = String(c)
            let parts = Array(one.decomposedStringWithCanonicalMapping.unicodeScalars)
            if parts.count > 1, Array(one.precomposedStringWithCanonicalMapping.unicodeScalars) == [c] {
                for p in parts.dropFirst() { secondParts.insert(p.value) }
            }
        }
        var trusted = 0
        var wrong: [String] = []
        for v in UInt32(0)...0x1FFFF {
            guard let c = Unicode.Scalar(v), String.isStableUnderNFC(c) else { continue }
            trusted += 1
            if c.properties.canonicalCombiningClass != .notReordered
                || Array(String(c).precomposedStringWithCanonicalMapping.unicodeScalars) != [c]
                || secondParts.contains(v)
            {
                wrong.append("U+" + String(v, radix: 16))
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(20))")
        #expect(trusted > 30_000)
    }

    @Test func theParserNormalisesStringsAndMemberNames() throws {
        let raw = try JSONValue.parse("{\"t\u{E9}st\": \"\(Self.decomposed)\", \"e\u{301}\": [\"x\\u0065\\u0301\"]}")
        let members = try #require(raw.objectValue)
        #expect(Self.sameBytes(members.keys[0], "t\u{E9}st"))
        #expect(Self.sameBytes(members.keys[1], "\u{E9}"))
        #expect(Self.sameBytes(members.values[0].stringValue, Self.composed))
        // An escaped combining mark composes with the letter before it as well.
        #expect(Self.sameBytes(members.values[1].arrayValue?.first?.stringValue, "x\u{E9}"))
    }

    @Test func theParserRefusesAMemberTypedTwiceInTwoForms() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse("{\"\u{E9}\": 1, \"e\u{301}\": 2}") }
    }

    @Test func theValidatorStoresTextInNFC() throws {
        // Built in Swift, not parsed: the validator normalises on its own.
        let json: JSONValue = [
            "id": "nfc-1", "kind": "event", "title": .string(Self.decomposed), "category": "diplomatic", "date": "2023",
            "parties": ["ML", .string("Groupe de Se\u{301}gou")],
            "actors": [["name": .string("Assimi Goi\u{308}ta"), "type": "person", "role": "source", "country": "ML"]],
            "location": ["name": .string("Se\u{301}gou"), "country": "ML"],
            "tags": [.string("re\u{301}union")], "notes": .string("Note\nsur deux lignes, e\u{301}crite"),
        ]
        let record = try RecordValidator.record(from: json) { "unused" }
        #expect(Self.sameBytes(record.title, Self.composed))
        #expect(Self.sameBytes(record.parties.last, "Groupe de S\u{E9}gou"))
        #expect(Self.sameBytes(record.fields["actors"]?.arrayValue?.first?["name"]?.stringValue, "Assimi Go\u{EF}ta"))
        #expect(Self.sameBytes(record.fields["location"]?["name"]?.stringValue, "S\u{E9}gou"))
        #expect(Self.sameBytes(record.fields["tags"]?.arrayValue?.first?.stringValue, "r\u{E9}union"))
        #expect(Self.sameBytes(record.fields["notes"]?.stringValue, "Note\nsur deux lignes, \u{E9}crite"))
        #expect(!JSONText.compact(record.json).utf8.contains(0xCC))  // no combining mark (U+0300-U+033F) left
        #expect(Self.sameBytes(record.searchText, record.searchText.nfc))
    }

    @Test func aMergedFieldFromAFeedIsNormalisedToo() throws {
        let value = try RecordValidator.checkMergedField("title", .string(Self.decomposed))
        #expect(Self.sameBytes(value.stringValue, Self.composed))
    }

    @Test func lengthLimitsCountCharactersAlikeInBothForms() throws {
        // The longest title, 500 characters, either way: 1,000 scalars decomposed, 500 composed.
        let long = String(repeating: "e\u{301}", count: 500)
        #expect(long.count == 500)
        let json: JSONValue = ["kind": "event", "title": .string(long), "category": "military", "date": "2023", "parties": ["ML"]]
        let record = try RecordValidator.record(from: json) { "x" }
        #expect(record.title.unicodeScalars.count == 500)
    }

    @Test func recordIDsAreASCIISoNeedNoNormalising() {
        #expect(RecordID.isValid("mlru-e01"))
        #expect(!RecordID.isValid("r\u{E9}union"))
        #expect(!RecordID.isValid("re\u{301}union"))
    }
}
