import RelControlAPI
import Testing

// Query parameters are read in NFC, as stored text is: `list --text` typed decomposed (as macOS
// does) finds a title typed composed, and the other way round.
@Suite struct ListQueryNormalizationTests {
    static func sameBytes(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.utf8.elementsEqual(b.utf8)
    }

    @Test func textAndPartiesAreComposed() throws {
        let query = try ListQuery(items: [("text", "Se\u{301}gou"), ("party", "Groupe de Se\u{301}gou"), ("party", "ML")])
        #expect(Self.sameBytes(query.text, "S\u{E9}gou"))
        #expect(Self.sameBytes(query.parties.first, "Groupe de S\u{E9}gou"))
        #expect(query.parties.last == "ML")
    }

    @Test func composedValuesAreKeptAsTheyAre() throws {
        let query = try ListQuery(items: [("text", "S\u{E9}gou")])
        #expect(Self.sameBytes(query.text, "S\u{E9}gou"))
    }
}
