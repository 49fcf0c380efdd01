import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One bad token holder must not cut a node off the feed or crash the replicas: relhub binds a
/// node id to the token that pushed it first and keeps each node's numbers contiguous and
/// bounded; reld skips pulled changes that claim its own id. Real relhub and reld processes;
/// the attacker is curl with another of the hub's tokens.
@Suite("Feed identity", .serialized)
struct FeedIdentityTests {
    /// relhub taking two tokens, node X syncing with the first, Y following with the first too.
    final class Team {
        let dir: TempDir
        let tokenA: String, tokenB: String
        let hub: ServerProcess
        let x: Daemon, y: Daemon
        let nodeX: String
        var feed: String { "http://127.0.0.1:\(hub.port)" }

        init() throws {
            dir = try TempDir()
            let a = try Hub.makeToken(in: dir, name: "token-a")
            let b = try Hub.makeToken(in: dir, name: "token-b")
            tokenA = try Hub.tokenText(a)
            tokenB = try Hub.tokenText(b)
            let both = dir.file("hub-tokens")
            try "\(tokenA)\n\(tokenB)\n".write(toFile: both, atomically: true, encoding: .utf8)
            chmod(both, 0o600)
            hub = try Hub.start(dir: dir, tokenFile: both)
            let feed = "http://127.0.0.1:\(hub.port)"
            x = try Daemon(
                dir: dir, stateDir: dir.file("x"), socket: dir.file("x.sock"),
                extraArguments: ["--feed", feed, "--token-file", a, "--sync-interval", "3600"])
            y = try Daemon(
                dir: dir, stateDir: dir.file("y"), socket: dir.file("y.sock"),
                extraArguments: ["--feed", feed, "--token-file", a, "--sync-interval", "3600"])
            nodeX = (try parseJSON(try x.relctl("--json", "status").stdout) as? [String: Any])?["node_id"] as? String ?? ""
            guard !nodeX.isEmpty else { throw HarnessError("no node_id in X's status") }
        }

        func stop() {
            for d in [x, y] { _ = try? d.stop(SIGKILL) }
            hub.stop(SIGKILL)
            dir.remove()
        }

        func add(_ node: Daemon, _ id: String) {
            let out = try? node.relctl("add-event", "--id", id, "--title", "Record \(id)", "--category", "diplomatic")
            #expect(out?.status == 0, "a local write succeeds: \(out?.stderr ?? "")\n\(node.log.suffix(2000))")
        }

        @discardableResult
        func sync(_ node: Daemon, sourceLocation: SourceLocation = #_sourceLocation) -> Output? {
            let out = try? node.relctl("sync")
            #expect(out?.status == 0, "sync succeeds: \(out?.stderr ?? "")", sourceLocation: sourceLocation)
            return out
        }

        func syncState(_ node: Daemon) throws -> [String: Any] {
            (try parseJSON(try node.relctl("--json", "status").stdout) as? [String: Any])?["sync"] as? [String: Any] ?? [:]
        }

        /// `POST /v1/changes` with `token`: the HTTP status and the answer's `error.code`, if any.
        func push(_ changes: [String], token: String) throws -> (status: Int, code: String?) {
            let body = dir.file("push-\(UUID().uuidString.prefix(8)).json")
            try "{\"changes\":[\(changes.joined(separator: ","))]}".write(toFile: body, atomically: true, encoding: .utf8)
            let out = try run(
                "/usr/bin/env",
                [
                    "curl", "-s", "-w", "\n%{http_code}", "-H", "Authorization: Bearer \(token)",
                    "-H", "Content-Type: application/json", "--data-binary", "@\(body)", feed + "/v1/changes",
                ])
            let lines = out.stdout.split(separator: "\n")
            let answer = try? parseJSON(String(lines.dropLast().joined(separator: "\n"))) as? [String: Any]
            return (Int(lines.last ?? "") ?? -1, (answer?["error"] as? [String: Any])?["code"] as? String)
        }

