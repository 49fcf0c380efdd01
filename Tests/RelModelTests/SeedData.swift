import Foundation
import RelModel

// Loads the sample ledger the package ships, examples/mali-russia.json.
enum SeedData {
    static var url: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // RelModelTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .appendingPathComponent("examples/mali-russia.json")
    }

    static func records() throws -> [JSONValue] {
        let value = try JSONValue.parse(try Data(contentsOf: url))
        guard let items = value.arrayValue else { throw SeedError() }
        return items
    }

    struct SeedError: Error {}
}

// Parses JSON text written in a test; a typo in a test's JSON fails the test.
func json(_ text: String) throws -> JSONValue {
    try JSONValue.parse(text)
}

// Validates JSON text as a record, with "new-id" for records that have none.
func validate(_ text: String) throws -> Record {
    try RecordValidator.record(from: try json(text)) { "new-id" }
}

// The ValidationError that validating `text` gives, or nil if it validates.
func validationError(_ text: String) throws -> ValidationError? {
    let value = try json(text)
    do {
        _ = try RecordValidator.record(from: value) { "new-id" }
        return nil
    } catch {
        return error
    }
}

// The value with every object's members sorted by name: compares meaning, not member order.
func unordered(_ value: JSONValue) -> JSONValue {
    switch value {
    case .array(let items): return .array(items.map(unordered))
    case .object(let members):
        return .object(.init(uniqueKeysWithValues: members.sorted { $0.key < $1.key }.map { ($0.key, unordered($0.value)) }))
    default: return value
    }
}

// JSON text with the whitespace between tokens removed (strings untouched): the file's own bytes and order.
func minified(_ text: String) -> String {
    var out = ""
    var inString = false
    var escaped = false
    for c in text.unicodeScalars {
        if inString {
            out.unicodeScalars.append(c)
            if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
        } else if c == "\"" {
            inString = true
            out.unicodeScalars.append(c)
        } else if !(c == " " || c == "\n" || c == "\t" || c == "\r") {
            out.unicodeScalars.append(c)
        }
    }
    return out
}
