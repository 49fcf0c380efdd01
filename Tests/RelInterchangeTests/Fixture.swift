import Foundation
import RelInterchange
import RelModel

/// The small CSV files in `Fixtures/`, written for these tests (no real ACLED or UCDP rows).
enum Fixture {
    /// The path of a fixture.
    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
    }

    /// The records a fixture gives in `format`, by id.
    static func records(_ name: String, _ format: CSVFormat) throws -> [String: JSONValue] {
        let (body, _) = try CSVImport(format: format).body(stream: InputStream(fileAtPath: path(name))!, file: name)
        return try records(body)
    }

    /// The records of a JSON array body, by id.
    static func records(_ body: Data) throws -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for r in try JSONValue.parse(body).arrayValue ?? [] { out[r["id"]?.stringValue ?? ""] = r }
        return out
    }

    /// Rows of CSV text, parsed by the reader under test.
    static func rows(_ text: String) throws -> [[String]] {
        let reader = try CSVRowReader(stream: InputStream(data: Data(text.utf8)), file: "text")
        var rows = [reader.header]
        while let row = try reader.next() { rows.append(row.values) }
        return rows
    }

    /// Records in canonical form, as reld would give them back.
    static func canonical(_ record: JSONValue) throws -> JSONValue {
        try RecordValidator.record(from: record) { "new" }.json
    }
}

extension CSVImport {
    /// The whole JSON array relctl would send for `stream`, and the number of records in it.
    func body(stream: InputStream, file: String) throws(InterchangeError) -> (body: Data, records: Int) {
        let records = try CSVRecordStream(importer: self, stream: stream, file: file)
        var out = Data()
        while try records.fill(&out, upTo: out.count + 64 << 10) {}
        return (out, records.count)
    }
}