        /// The highest number the hub holds for `node`.
        func hubMax(_ node: String) throws -> Int64 {
            Int64(try sql("SELECT coalesce(max(node_seq), 0) FROM changes WHERE node = '\(node)';").first ?? "") ?? -1
        }

        func sql(_ query: String) throws -> [String] {
            let out = try run("/usr/bin/env", ["sqlite3", "-cmd", ".timeout 5000", dir.file("hub/relhub.sqlite"), query])
            guard out.status == 0 else { throw HarnessError("sqlite3: \(out.stderr)") }
            return out.stdout.split(separator: "\n").map(String.init)
        }
    }

    static func change(node: String, seq: Int64, id: String, title: String) -> String {
        let hlc = Int64(Date().timeIntervalSince1970 * 1000) << 16
        return #"{"node":"\#(node)","node_seq":\#(seq),"record_id":"\#(id)","field":"title","value":"\#(title)","hlc":\#(hlc),"bases":[]}"#
    }

    @Test func anotherTokenCannotCutANodeOffTheFeed() throws {
        let team = try Team()
        defer { team.stop() }
        team.add(team.x, "x1")
        team.sync(team.x)
        // X is bound by its first push, to its token's SHA-256: the database never holds a token.
        let digest = try run("/bin/sh", ["-c", "printf %s \"$0\" | sha256sum", team.tokenA]).stdout.prefix(64)
        #expect(try team.sql("SELECT token_sha256 FROM node_owners WHERE node = '\(team.nodeX)';") == [String(digest)])
        let dump = try run("/usr/bin/env", ["sqlite3", team.dir.file("hub/relhub.sqlite"), ".dump"]).stdout
        #expect(!dump.isEmpty && !dump.contains(team.tokenA) && !dump.contains(team.tokenB))

        // The attack: X's next number, under X's id, with another of the hub's tokens.
        let next = try team.hubMax(team.nodeX) + 1
        let attack = try team.push([Self.change(node: team.nodeX, seq: next, id: "x1", title: "Hijacked")], token: team.tokenB)
        #expect(attack.status == 403 && attack.code == "node_not_yours", "\(attack)")
        #expect(try team.hubMax(team.nodeX) == next - 1, "nothing of the batch was applied")
        #expect(
            team.hub.log.contains("push refused") && team.hub.log.contains(team.nodeX),
            "the hub logs the refusal:\n\(team.hub.log.suffix(2000))")
        #expect(!team.hub.log.contains(team.tokenB) && !team.hub.log.contains(team.tokenA), "the log never holds a token")

        // X goes on: its next change takes that number, and Y gets it.
        team.add(team.x, "x2")
        team.sync(team.x)
        #expect(try team.hubMax(team.nodeX) >= next)
        #expect(try team.syncState(team.x)["last_error"] == nil)
        team.sync(team.y)
        #expect(try team.y.relctl("show", "x2").status == 0)
        let shown = try parseJSON(try team.y.relctl("--json", "show", "x1").stdout) as? [String: Any]
        #expect(shown?["title"] as? String == "Record x1")

        // The attacker may still write under its own ids, replays included; the token holding
        // many node ids (a script, two laptops) is fine.
        let own = try team.push([Self.change(node: "attacker-1", seq: 1, id: "a1", title: "Mine")], token: team.tokenB)
        #expect(own.status == 200, "\(own)")

