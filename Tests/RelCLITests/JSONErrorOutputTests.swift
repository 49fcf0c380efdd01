import ArgumentParser
import Foundation
import RelControlAPI
import Testing

@testable import RelCLI

/// What `relctl --json` prints when a command fails, pinned by golden files in Golden/ (rewrite
/// with `UPDATE_GOLDEN=1 swift test --filter RelCLITests` and review the diff).
@Suite struct JSONErrorOutputTests {
    func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = GoldenOutputTests.goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "output differs from Golden/\(name)", sourceLocation: sourceLocation)
    }

    /// The message and status ArgumentParser gives `arguments`, as runMain reports them.
    func parserFailure(_ arguments: [String]) -> JSONErrorOutput {
        do {
            _ = try Relctl.parseAsRoot(hoistingGlobalOptions(arguments))
            Issue.record("\(arguments) parsed")
            return JSONErrorOutput(exitStatus: 0, message: "")
        } catch {
            let code = Relctl.exitCode(for: error)
            let status = code == .validationFailure ? CLIError.Status.usage.rawValue : code.rawValue
            return JSONErrorOutput(exitStatus: status, message: Relctl.message(for: error))
        }
    }

    @Test func usageErrors() throws {
        try expectGolden(parserFailure(["show", "--json"]).text, "error-missing-argument.json")
        try expectGolden(parserFailure(["list", "--json", "--limit", "0"]).text, "error-invalid-option.json")
        try expectGolden(parserFailure(["status", "--bogus", "--json"]).text, "error-unknown-option.json")
    }

    @Test func reldsAnswerKeepsItsMembers() throws {
        let answer = APIErrorBody(
            code: "validation_failed", message: "record 2 (id \"x\"): field category: \"sports\": must be one of: ...",
            field: "category", value: "\"sports\"", recordIndex: 1, recordID: "x")
        let error = CLIError(.refused, "import seed.json: \(answer.message); nothing was imported", answer: answer)
        try expectGolden(JSONErrorOutput(error).text, "error-import-record.json")
    }

    @Test func relctlsOwnErrors() throws {
        try expectGolden(
            JSONErrorOutput(CLIError(.unreachable, "cannot reach reld at /run/reld/reld.sock (no socket there).")).text,
            "error-unreachable.json")
        try expectGolden(
            JSONErrorOutput(
                CLIError(
                    .usage, "import x.json: cannot read it: no such file",
                    code: JSONErrorOutput.Code.fileUnreadable)
            ).text,
            "error-file-unreadable.json")
    }

    @Test func jsonIsFoundAnywhereBeforeTheEndOfOptions() {
        #expect(JSONErrorOutput.isRequested(by: ["--json", "status"]))
        #expect(JSONErrorOutput.isRequested(by: ["--socket", "/x", "show", "id", "--json"]))
        #expect(JSONErrorOutput.isRequested(by: ["bogus", "--json"]))
        #expect(!JSONErrorOutput.isRequested(by: ["show", "--", "--json"]))
        #expect(!JSONErrorOutput.isRequested(by: ["edit", "x", "--set", "title=--json"]))
        #expect(!JSONErrorOutput.isRequested(by: []))
    }

    @Test func codesFollowTheExitStatus() {
        #expect(CLIError(.usage, "x").code == "usage")
        #expect(CLIError(.unreachable, "x").code == "unreachable")
        #expect(CLIError(.refused, "x").code == "failed")
        #expect(CLIError(.refused, "x", answer: APIErrorBody(code: "not_found", message: "y")).code == "not_found")
        #expect(JSONErrorOutput(exitStatus: 130, message: "").error.code == "interrupted")
        #expect(JSONErrorOutput(exitStatus: 2, message: "Error: Unknown option '--x'\n").error.message == "Unknown option '--x'")
    }

    /// The wire says `backing_off`; people still read "backing off".
    @Test func statusSaysBackingOffInWords() {
        let status = StatusResponse(
            version: "0.2.0", startedAt: "2026-11-30T08:00:00Z", uptimeSeconds: 1, nodeID: "n1",
            records: RecordCounts(event: 0, agreement: 0, deleted: 0), pendingChanges: 0,
            database: DatabaseInfo(path: "/x", sizeBytes: 1), socket: "/s",
            sync: SyncInfo(
                feed: "https://hub.example.org", readOnly: false, state: "backing_off",
                lastSuccess: nil, lastError: "refused", nextAttempt: nil))
        let text = HumanOutput.status(status)
        #expect(text.contains("backing off") && !text.contains("backing_off"), "\(text)")
    }
}
