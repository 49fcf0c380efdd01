import Foundation
import RelControlAPI
import RelModel
import Testing

@testable import RelCLI

/// relctl's human output, pinned by golden files in Golden/. After an intended change, rewrite
/// them with `UPDATE_GOLDEN=1 swift test --filter RelCLITests` and review the diff.
@Suite struct GoldenOutputTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func seed() throws -> [JSONValue] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent("examples/mali-russia.json")
        let records = try #require(try JSONValue.parse(Data(contentsOf: url)).arrayValue)
        // Canonical form, as reld sends records.
        return try records.map { try RecordValidator.record(from: $0) { "unused" }.json }
    }

    /// A conflict on record mlru-e21 between a remote `current` value and a local `other` one,
    /// with fixed nodes and times so that the output is the same on every run.
    static func conflict(title: String, field: String, current: JSONValue, other: JSONValue) -> ConflictInfo {
        ConflictInfo(
            recordID: "mlru-e21", title: title, field: field,
            current: VersionInfo(
                value: current, node: "6f1c2a8e-2b7d-4f4e-9a53-0c1d2e3f4a5b", local: false,
                time: "2026-11-30T09:12:03Z", hlc: HLCTimestamp(rawValue: 117_705_009_925_849_088)),
            others: [
                VersionInfo(
                    value: other, node: "0e11ac74-6851-4182-8e6b-ae4dbc08778f", local: true,
                    time: "2026-11-30T09:11:58Z", hlc: HLCTimestamp(rawValue: 117_705_009_600_000_000))
            ])
    }

    func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = Self.goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "output differs from Golden/\(name)", sourceLocation: sourceLocation)
    }

    @Test func status() throws {
        let status = StatusResponse(
            version: "0.1.0", startedAt: "2026-11-30T08:00:00Z", uptimeSeconds: 7384.2,
            nodeID: "6f1c2a8e-2b7d-4f4e-9a53-0c1d2e3f4a5b", records: RecordCounts(event: 46, agreement: 7, deleted: 2),
            pendingChanges: 1, database: DatabaseInfo(path: "/var/lib/reld/reld.sqlite", sizeBytes: 1_258_291),
            socket: "/run/reld/reld.sock")
        try expectGolden(HumanOutput.status(status), "status.txt")
    }

    @Test func statusWhileOffline() throws {
        let status = StatusResponse(
            version: "0.2.0", startedAt: "2026-11-30T08:00:00Z", uptimeSeconds: 7384.2,
            nodeID: "6f1c2a8e-2b7d-4f4e-9a53-0c1d2e3f4a5b", records: RecordCounts(event: 46, agreement: 7, deleted: 2),
            pendingChanges: 3, database: DatabaseInfo(path: "/var/lib/reld/reld.sqlite", sizeBytes: 1_258_291),
            socket: "/run/reld/reld.sock", openConflicts: 2,
            sync: SyncInfo(
                feed: "https://hub.example.org", readOnly: false, state: "offline",
                lastSuccess: "2026-11-30T09:58:12Z",
                lastError: "feed https://hub.example.org/v1/changes unreachable: connection refused; will retry",
                nextAttempt: "2026-11-30T10:03:40Z"))
        try expectGolden(HumanOutput.status(status), "status-offline.txt")
    }

    @Test func syncAndConflicts() throws {
        try expectGolden(HumanOutput.sync(SyncResponse(pulled: 120, pushed: 3, conflicts: 1, notModified: false)), "sync.txt")
        try expectGolden(HumanOutput.sync(SyncResponse(pulled: 0, pushed: 0, conflicts: 0, notModified: true)), "sync-up-to-date.txt")
        // A snapshot follower never pushes: say so, and that local changes stay here.
        try expectGolden(
            HumanOutput.sync(SyncResponse(pulled: 0, pushed: 0, conflicts: 0, notModified: true, readOnly: true, pendingChanges: 2))
                + HumanOutput.sync(SyncResponse(pulled: 14, pushed: 0, conflicts: 1, notModified: false, readOnly: true, pendingChanges: 1))
                + HumanOutput.sync(SyncResponse(pulled: 3, pushed: 0, conflicts: 0, notModified: false, readOnly: true)),
            "sync-snapshot.txt")
        let conflict = Self.conflict(title: "Wagner deployment reported", field: "claim_status", current: "disputed", other: "reported")
        try expectGolden(HumanOutput.conflicts([conflict]), "conflicts.txt")
        try expectGolden(HumanOutput.conflicts([]), "conflicts-none.txt")
    }

    @Test func list() throws {
        let records = Array(try Self.seed().prefix(12))
        try expectGolden(HumanOutput.list(records, total: 53, offset: 0), "list.txt")
        try expectGolden(HumanOutput.list([], total: 0, offset: 0), "list-empty.txt")
    }

    @Test func showEventAndAgreement() throws {
        let seed = try Self.seed()
        let event = try #require(seed.first { $0["id"] == "mlru-e21" })
        let agreement = try #require(seed.first { $0["id"] == "mlru-a01" })
        try expectGolden(HumanOutput.record(event), "show-event.txt")
        try expectGolden(HumanOutput.record(agreement), "show-agreement.txt")
    }

    @Test func importSummary() throws {
        try expectGolden(HumanOutput.importSummary(ImportResponse(created: 53, updated: 0, unchanged: 0)), "import.txt")
    }

    @Test func globalOptionsMayComeFirst() {
        #expect(hoistingGlobalOptions(["--socket", "/s", "--json", "status"]) == ["status", "--socket", "/s", "--json"])
        #expect(hoistingGlobalOptions(["--json", "list", "--kind", "event"]) == ["list", "--json", "--kind", "event"])
        #expect(hoistingGlobalOptions(["--version"]) == ["--version"])
        #expect(hoistingGlobalOptions(["status", "--json"]) == ["status", "--json"])
    }
}
