import Foundation
import RelControlAPI
import RelModel
import Testing

@testable import RelCLI

extension GoldenOutputTests {
    static let ana = "6f1c2a8e-2b7d-4f4e-9a53-0c1d2e3f4a5b"
    static let bo = "c0ec6abf-4b53-4905-941f-4eb61554b08d"

    static func version(_ value: JSONValue, _ node: String, _ name: String?, at time: String, local: Bool = false) -> VersionInfo {
        VersionInfo(value: value, node: node, local: local, time: time, hlc: HLCTimestamp(rawValue: 1), nodeName: name)
    }

    static func entry(
        _ time: String, _ node: String, _ name: String?, _ field: String, _ action: String, old: [VersionInfo] = [],
        _ value: JSONValue, concurrent: [VersionInfo] = [], local: Bool = false, hlc: Int64
    ) -> HistoryEntryInfo {
        HistoryEntryInfo(
            time: time, hlc: HLCTimestamp(rawValue: hlc), node: node, nodeName: name, local: local, field: field, action: action,
            old: old, value: value, concurrent: concurrent, superseded: false)
    }

    /// A record created on this node, edited on both while apart, resolved on the other, deleted, restored.
    @Test func history() throws {
        let t0 = "2026-11-30T09:00:00.120Z"
        let t1 = "2026-11-30T10:15:02.001Z"
        let t2 = "2026-11-30T10:15:07.530Z"
        let entries = [
            Self.entry(t0, Self.ana, "ana@laptop", "_kind", "created", "event", local: true, hlc: 1),
            Self.entry(t0, Self.ana, "ana@laptop", "title", "changed", "Foreign minister visits Bamako", local: true, hlc: 1),
            Self.entry(t0, Self.ana, "ana@laptop", "claim_status", "changed", "reported", local: true, hlc: 1),
            Self.entry(
                t1, Self.ana, "ana@laptop", "claim_status", "changed", old: [Self.version("reported", Self.ana, "ana@laptop", at: t0)],
                "disputed", local: true, hlc: 2),
            Self.entry(
                t2, Self.bo, nil, "claim_status", "changed", old: [Self.version("reported", Self.ana, "ana@laptop", at: t0)],
                "alleged", concurrent: [Self.version("disputed", Self.ana, "ana@laptop", at: t1, local: true)], hlc: 3),
            Self.entry(
                "2026-11-30T11:01:12.000Z", Self.bo, "bo\u{1B}[31m@desk", "claim_status", "resolved",
                old: [Self.version("disputed", Self.ana, "ana@laptop", at: t1), Self.version("alleged", Self.bo, nil, at: t2)],
                "disputed", hlc: 4),
            Self.entry("2026-12-01T08:00:00.000Z", Self.ana, "ana@laptop", "_deleted", "deleted", true, local: true, hlc: 5),
            Self.entry("2026-12-01T08:30:00.000Z", Self.ana, "ana@laptop", "_deleted", "restored", false, local: true, hlc: 6),
        ]
        try expectGolden(HumanOutput.history(HistoryResponse(id: "ev-lavrov", entries: entries, total: 8), offset: 0), "history.txt")
        try expectGolden(
            HumanOutput.history(HistoryResponse(id: "ev-lavrov", entries: Array(entries.prefix(3)), total: 8), offset: 0)
                + HumanOutput.history(HistoryResponse(id: "ev-lavrov", entries: [], total: 8), offset: 8)
                + HumanOutput.history(HistoryResponse(id: "ev-lavrov", entries: [], total: 0), offset: 0),
            "history-paged.txt")
    }
}
