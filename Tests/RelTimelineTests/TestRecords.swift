import Foundation
import RelModel

/// Records for the timeline tests, made as reld makes them (validated, canonical).
enum TestRecords {
    /// A record with what the timeline reads; the rest gets the schema's defaults.
    static func make(
        _ id: String, kind: RecordKind = .event, category: String = "military", date: String, claim: String = "reported",
        title: String? = nil, parties: [String] = [], sourceURL: String? = nil
    ) throws -> Record {
        var members = [
            "\"title\": \(JSONText.quoted(title ?? "Title of \(id)"))",
            "\"category\": \(JSONText.quoted(category))", "\"date\": \(JSONText.compact(try DateSpec(parsing: date).json))",
            "\"claim_status\": \(JSONText.quoted(claim))", "\"parties\": [\(parties.map(JSONText.quoted).joined(separator: ","))]",
        ]
        if let sourceURL { members.append("\"source\": {\"url\": \(JSONText.quoted(sourceURL))}") }
        let json = try JSONValue.parse("{" + members.joined(separator: ",") + "}")
        // As a merged record, the way reld assembles records pulled from a feed.
        guard let fields = json.objectValue else { throw TestFailure("not an object: \(json)") }
        return try RecordValidator.merged(id: id, kind: kind, fields: fields)
    }

    /// The sample ledger the package ships (examples/mali-russia.json), validated.
    static func seed() throws -> [Record] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("examples/mali-russia.json"))
        let records = try JSONValue.parse(data).arrayValue ?? []
        return try records.map { try RecordValidator.record(from: $0) { "unused" } }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
