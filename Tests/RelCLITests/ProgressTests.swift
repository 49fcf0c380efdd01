import Foundation
import RelControlAPI
import Testing

@testable import RelCLI

/// The pieces of relctl's progress: counts as people read them, and the streamed import answer
/// read correctly however it is cut into pieces.
@Suite struct ProgressTests {
    @Test func countsAreGroupedByThousands() {
        #expect(ProgressLine.count(0) == "0")
        #expect(ProgressLine.count(999) == "999")
        #expect(ProgressLine.count(1_000) == "1,000")
        #expect(ProgressLine.count(40_000) == "40,000")
        #expect(ProgressLine.count(1_234_567) == "1,234,567")
    }

    @Test func theStreamedAnswerIsReadAcrossPieces() throws {
        let text = """
            {"progress":{"total":600,"written":0}}
            {"progress":{"total":600,"written":256}}
            {"progress":{"total":600,"written":600}}
            {"result":{"created":600,"unchanged":0,"updated":0}}

            """
        let view = ImportProgressView()
        // Cut in pieces of 7 bytes, so lines arrive split.
        let bytes = Array(text.utf8)
        for start in stride(from: 0, to: bytes.count, by: 7) {
            view.take(Array(bytes[start..<min(start + 7, bytes.count)]))
        }
        #expect(try ImportCommand.summary(of: view.outcome) == ImportResponse(created: 600, updated: 0, unchanged: 0))
        // Every record written: an interrupt now may come after the commit, and relctl says so.
        #expect(Interrupt.message.contains("may have committed"))
        #expect(
            String(decoding: try ImportCommand.json(ImportResponse(created: 1, updated: 2, unchanged: 3)), as: UTF8.self)
                == #"{"created":1,"unchanged":3,"updated":2}"#)
    }

    @Test func anErrorAtTheEndOfTheStreamIsRelctlsError() {
        let view = ImportProgressView()
        view.take(Array((#"{"error":{"code":"disk_full","message":"disk full"}}"# + "\n").utf8))
        #expect(throws: CLIError.self) { try ImportCommand.summary(of: view.outcome) }
        // An answer cut short says to check, not that nothing was imported.
        do {
            _ = try ImportCommand.summary(of: nil)
            Issue.record("no outcome taken as success")
        } catch let error as CLIError {
            #expect(error.description.contains("check with `relctl status`"))
        } catch { Issue.record("\(error)") }
    }

    @Test func nothingIsDrawnWhenNotOnATerminal() {
        let line = ProgressLine(terminal: false)
        #expect(!line.isShown)
        let quiet = ProgressLine(terminal: true)
        quiet.silence(true)
        #expect(!quiet.isShown)
    }
}
