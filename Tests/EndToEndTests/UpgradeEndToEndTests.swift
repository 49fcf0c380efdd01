import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A store written by an earlier release, opened by the real reld: the upgrade is logged, the
/// file shrinks, and everything the store held answers as before.
@Suite struct UpgradeEndToEndTests {
    /// A replica's store written by the release before `v9-one-copy` (see the fixtures' README).
    static let fixture = Binaries.packageRoot.appendingPathComponent("Tests/RelStoreTests/Fixtures/v8-913ca09.sqlite").path

    @Test func aStoreOfTheLastReleaseIsUpgradedAtStartAndKeepsItsRecords() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let state = dir.file("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixture, toPath: state + "/reld.sqlite")
        let before = try FileManager.default.attributesOfItem(atPath: Self.fixture)[.size] as? Int ?? 0

        let d = try Daemon(dir: dir, stateDir: state)
        #expect(d.log.contains("upgrading the store"), "\(d.log)")
        #expect(d.log.contains("v9-one-copy"), "\(d.log)")
        let status = try #require(try parseJSON(try d.relctl("--json", "status").stdout) as? [String: Any])
        let records = status["records"] as? [String: Any] ?? [:]
        #expect(records["event"] as? Int == 9 && records["agreement"] as? Int == 3 && records["deleted"] as? Int == 2, "\(records)")
        #expect(status["open_conflicts"] as? Int == 3)
        let found = try d.relctl("search", "goita")
        #expect(found.status == 0 && found.stdout.contains("mlru-e01"), "\(found.stdout)\(found.stderr)")
        #expect(try d.relctl("add-event", "--title", "Written after the upgrade", "--category", "security").status == 0)
        #expect(try d.stop() == 0)

        let after = try FileManager.default.attributesOfItem(atPath: state + "/reld.sqlite")[.size] as? Int ?? 0
        #expect(after < before, "\(after) bytes after the upgrade, \(before) before")
        let again = try Daemon(dir: dir, stateDir: state)
        #expect(!again.log.contains("upgrading the store"), "an upgraded store is not upgraded again: \(again.log)")
        #expect(try again.relctl("search", "upgrade").stdout.contains("Written after the upgrade"))
        #expect(try again.stop() == 0)
    }
}
