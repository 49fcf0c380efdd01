import Foundation
import Testing

/// An import is sent while it is read and checked by reld as it arrives: a bad record early in
/// a large file is named at once, a CSV file's repeated id is named by its lines, and no import
/// leaves a file behind in the state directory.
@Suite struct StreamedImportTests {
    static func events(_ range: Range<Int>, prefix: String) -> [String] {
        range.map {
            "{\"id\":\"\(prefix)-\($0)\",\"kind\":\"event\",\"title\":\"Generated \($0)\",\"category\":\"military\",\"date\":\"2023-03\"}"
        }
    }

    @Test func aBadRecordEarlyInALargeFileIsNamedAndNothingIsImported() throws {
        try withDaemon { d in
            var records = Self.events(0..<40_000, prefix: "big")
            records[2] = records[2].replacingOccurrences(of: "\"military\"", with: "\"sports\"")
            let file = d.dir.file("bad-early.json")
            try ("[\n" + records.joined(separator: ",\n") + "\n]\n").write(toFile: file, atomically: true, encoding: .utf8)
            let out = try d.relctl("import", file)
            #expect(out.status == 1, "\(out.stderr)")
            #expect(
                out.stderr.hasPrefix("error: import \(file): record 3 (id \"big-2\"): field category: \"sports\": must be one of"),
                "\(out.stderr)")
            #expect(out.stderr.hasSuffix("; nothing was imported\n"))
            #expect(!d.log.contains("import writing"), "refused while it arrived, before any write")
            #expect(try InterruptTests.recordCount(d) == 0)

            // Malformed JSON far into the file: named by its line and column in the whole file.
            var broken = Self.events(0..<3_000, prefix: "broken")
            broken[2_500] = "{\"id\":\"broken-2500\",\"kind\":\"event\" \"title\":\"x\"}"
            try ("[\n" + broken.joined(separator: ",\n") + "\n]\n").write(toFile: file, atomically: true, encoding: .utf8)
            let malformed = try d.relctl("import", file)
            #expect(malformed.status == 1)
            #expect(malformed.stderr.contains("malformed JSON at line 2502, column 36: "), "\(malformed.stderr)")
            #expect(try InterruptTests.recordCount(d) == 0)
            #expect(try InterruptTests.spoolFiles(d).isEmpty)
        }
    }

    @Test func aRepeatedIDInACSVFileIsNamedByBothLines() throws {
        try withDaemon { d in
            let header = "id,kind,title,category"
            var rows = (0..<600).map { "row-\($0),event,\"Row \($0), with a comma\",military" }
            rows.append("row-7,event,\"Again,\nover two lines\",military")
            rows.append("row-last,event,Last,military")
            let file = d.dir.file("repeated.csv")
            try ([header] + rows).joined(separator: "\r\n").write(toFile: file, atomically: true, encoding: .utf8)
            let out = try d.relctl("import", "--format", "csv", file)
            #expect(out.status == 1)
            #expect(
                out.stderr
                    == "error: \(file) line 602: field id: \"row-7\": appears twice in this import (also line 9); nothing was imported\n",
                "\(out.stderr)")
            let json = try d.relctl("--json", "import", "--format", "csv", file)
            let error = try #require((try parseJSON(json.stdout) as? [String: Any])?["error"] as? [String: Any])
            #expect(error["code"] as? String == "validation_failed")
            #expect(error["record_index"] as? Int == 600)
            #expect(try InterruptTests.recordCount(d) == 0)

            rows.removeLast(2)
            try ([header] + rows).joined(separator: "\r\n").write(toFile: file, atomically: true, encoding: .utf8)
            let fine = try d.relctl("import", "--format", "csv", file)
            #expect(fine.stdout == "Imported: 600 created, 0 updated, 0 unchanged.\n", "\(fine.stderr)")
            #expect(try InterruptTests.spoolFiles(d).isEmpty)
        }
    }

    /// Where the file system has no `O_TMPFILE`, the file has a name for a moment: one left by a
    /// reld killed in that moment is removed at the next start, and nothing else is touched.
    @Test func aFileLeftByAnImportCutShortIsRemovedAtStart() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let state = dir.file("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let left = state + "/.import-0b1c2d3e.spool"
        let other = state + "/.import-notes.txt"
        try "{\"id\":\"left\"}\n".write(toFile: left, atomically: true, encoding: .utf8)
        try "mine\n".write(toFile: other, atomically: true, encoding: .utf8)
        let reld = try Daemon(dir: dir, stateDir: state)
        defer { _ = try? reld.stop() }
        #expect(!FileManager.default.fileExists(atPath: left))
        #expect(FileManager.default.fileExists(atPath: other), "a file that is not an import's is left alone")
        #expect(reld.log.contains("removed an unfinished import's file left by an earlier run"), "\(reld.log)")
        #expect(try InterruptTests.recordCount(reld) == 0)
    }

    /// A client that sends part of an import and closes the connection at once (as relctl under
    /// Ctrl-C on a loaded machine): nothing of it is written, it is not reld's fault, and reld goes
    /// on. (reld logs a cancelled import when its handler saw the request; a connection that
    /// ended before that is dropped by the HTTP layer without a word.)
    @Test func aBodyThatBreaksOffIsNeverWritten() throws {
        try withDaemon { d in
            for attempt in 0..<5 {
                let fd = try connectUnix(d.socket)
                let chunk = "[" + Self.events(0..<50, prefix: "cut\(attempt)").joined(separator: ",") + ","
                let bytes = Array(
                    ("POST /v1/import HTTP/1.1\r\nHost: reld\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n" + String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n").utf8)
                let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                #expect(sent == bytes.count)
                close(fd)
            }
            let file = d.dir.file("after.json")
            try ("[" + Self.events(0..<20, prefix: "after").joined(separator: ",") + "]").write(
                toFile: file, atomically: true, encoding: .utf8)
            #expect(try d.relctl("import", file).stdout == "Imported: 20 created, 0 updated, 0 unchanged.\n")
            #expect(try InterruptTests.recordCount(d) == 20, "only the whole import was written")
            #expect(!d.log.contains("request failed"), "\(d.log)")
            #expect(try InterruptTests.spoolFiles(d).isEmpty)
        }
    }
}
