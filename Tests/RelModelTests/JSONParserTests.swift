import Foundation
import Testing

@testable import RelModel

/// The JSON parser everything from outside goes through: strict, ordered, bounded.
@Suite struct JSONParserTests {
    @Test func keepsOrderAndNumberKinds() throws {
        let v = try JSONValue.parse(#"{"b":1,"a":-2.5,"c":[1e2,0,-0.0,9223372036854775807],"d":"x"}"#)
        #expect(v.objectValue.map { Array($0.keys) } == ["b", "a", "c", "d"])
        #expect(v["a"] == .double(-2.5))
        #expect(v["c"] == [.double(100), .int(0), .double(-0.0), .int(Int64.max)])
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let v = try JSONValue.parse(#"["a\"b\\c\/d\n\t", "\u00e9\u2013", "\ud83d\ude00"]"#)
        #expect(v == ["a\"b\\c/d\n\t", "é–", "😀"])
    }

    @Test(arguments: [
        ("", "the input is empty"),
        ("{\"a\":1,}", "expected a member name"),
        ("[1,2", "expected ',' or ']'"),
        ("{\"a\":1,\"a\":2}", "appears twice"),
        ("\"abc", "unterminated string"),
        ("[01]", "must not start with 0"),
        ("[1.]", "expected digits after '.'"),
        ("[tru]", "unexpected character"),
        ("\"\\ud800\"", "lone high surrogate"),
        ("\"a\u{01}\"", "must be escaped"),
        ("[1] x", "unexpected text after"),
        ("[1e999]", "out of range"),
    ])
    func refusesMalformedInput(text: String, reason: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
        do {
            _ = try JSONValue.parse(text)
        } catch {
            #expect(error.reason.contains(reason), "\(text): \(error.reason)")
        }
    }

    @Test func reportsLineAndColumn() {
        do {
            _ = try JSONValue.parse("[\n  1,\n  x]")
            Issue.record("parsed malformed JSON")
        } catch {
            #expect(error.line == 3 && error.column == 3, "\(error)")
        }
    }

    @Test func boundsNesting() throws {
        let ok = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect(throws: Never.self) { try JSONValue.parse(ok) }
        // Deep enough to overflow a recursive parser's stack if it were unbounded.
        let hostile = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(hostile) }
    }

    @Test func acceptsByteOrderMark() throws {
        #expect(try JSONValue.parse(Data([0xEF, 0xBB, 0xBF] + Array("[]".utf8))) == [])
    }
}
