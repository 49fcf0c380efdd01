import Foundation
import RelControlAPI
import RelModel
import Testing

@testable import RelCLI

/// Text that could break a table or act on a terminal: a newline in a title, 300 parties, wide
/// CJK text, combining marks, an ESC sequence, a bidi override. Tables stay one line per record
/// and fit the width; `show` gives values whole; nothing reaches the terminal unescaped.
extension GoldenOutputTests {
    /// `record` with some members replaced, as reld could send it (feeds and old stores included).
    static func changing(_ record: JSONValue, _ changes: [String: JSONValue]) -> JSONValue {
        var members = record.objectValue ?? [:]
        for (key, value) in changes { members[key] = value }
        return .object(members)
    }

    static func awkwardRecords() throws -> [JSONValue] {
        let seed = try seed()
        let base = try #require(seed.first { $0["id"] == "mlru-e21" })
        let parties: [JSONValue] = ["RU", "ML"] + (1...298).map { .string("Organisation \($0)") }
        return [
            changing(base, ["id": "newline", "title": "First line\nsecond line\twith a tab"]),
            changing(base, ["id": "parties-300", "parties": .array(parties), "title": "A record with 300 parties"]),
            changing(
                base,
                [
                    "id": "cjk",
                    "title":
                        "\u{666E}\u{4EAC}\u{3068}\u{30B4}\u{30A4}\u{30BF}\u{5927}\u{7D71}\u{9818}\u{304C}\u{30B5}\u{30F3}\u{30AF}\u{30C8}\u{30DA}\u{30C6}\u{30EB}\u{30D6}\u{30EB}\u{30AF}\u{3067}\u{4F1A}\u{8AC7}\u{3057}\u{3001}\u{4E21}\u{56FD}\u{306E}\u{5354}\u{529B}\u{3092}\u{78BA}\u{8A8D}\u{3057}\u{305F}",
                ]),
            changing(
                base,
                [
                    "id": "combining",
                    "title":
                        "Goi\u{308}ta re\u{301}unit le Conseil a\u{300} Bamako, se\u{301}ance ple\u{301}nie\u{300}re tre\u{300}s longue",
                ]),
            changing(base, ["id": "escape", "title": "\u{1B}[2J\u{1B}[31mRed alert\u{1B}[0m and a bell\u{07}"]),
            changing(base, ["id": "bidi", "title": "Invoice \u{202E}fdp.exe\u{202C} and \u{2067}isolated\u{2069}"]),
        ]
    }

    @Test func listOfAwkwardTextFitsOneLinePerRecord() throws {
        let records = try Self.awkwardRecords()
        let text = HumanOutput.list(records, total: records.count, offset: 0, width: 100)
        try expectGolden(text, "list-awkward-text.txt")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == records.count + 3)  // header, rows, count, final newline
        for line in lines { #expect(TerminalText.width(String(line)) <= 100, "\(line)") }
        #expect(!text.unicodeScalars.contains { TerminalText.needsEscape($0, multiline: true) })
    }

    @Test func listOfTheSeedFitsEightyColumns() throws {
        let records = Array(try Self.seed().prefix(12))
        try expectGolden(HumanOutput.list(records, total: 53, offset: 0, width: 80), "list-80-columns.txt")
    }

    @Test func showGivesAwkwardValuesWholeButEscaped() throws {
        let records = try Self.awkwardRecords()
        var out = ""
        for id in ["newline", "parties-300", "cjk", "escape", "bidi"] {
            out += HumanOutput.record(try #require(records.first { $0["id"]?.stringValue == id })) + "\n"
        }
        try expectGolden(out, "show-awkward-text.txt")
        #expect(out.contains((3...298).map { "Organisation \($0)" }.joined(separator: ", ")))
        #expect(!out.unicodeScalars.contains { TerminalText.needsEscape($0, multiline: true) })
    }

    @Test func conflictsAndStatusEscapeWhatTheyQuote() throws {
        let conflict = Self.conflict(
            title: "Title\n\u{1B}]0;owned\u{07}", field: "title", current: "New\u{1B}[8m", other: "Old \u{202E}txt.exe")
        let conflicts = HumanOutput.conflicts([conflict])
        try expectGolden(conflicts, "conflicts-awkward-text.txt")
        #expect(!conflicts.unicodeScalars.contains { TerminalText.needsEscape($0, multiline: true) })

        let status = StatusResponse(
            version: "0.2.0", startedAt: "2026-11-30T08:00:00Z", uptimeSeconds: 60,
            nodeID: "6f1c2a8e-2b7d-4f4e-9a53-0c1d2e3f4a5b", records: RecordCounts(event: 1, agreement: 0, deleted: 0),
            pendingChanges: 0, database: DatabaseInfo(path: "/var/lib/reld/reld.sqlite", sizeBytes: 4096),
            socket: "/run/reld/reld.sock", openConflicts: 0,
            sync: SyncInfo(
                feed: "https://hub.example.org", readOnly: false, state: "offline", lastSuccess: nil,
                lastError: "feed answered 500: \u{1B}[2Jdisk full\u{9B}", nextAttempt: nil))
        let text = HumanOutput.status(status)
        #expect(text.contains("feed answered 500: \\u001b[2Jdisk full\\u009b\n"))
        #expect(!text.unicodeScalars.contains { TerminalText.needsEscape($0, multiline: true) })
    }
}
