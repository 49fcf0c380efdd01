import Foundation
import RelModel
import Testing

// Replays the inputs under Fuzz/DECODER/ through the decoders the fuzz/ targets exercise, with
// the same invariants: an input named ok-* decodes, prints and decodes to the same value; one
// named bad-* is refused with a typed error (never a trap). A crash that fuzz/run finds is
// added here as a file, named after what it shows.
@Suite struct FuzzRegressionTests {
    /// The committed inputs of one decoder, as (file name, bytes).
    static func inputs(_ decoder: String) -> [String] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fuzz/\(decoder)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasPrefix("ok-") || $0.hasPrefix("bad-") }.sorted().map { "\(decoder)/\($0)" }
    }

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fuzz/\(name)"))
    }

    /// Decodes with `decode`; checks the round trip of a decoded value and that the outcome is the
    /// one the file name promises.
    func replay<T: Equatable>(
        _ name: String, _ decode: (JSONValue) throws -> T, _ print: (T) -> JSONValue,
        _ afterwards: (T) throws -> Void = { _ in }
    ) throws {
        let expectOK = name.split(separator: "/").last!.hasPrefix("ok-")
        let value: T
        do {
            value = try decode(try JSONValue.parse(try Self.data(name)))
        } catch is JSONParseError {
            #expect(!expectOK, "\(name) does not parse")
            return
        } catch is FieldError {
            #expect(!expectOK, "\(name) is refused")
            return
        } catch is ValidationError {
            #expect(!expectOK, "\(name) is refused")
            return
        }
        #expect(expectOK, "\(name) is accepted")
        let again = try decode(try JSONValue.parse(JSONText.compact(print(value))))
        #expect(again == value, "\(name) changes when printed and decoded again")
        try afterwards(value)
    }

    /// What a node does with a pulled change besides decoding it; must not trap on any value.
    static func checkPulled(_ changes: [Change]) {
        for change in changes {
            _ = try? ClockBound.default.check(change, nowMillis: Int64(Date().timeIntervalSince1970 * 1000))
            if let canonical = try? RecordValidator.checkMergedField(change.field, change.value) {
                #expect((try? RecordValidator.checkMergedField(change.field, canonical)) == canonical)
            }
        }
    }

    @Test(arguments: inputs("FeedPage")) func feedPage(_ name: String) throws {
        try replay(name, { json in try FeedPage(json: json) }, \.json) { Self.checkPulled($0.changes) }
    }

    @Test(arguments: inputs("Snapshot")) func snapshot(_ name: String) throws {
        try replay(name, { json in try FeedSnapshot(json: json) }, \.json) { Self.checkPulled($0.changes) }
    }

    @Test(arguments: inputs("PushBatch")) func pushBatch(_ name: String) throws {
        try replay(name, { json in try PushBatch(json: json) }, \.json) { Self.checkPulled($0.changes) }
    }

    @Test(arguments: inputs("Record")) func record(_ name: String) throws {
        try replay(name, { json in try RecordValidator.record(from: json) { "fuzz-new" } }, \.json) { (record: Record) throws in
            for (field, value) in record.fields {
                let fromFeed = try RecordValidator.checkMergedField(field, value)
                #expect(fromFeed == value, "\(name): \(field) from a feed")
            }
        }
    }

    // Found by FuzzRecord: a member named "" was refused naming the field "", which the control
    // API passed on as a 422 whose `field` the spec says is never empty.
    @Test func emptyMemberNameIsNamed() throws {
        let json = try JSONValue.parse(try Self.data("Record/bad-empty-member-name.json"))
        #expect(throws: ValidationError.self) { try RecordValidator.record(from: json) { "fuzz-new" } }
        do throws(ValidationError) { _ = try RecordValidator.record(from: json) { "fuzz-new" } } catch {
            #expect(error.field == "(record)", "\(error)")
            #expect(error.description.contains("empty name"), "\(error)")
        }
    }

    @Test func everyDecoderHasInputs() {
        for decoder in ["FeedPage", "Snapshot", "PushBatch", "Record"] {
            #expect(!Self.inputs(decoder).isEmpty, "no inputs found for \(decoder); is Fuzz/ beside this file?")
        }
    }
}
