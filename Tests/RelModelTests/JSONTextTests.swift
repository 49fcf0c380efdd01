import Foundation
import RelModel
import Testing

// Protects the JSON writer that the change log and exports rely on: escaping, order, round trips.
@Suite struct JSONTextTests {
    @Test(
        "string escaping",
        arguments: [
            ("plain", #""plain""#),
            ("say \"hi\"", #""say \"hi\"""#),
            ("back\\slash", #""back\\slash""#),
            ("line\nbreak\ttab\rcr", #""line\nbreak\ttab\rcr""#),
            ("\u{0}\u{1}\u{8}\u{C}\u{1F}", #""\u0000\u0001\u0008\u000c\u001f""#),
            ("Goïta – Mali’s “junta” 🇲🇱", "\"Goïta – Mali’s “junta” 🇲🇱\""),
            ("slash / stays", #""slash / stays""#),
            ("\u{7F}", "\"\u{7F}\""),
            ("", #""""#),
        ])
    func escaping(input: String, expected: String) {
        #expect(JSONText.quoted(input) == expected)
        #expect(JSONText.compact(.string(input)) == expected)
    }

    @Test func escapedStringsParseBack() throws {
        for s in ["say \"hi\"", "a\\b", "\u{0}\u{1}\u{1F}\n\t\r", "Goïta – 🇲🇱", "\u{2028}\u{2029}"] {
            #expect(try JSONValue.parse(JSONText.quoted(s)) == .string(s))
        }
    }

    @Test func scalars() {
        #expect(JSONText.compact(.null) == "null")
        #expect(JSONText.compact(true) == "true")
        #expect(JSONText.compact(false) == "false")
        #expect(JSONText.compact(.int(-42)) == "-42")
        #expect(JSONText.compact(.int(Int64.max)) == "9223372036854775807")
        #expect(JSONText.compact(.double(59.9375)) == "59.9375")
        #expect(JSONText.compact(.double(16)) == "16.0")
        #expect(JSONText.compact(.double(-0.5)) == "-0.5")
        #expect(JSONText.compact(.double(.nan)) == "null")
        #expect(JSONText.compact(.double(.infinity)) == "null")
    }

    @Test func keepsMemberOrder() throws {
        let value: JSONValue = ["z": 1, "a": 2, "m": ["y": true, "b": nil]]
        #expect(JSONText.compact(value) == #"{"z":1,"a":2,"m":{"y":true,"b":null}}"#)
    }

    // JSONValue promises to keep object keys in order; 12 keys make an accidental pass impossible in practice.
    @Test func parseKeepsMemberOrder() throws {
        let keys = ["zeta", "alpha", "mid", "b", "y", "k1", "a0", "q", "c", "x9", "m", "d"]
        let text = "{" + keys.map { "\"\($0)\":1" }.joined(separator: ",") + "}"
        let parsed = try JSONValue.parse(text)
        #expect(Set(parsed.objectValue?.keys.map { $0 } ?? []) == Set(keys))
        #expect(parsed.objectValue.map { Array($0.keys) } == keys)
        #expect(JSONText.compact(parsed) == text)
    }

    @Test func prettyIndentsByTwoSpaces() {
        let value: JSONValue = ["a": [1, 2], "b": [:], "c": [], "d": ["e": "f"]]
        #expect(
            JSONText.pretty(value) == """
                {
                  "a": [
                    1,
                    2
                  ],
                  "b": {},
                  "c": [],
                  "d": {
                    "e": "f"
                  }
                }
                """)
    }

    static let nested: [JSONValue] = [
        .null, true, 0, -7, .int(Int64.min), 1.5, -2.25e-7, 1.0e300, "text", "",
        [], [:], [1, "two", nil, [3, [4]], ["k": false]],
        [
            "id": "mlru-e01", "date": ["type": "instant", "start": "1960", "end": nil], "tags": ["a", "b\"c"],
            "location": ["name": "Tin Zaouatine", "latitude": 19.9486, "longitude": 2.9678, "geo_precision": 2],
            "quote": "Mali’s independence in 1960\n\u{1}", "empty": [:], "deep": [[[["x": [[]]]]]],
        ],
    ]

    @Test("parse(compact(x)) == x and parse(pretty(x)) == x", arguments: nested)
    func roundTrip(value: JSONValue) throws {
        // Compared without member order (see parseKeepsMemberOrder).
        #expect(unordered(try JSONValue.parse(JSONText.compact(value))) == unordered(value))
        #expect(unordered(try JSONValue.parse(JSONText.pretty(value))) == unordered(value))
    }

    @Test func integralDoublesStayDoubles() throws {
        // The writer adds ".0" so that a double reads back as a double, not an integer.
        let a = try JSONValue.parse(JSONText.compact(.double(16)))
        let b = try JSONValue.parse("[-3.0, 2.5]")
        #expect(a == .double(16))
        #expect(b == [.double(-3), .double(2.5)])
    }

    @Test func seedFileRoundTripsInMeaning() throws {
        let seed = unordered(try JSONValue.parse(try Data(contentsOf: SeedData.url)))
        #expect(unordered(try JSONValue.parse(JSONText.compact(seed))) == seed)
        #expect(unordered(try JSONValue.parse(JSONText.pretty(seed))) == seed)
        #expect(try JSONValue.parse(JSONText.compact(seed)).arrayValue?.count == 53)
    }

    @Test func parseErrors() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse("{\"a\":") }
        #expect(throws: JSONParseError.self) { try JSONValue.parse("") }
        #expect(throws: JSONParseError.self) { try JSONValue.parse("[1,]x") }
        do {
            _ = try JSONValue.parse("{nope}")
            Issue.record("parsed")
        } catch {
            #expect(error.description.hasPrefix("malformed JSON at line "))
        }
    }

    @Test func integersStayIntegers() throws {
        #expect(try JSONValue.parse("[12, -3, 9007199254740993]") == [12, -3, .int(9_007_199_254_740_993)])
        #expect(try JSONValue.parse("0.5") == .double(0.5))
    }

    @Test func typeNames() {
        #expect(JSONValue.null.typeName == "null")
        #expect(JSONValue.int(1).typeName == "number")
        #expect(JSONValue.double(1).typeName == "number")
        #expect(JSONValue.array([]).typeName == "array")
        #expect(JSONValue.object([:]).typeName == "object")
        #expect(JSONValue.bool(true).typeName == "boolean")
    }
}
