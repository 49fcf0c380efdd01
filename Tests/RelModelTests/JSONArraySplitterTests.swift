import Foundation
import Testing

@testable import RelModel

/// The splitter behind a streamed import: the same elements whatever the pieces the input comes
/// in, the array's punctuation checked, positions in the whole input, and a bound per element.
@Suite struct JSONArraySplitterTests {
    static let document =
        "\u{FEFF}[\n  {\"id\":\"a\",\"t\":\"x]}\\\"{[\"},\n  [1,[2,{\"k\":[]}]] , \"s\\\\\",-1.5e3,true,null,\"Goïta\",{}\r\n]\n"

    /// Feeds `text` in pieces of `size` bytes and returns each element's bytes as text.
    static func split(_ text: String, size: Int, limit: Int = 1 << 20) throws -> [String] {
        let bytes = Array(text.utf8)
        var splitter = JSONArraySplitter(maxElementBytes: limit)
        var found: [String] = []
        var n = 0
        let take = { (e: JSONArraySplitter.Element) in
            #expect(e.index == n)
            n += 1
            found.append(String(decoding: e.bytes, as: UTF8.self))
        }
        var start = 0
        while start < bytes.count {
            let piece = Array(bytes[start..<min(start + size, bytes.count)])
            try piece.withUnsafeBytes { try splitter.feed($0, element: take) }
            start += size
        }
        try splitter.finish(element: take)
        return found
    }

    /// The failure `text` meets, which must be the same however the input is cut.
    static func failure(_ text: String, limit: Int = 1 << 20) -> JSONArraySplitter.Failure? {
        let seen = [1, 3, 1 << 16].map { size -> JSONArraySplitter.Failure? in
            do {
                _ = try split(text, size: size, limit: limit)
                return nil
            } catch {
                return error as? JSONArraySplitter.Failure
            }
        }
        #expect(Set(seen.map { "\(String(describing: $0))" }).count == 1, "\(seen)")
        return seen[0]
    }

    @Test func theElementsAreTheSameHoweverTheInputIsCut() throws {
        let whole = try #require(try JSONValue.parse(Self.document).arrayValue)
        for size in 1...Self.document.utf8.count {
            let parts = try Self.split(Self.document, size: size)
            #expect(try parts.map { try JSONValue.parse($0) } == whole, "pieces of \(size) bytes")
        }
        #expect(try Self.split("[]", size: 1).isEmpty)
        #expect(try Self.split(" [ ] ", size: 2).isEmpty)
        #expect(try Self.split("[7]", size: 1) == ["7"], "a number ends at the bracket")
    }

    /// Differential: for thousands of mutations of a valid array (bytes dropped, doubled, changed
    /// to JSON's punctuation), the splitter and a parse of the whole input must agree: both
    /// accept and give the same elements, or both refuse. The pieces are cut at random.
    @Test func theSplitterAgreesWithTheWholeParseOnMutatedInput() throws {
        var rng = XorShift(seed: 0x5EED_1234_ABCD)
        let base = Array(Self.document.utf8)
        let alphabet = Array("[]{}\",:\\ 0a\n".utf8)
        var agreedValid = 0
        for _ in 0..<4_000 {
            var bytes = base
            for _ in 0...(rng.next() % 3) {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(bytes[at], at: at)
                default: bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                }
                if bytes.isEmpty { bytes = [0x5B, 0x5D] }
            }
            let whole = (try? JSONValue.parse(bytes: bytes))?.arrayValue
            var splitter = JSONArraySplitter(maxElementBytes: 1 << 20)
            var parts: [JSONValue]? = []
            do {
                var start = 0
                while start < bytes.count {
                    let end = min(bytes.count, start + 1 + Int(rng.next() % 40))
                    try Array(bytes[start..<end]).withUnsafeBytes { raw in
                        try splitter.feed(raw) { parts?.append(try JSONValue.parse(bytes: $0.bytes)) }
                    }
                    start = end
                }
                try splitter.finish { parts?.append(try JSONValue.parse(bytes: $0.bytes)) }
            } catch {
                parts = nil
            }
            #expect(parts == whole, "\(String(decoding: bytes, as: UTF8.self))")
            if whole != nil { agreedValid += 1 }
        }
        #expect(agreedValid > 200, "enough mutations stay valid to compare elements: \(agreedValid)")
    }

    @Test func theArraysPunctuationIsChecked() {
        #expect(Self.failure("") == .empty)
        #expect(Self.failure(" \n ") == .empty)
        #expect(Self.failure("{\"id\":\"a\"}") == .notAnArray(typeName: "object"))
        #expect(Self.failure("\"[]\"") == .notAnArray(typeName: "string"))
        #expect(Self.failure("12") == .notAnArray(typeName: "number"))
        #expect(Self.failure("[1,]") == .malformed(JSONParseError(reason: "expected a value after ','", line: 1, column: 4)))
        #expect(Self.failure("[1 2]") == .malformed(JSONParseError(reason: "expected ',' or ']' in array", line: 1, column: 4)))
        #expect(Self.failure("[1]\n x") == .malformed(JSONParseError(reason: "unexpected text after the JSON value", line: 2, column: 2)))
        #expect(Self.failure("[{\"a\":[1,2]") == .malformed(JSONParseError(reason: "unexpected end of input", line: 1, column: 12)))
        #expect(Self.failure("[\"open") == .malformed(JSONParseError(reason: "unexpected end of input", line: 1, column: 7)))
        #expect(Self.failure("[1") == .malformed(JSONParseError(reason: "unexpected end of input", line: 1, column: 3)))
        #expect(Self.failure("\u{FEFF}\u{FEFF}[]") != nil, "one byte order mark, at the start only")
        #expect(Self.failure(" \u{FEFF}[]") != nil)
    }

    @Test func anElementOverTheLimitIsRefusedByIndexBeforeItIsWhole() {
        let big = "[\"short\",\"" + String(repeating: "x", count: 100) + "\"]"
        #expect(Self.failure(big, limit: 50) == .elementTooLarge(index: 1, limit: 50))
        // An element that never ends is refused once it passes the limit, not at the end of input.
        let endless = "[\"short\",{\"a\":\"" + String(repeating: "y", count: 100)
        #expect(Self.failure(endless, limit: 50) == .elementTooLarge(index: 1, limit: 50))
        #expect(Self.failure("[\"" + String(repeating: "z", count: 48) + "\"]", limit: 50) == nil, "50 bytes exactly is taken")
    }

    @Test func anElementsOwnErrorIsPlacedInTheWholeInput() throws {
        var splitter = JSONArraySplitter(maxElementBytes: 1 << 20)
        var elements: [JSONArraySplitter.Element] = []
        let text = "[\n  {\"a\":1},\n  {\"b\":\n   tru}]"
        try Array(text.utf8).withUnsafeBytes { try splitter.feed($0) { elements.append($0) } }
        try splitter.finish { elements.append($0) }
        #expect(elements.count == 2)
        let second = try #require(elements.last)
        #expect(second.line == 3 && second.column == 3)
        let error = try #require(throws: JSONParseError.self) { _ = try JSONValue.parse(bytes: second.bytes) }
        let placed = second.placing(error)
        #expect(placed.line == 4 && placed.column == error.column, "\(placed)")
        let first = try #require(elements.first)
        let onFirstLine = first.placing(JSONParseError(reason: "r", line: 1, column: 5))
        #expect(onFirstLine.line == 2 && onFirstLine.column == 7)
    }
}

/// A small deterministic generator (xorshift64), so a failing case can be run again.
struct XorShift {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