        // X given the other token is refused too, with a message that says why (not "check
        // token_file", which would send its user looking in the wrong place).
        _ = try team.x.stop()
        let moved = try Daemon(
            dir: team.dir, stateDir: team.dir.file("x"), socket: team.dir.file("x.sock"),
            extraArguments: ["--feed", team.feed, "--token-file", team.dir.file("token-b"), "--sync-interval", "3600"])
        defer { _ = try? moved.stop(SIGKILL) }
        team.add(moved, "x3")
        let refused = try moved.relctl("sync")
        #expect(refused.status == 1 && refused.stderr.contains("belongs to another of this hub's tokens"), "\(refused.stderr)")
    }

    @Test func hugeOrSkippingNumbersAreRefusedAndNoReplicaIsHurt() throws {
        let team = try Team()
        defer { team.stop() }
        team.add(team.x, "x1")
        team.sync(team.x)

        // node_seq Int64.max used to crash every replica's next write, for good.
        for node in [team.nodeX, "fresh-node"] {
            let huge = try team.push([Self.change(node: node, seq: .max, id: "h1", title: "Huge")], token: team.tokenB)
            #expect(huge.status == 422 && huge.code == "bad_change", "\(huge)")
        }
        // Within the wire's bound, but skipping numbers: a node moves only by what it pushes.
        let skip = try team.push([Self.change(node: "fresh-node", seq: 1 << 53, id: "h1", title: "Far")], token: team.tokenB)
        #expect(skip.status == 409 && skip.code == "sequence_gap", "\(skip)")
        let gap = try team.push(
            [
                Self.change(node: "fresh-node", seq: 1, id: "h1", title: "One"),
                Self.change(node: "fresh-node", seq: 3, id: "h1", title: "Three"),
            ], token: team.tokenB)
        #expect(gap.status == 409 && gap.code == "sequence_gap", "\(gap)")
        #expect(try team.sql("SELECT count(*) FROM changes WHERE node = 'fresh-node' OR node_seq > 1000000;") == ["0"])

        for (name, node) in [("x", team.x), ("y", team.y)] {
            team.add(node, "after-\(name)")
            team.sync(node)
        }
        team.sync(team.x)
        #expect(try team.x.relctl("export").stdout == team.y.relctl("export").stdout, "X and Y converge")
    }

    @Test func aReplicaSurvivesAFeedThatClaimsItsOwnId() throws {
        let team = try Team()
        defer { team.stop() }
        team.add(team.x, "x1")
        team.sync(team.x)

        // What a broken or hostile hub could serve (or a hub from before node ownership held):
        // a change under X's id that X never wrote, far ahead of X's numbers.
        let hlc = Int64(Date().timeIntervalSince1970 * 1000) << 16
        let planted = try team.hubMax(team.nodeX) + 1000
        _ = try team.sql(
            """
            INSERT INTO changes (record_id, field, value, hlc, node, node_seq, bases)
            VALUES ('x1', 'title', '"Planted"', \(hlc), '\(team.nodeX)', \(planted), '[]');
            """)
        team.sync(team.x)
        #expect(team.x.log.contains("never wrote"), "X's log says what happened:\n\(team.x.log.suffix(2000))")
        #expect(try team.syncState(team.x)["last_error"] == nil)
        let title = (try parseJSON(try team.x.relctl("--json", "show", "x1").stdout) as? [String: Any])?["title"] as? String
        #expect(title == "Record x1", "the planted change is not taken as X's own")

        // X's next changes are numbered after its own, not after the planted one, and still sync.
        team.add(team.x, "x2")
        team.sync(team.x)
        #expect(
            try team.sql("SELECT count(*) FROM changes WHERE node = '\(team.nodeX)' AND record_id = 'x2' AND node_seq < \(planted);") != [
                "0"
            ])
        team.sync(team.y)
        #expect(try team.y.relctl("show", "x2").status == 0)

        // The same after a restart (the old failure came back on every start).
        _ = try team.x.stop()
        let again = try Daemon(
            dir: team.dir, stateDir: team.dir.file("x"), socket: team.dir.file("x.sock"),
            extraArguments: ["--feed", team.feed, "--token-file", team.dir.file("token-a"), "--sync-interval", "3600"])
        defer { _ = try? again.stop(SIGKILL) }
        team.add(again, "x3")
        team.sync(again)

        // A number out of the wire's bound fails the pull (naming it) but never X's writes.
        _ = try team.sql(
            """
            INSERT INTO changes (record_id, field, value, hlc, node, node_seq, bases)
            VALUES ('x1', 'title', '"Huge"', \(hlc), '\(team.nodeX)', 9223372036854775807, '[]');
            """)
        let failed = try again.relctl("sync")
        #expect(failed.status == 1 && failed.stderr.contains("node_seq"), "\(failed.stderr)")
        team.add(again, "x4")
        #expect(again.process.isRunning)
    }
}
