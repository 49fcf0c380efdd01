import RelModel

/// One valid record of each kind, for targets that fuzz edits: an edit needs a record to apply to.
public enum SampleRecords {
    /// A minimal event and a minimal agreement, as the validator fills them in.
    public static let all: [Record] = [
        #"{"id": "fz-e1", "kind": "event", "title": "Sample event", "category": "political", "parties": ["ML"]}"#,
        #"{"id": "fz-a1", "kind": "agreement", "title": "Sample agreement", "category": "diplomatic", "parties": ["ML", "RU"]}"#,
    ].map { text in
        // A sample that stops validating is a fuzzer bug, not an input to explore.
        do { return try RecordValidator.record(from: try JSONValue.parse(text)) { "fz-new" } } catch {
            fatalError("sample record no longer validates: \(error)")
        }
    }
}

/// Checks what every record the validator accepts must satisfy: validating its own JSON gives
/// it back, it survives being stored as text, and each field passes the check a feed's copy gets.
public func checkValidRecord(_ record: Record) {
    let text = JSONText.compact(record.json)
    do {
        let again = try RecordValidator.record(from: try JSONValue.parse(text)) { "fz-other" }
        fuzzCheck(again == record, "record changes when validated again: \(text)")
    } catch {
        fuzzCheck(false, "valid record's own JSON is refused: \(error): \(text)")
    }
    for (field, value) in record.fields {
        do {
            let canonical = try RecordValidator.checkMergedField(field, value)
            fuzzCheck(canonical == value, "field \(field) is not canonical for a feed: \(JSONText.compact(value))")
        } catch {
            fuzzCheck(false, "field \(field) of a valid record is refused from a feed: \(error)")
        }
    }
    _ = (record.title, record.date, record.parties, record.searchText)
}
