import Foundation
import Testing

@testable import RelModel

/// Lists and texts are bounded, and checked in time linear in their size (a small push with a
/// long list of tags, or one character of a million combining marks, froze a hub).
@Suite struct ListBoundTests {
    static func event(_ extra: [String: JSONValue]) -> JSONValue {
        var o: [String: JSONValue] = ["id": "e1", "kind": "event", "title": "t", "category": "diplomatic"]
        for (k, v) in extra { o[k] = v }
        return .object(.init(uniqueKeysWithValues: o.sorted { $0.key < $1.key }))
    }

    static func tags(_ n: Int) -> JSONValue { .array((0..<n).map { .string("tag-\($0)") }) }

    static func failure(_ json: JSONValue) -> ValidationError? {
        do { _ = try RecordValidator.record(from: json) { "x" } } catch { return error }
        return nil
    }

    @Test func aListOverTheBoundIsRefusedNamingIt() throws {
        let e = try #require(Self.failure(Self.event(["tags": Self.tags(100_000)])))
        #expect(e.field == "tags")
        #expect(e.reason == "has 100000 items; at most 1000 are allowed")
        #expect(e.value == nil, "the message stays one short line")
        for field in ["parties", "actors", "related_ids"] {
            let items = JSONValue.array(Array(repeating: field == "actors" ? ["name": "A"] : "ML", count: 1_001))
            #expect(Self.failure(Self.event([field: items]))?.reason == "has 1001 items; at most 1000 are allowed")
        }
    }

    @Test func aListAtTheBoundIsAccepted() throws {
        let record = try RecordValidator.record(from: Self.event(["tags": Self.tags(RecordSchema.maxListItems)])) { "x" }
        #expect(record.fields["tags"]?.arrayValue?.count == 1_000)
    }

    @Test func duplicatesFarApartAreFoundAndBothPlacesNamed() throws {
        var items = (0..<1_000).map { JSONValue.string("tag-\($0)") }
        items[999] = "tag-3"
        let e = try #require(Self.failure(Self.event(["tags": .array(items)])))
        #expect(e.field == "tags[999]")
        #expect(e.reason == "is listed twice (also at [3])")
        // Decomposed and composed forms are one tag: the check compares text in NFC.
        let nfc = Self.failure(Self.event(["tags": ["caf\u{E9}", "cafe\u{301}"]]))
        #expect(nfc?.field == "tags[1]")
    }

    /// The duplicate check alone, on a list far over the record bound: a hash set, not a search
    /// per item (80,000 items took 13.6 s before). Run with REL_BENCH=1 to print the time.
    @Test func theDuplicateCheckOfALongListIsLinear() throws {
        let type = SchemaField.ValueType.list(.text(maxLength: 200, nonEmpty: true), nonEmpty: false, unique: true, maxItems: .max)
        let start = Date()
        let checked = try SchemaChecker.check(Self.tags(80_000), type: type)
        if ProcessInfo.processInfo.environment["REL_BENCH"] != nil {
            print("BENCH checking 80000 unique tags: \(Date().timeIntervalSince(start)) s")
        }
        #expect(checked.arrayValue?.count == 80_000)
    }

    @Test func aCombiningFloodWithinTheCharacterLimitIsRefusedByBytes() throws {
        // One character: "a" and 3.5 million combining marks, 7 MiB; 1 character of 500.
        let flood = "a" + String(repeating: "\u{301}\u{316}", count: 1_750_000)
        let e = try #require(Self.failure(Self.event(["title": .string(flood)])))
        #expect(e.field == "title")
        #expect(e.reason.hasPrefix("is 7000001 bytes of UTF-8; at most 2000 are allowed"), "\(e.reason)")
        #expect(e.value == nil)
    }

    @Test func aCharacterOfTooManyScalarsIsRefusedNamingIt() throws {
        let title = "ok " + "a" + String(repeating: "\u{316}", count: 40)  // 83 bytes, 4 characters
        let e = try #require(Self.failure(Self.event(["title": .string(title)])))
        #expect(e.field == "title")
        #expect(e.reason.hasPrefix("character 4 is made of 41 Unicode scalars; at most 32 are allowed"), "\(e.reason)")
        let nested = Self.failure(Self.event(["source": ["title": .string(title)]]))
        #expect(nested?.field == "source.title")
    }

    @Test func realTextWithinTheLimitsIsAccepted() throws {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}"  // 7 scalars, 25 bytes
        let title = "Accord de Bamako \u{2014} \u{41C}\u{43E}\u{441}\u{43A}\u{432}\u{430} \(family) Ti\u{1EBF}ng Vi\u{1EC7}t"
        let record = try RecordValidator.record(from: Self.event(["title": .string(title)])) { "x" }
        #expect(record.fields["title"]?.stringValue == title)
        // 500 four-byte characters: exactly at both limits.
        let wide = String(repeating: "\u{1F600}", count: 500)
        #expect(Self.failure(Self.event(["title": .string(wide)])) == nil)
        #expect(Self.failure(Self.event(["title": .string(wide + "a")]))?.reason.hasPrefix("is 2001 bytes") == true)
    }
}
