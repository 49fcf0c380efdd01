import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A reld that follows a snapshot never pushes: `relctl sync` says so, and that its local changes
/// stay local, instead of "nothing was waiting here" while `status` counts them as pending.
@Suite struct SnapshotFollowerSyncTests {
    @Test func syncSaysLocalChangesStayLocal() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (source, server) = try Hub.snapshotSource(dir: dir)
        defer { _ = try? source.stop(SIGKILL) }
        defer { server.stop(SIGKILL) }
        let follower = try Daemon(
            dir: dir, stateDir: dir.file("follower"), socket: dir.file("follower.sock"),
            extraArguments: ["--feed", "http://127.0.0.1:\(server.port)/ledger.json", "--sync-interval", "3600"])
        defer { _ = try? follower.stop(SIGKILL) }

        let first = try follower.relctl("sync")
        #expect(first.status == 0, "\(first.stderr)")
        // (reld pulls at start by itself; this round may have found nothing new.)
        #expect(try follower.relctl("show", "mlru-e01").status == 0, "the snapshot's records are here")
        #expect(try follower.relctl("edit", "mlru-e01", "--set", "notes=local note").status == 0)
        #expect(try follower.relctl("add-event", "--id", "local-1", "--title", "x", "--category", "military").status == 0)
        let out = try follower.relctl("sync")
        #expect(out.status == 0, "\(out.stderr)")
        #expect(!out.stdout.contains("nothing was waiting here"), "\(out.stdout)")
        #expect(out.stdout.contains("read-only snapshot"), "\(out.stdout)")
        let pending =
            try #require(try parseJSON(try follower.relctl("--json", "status").stdout) as? [String: Any])["pending_changes"] as? Int
        #expect(pending != nil && pending! > 0)
        #expect(out.stdout.contains("\(pending!) local changes stay here"), "\(out.stdout)")
        let json = try #require(try parseJSON(try follower.relctl("--json", "sync").stdout) as? [String: Any])
        #expect(json["read_only"] as? Bool == true)
        #expect(json["pending_changes"] as? Int == pending)
        #expect(json["pushed"] as? Int == 0)
    }
}
