import Foundation
import RelModel
import RelStore

// A fresh database in its own temporary directory, removed when the body returns.
func withStore<T>(_ body: (AppDatabase, String) async throws -> T) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reld-store-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let db = try AppDatabase(path: dir.path + "/reld.sqlite")
    let result = try await body(db, dir.path)
    try await db.close()
    return result
}

// The sample ledger the package ships (examples/mali-russia.json), validated.
enum Seed {
    static var url: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/mali-russia.json")
    }

    static func records() throws -> [Record] {
        let value = try JSONValue.parse(try Data(contentsOf: url))
        return try (value.arrayValue ?? []).map { item in
            try RecordValidator.record(from: item) { "seed-without-id" }
        }
    }

    static func record(_ id: String) throws -> Record {
        guard let r = try records().first(where: { $0.id == id }) else { throw StoreTestError.missing(id) }
        return r
    }
}

enum StoreTestError: Error { case missing(String) }

// A record from JSON text written in a test.
func record(_ text: String) throws -> Record {
    try RecordValidator.record(from: try JSONValue.parse(text)) { UUID().uuidString.lowercased() }
}

// An event with just an id, a title and a date (short form), and codes given in full.
func event(_ id: String, date: String, title: String = "Event", category: String = "military", parties: [String] = ["ML"]) throws -> Record
{
    let partiesJSON = "[" + parties.map { JSONText.quoted($0) }.joined(separator: ",") + "]"
    return try record(
        """
        {"id":"\(id)","kind":"event","title":\(JSONText.quoted(title)),"category":"\(category)","date":"\(date)","parties":\(partiesJSON),
         "codes":{"cameo_event_code":null,"cameo_root":null,"quad_class":null,"acled_event_type":null,"acled_sub_event_type":null}}
        """)
}

// The ids of listed or exported documents, in order.
func ids(_ documents: [String]) throws -> [String] {
    try documents.map { try JSONValue.parse($0)["id"]?.stringValue ?? "?" }
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
