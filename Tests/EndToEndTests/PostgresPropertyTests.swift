import ConvergenceSimulation
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Property: a relhub on PostgreSQL and one on SQLite, given the same random pushes (several
/// nodes and tokens, concurrent edits of the same fields with equal clocks, bases naming known
/// and unknown versions, deletions, replays, gaps, reused numbers, a node pushed under another's
/// token, text in decomposed Unicode), give every push the same answer and end serving the same
/// pages, in both clock forms and with each asker's own changes left out, and the same snapshot.
/// So the two stores merge alike, the way replicas converge through either.
///
/// `RELD_PROPERTY_SEED=N` replays one run; `RELD_PG_PROPERTY_CASES=N` sets how many cases it has.
@Suite("relhub on PostgreSQL, random pushes (property)", .serialized)
struct PostgresPropertyTests {
    /// One node of a case: its id, the token it pushes with, its next number, its clock, and
    /// the batches it pushed (for replays).
    struct Node {
        let id: String
        let token: String
        var next: Int64 = 1
        var clock: Int64
        var pushed: [String] = []
    }

    @Test func randomPushesAreAnsweredAndServedAlikeByBothStores() throws {
        let env = ProcessInfo.processInfo.environment
        let seed = env["RELD_PROPERTY_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1 ... .max)
        let cases = env["RELD_PG_PROPERTY_CASES"].flatMap(Int.init) ?? 3
        var random = SplitMix64(seed: seed)
        try withPostgresCluster { cluster in
            let dir = try TempDir()
            defer { dir.remove() }
            let tokens = (0..<3).map { i in "token-\(i)-" + String(repeating: "\(i)", count: 24) }
            let tokenFile = dir.file("tokens")
            try (tokens.joined(separator: "\n") + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
            chmod(tokenFile, 0o600)
            let sqlite = try Hub.start(dir: dir, tokenFile: tokenFile, stateDir: dir.file("sqlite-hub"))
            let postgres = try Hub.start(dir: dir, tokenFile: tokenFile, stateDir: dir.file("unused"), database: cluster)
            let hubs = [sqlite, postgres].map { "http://127.0.0.1:\($0.port)" }
            let feedIDs = try hubs.map { hub in
                try #require(try parseJSON(PostgresHubTests.call("GET", hub + "/v1/health", token: tokens[0]).body) as? [String: Any])[
                    "feed_id"] as? String ?? ""
            }
            var answered: [Int: Int] = [:]
            for c in 0..<cases {
                let nodes = try runCase(c, hubs: hubs, tokens: tokens, random: &random, answered: &answered, seed: seed)
                try compareFeeds(hubs, feedIDs: feedIDs, nodes: nodes, token: tokens[0], random: &random, seed: seed)
            }
            // The generator must reach both kinds of answer, or agreeing means little.
            #expect((answered[200] ?? 0) > 20 && answered.keys.contains { $0 >= 400 }, "answers by status: \(answered)")
            _ = (sqlite, postgres)
        }
    }

    /// Pushes 40 random batches from 3 nodes into both hubs; each must get the same answer.
    func runCase(
        _ c: Int, hubs: [String], tokens: [String], random: inout SplitMix64, answered: inout [Int: Int], seed: UInt64
    ) throws -> [Node] {
        let start = PostgresHubTests.hlc(-60_000)
        var nodes = (0..<3).map { Node(id: "c\(c)-n\($0)", token: tokens[$0], clock: start) }
        var stamps: [(record: String, field: String, stamp: String)] = []
        let fields: [(String, [String])] = [
            ("_kind", ["\"event\""]), ("title", ["\"Talks\"", "\"Caf\u{0065}\u{0301} talks\"", "\"Visit \\\"quoted\\\"\""]),
            ("notes", ["\"a\\nb\"", "\"😀 \\\\ x\"", "\"\""]), ("category", ["\"diplomatic\"", "\"military\""]),
            ("parties", ["[\"ML\",\"RU\"]", "[\"RU\"]"]), ("_deleted", ["true"]),
        ]
        for step in 0..<40 {
            let n = Int.random(in: 0..<3, using: &random)
            var token = nodes[n].token
            let body: String
            switch Int.random(in: 0..<20, using: &random) {
            case 0 where !nodes[n].pushed.isEmpty:
                body = nodes[n].pushed.randomElement(using: &random)!  // a replay: all duplicates
            case 1:
                token = tokens[(n + 1) % 3]  // under another's token: 403 once the node is bound
                fallthrough
            default:
                var changes: [String] = []
                let skip: Int64 = Int.random(in: 0..<25, using: &random) == 0 ? 2 : 0  // a gap: 409
                let reuse = Int.random(in: 0..<25, using: &random) == 0 && nodes[n].next > 2  // 409
                for i in 0..<Int.random(in: 1...8, using: &random) {
                    let record = "c\(c)-r\(Int.random(in: 0..<4, using: &random))"
                    let (field, values) = fields.randomElement(using: &random)!
                    // Clocks advance by 0-3 ms: equal stamps from different nodes are common.
                    nodes[n].clock += Int64(Int.random(in: 0...3, using: &random)) << 16
                    let known = stamps.filter { $0.record == record && $0.field == field }.map(\.stamp)
                    var bases = Array(known.shuffled(using: &random).prefix(Int.random(in: 0...2, using: &random)))
                    if Int.random(in: 0..<10, using: &random) == 0 { bases.append("[\(nodes[n].clock - 1),\"c\(c)-ghost\"]") }
                    let number = reuse ? 1 : nodes[n].next + skip + Int64(i)
                    changes.append(
                        PostgresHubTests.change(
                            nodes[n].id, number, record, field, values.randomElement(using: &random)!, hlc: nodes[n].clock,
                            bases: "[" + bases.joined(separator: ",") + "]"))
                    stamps.append((record, field, "[\(nodes[n].clock),\"\(nodes[n].id)\"]"))
                }
                body = PostgresHubTests.batch(changes)
            }
            let answers = try hubs.map {
                try PostgresHubTests.call("POST", $0 + "/v1/changes", token: token, body: body, headers: ["Reld-Node: \(nodes[n].id)"])
            }
            guard answers[0].status == answers[1].status, answers[0].body == answers[1].body else {
                throw HarnessError("RELD_PROPERTY_SEED=\(seed), case \(c), push \(step): SQLite \(answers[0]), PostgreSQL \(answers[1])")
            }
            answered[answers[0].status, default: 0] += 1
            if answers[0].status == 200, let accepted = (try parseJSON(answers[0].body) as? [String: Any])?["accepted"] as? Int,
                accepted > 0
            {
                nodes[n].next += Int64(accepted)
                nodes[n].pushed.append(body)
            }
        }
        return nodes
    }

    /// Walks every page of both hubs with random page sizes, both clock forms and each node's
    /// own changes left out, and reads both snapshots: all must be the same, feed ids aside.
    func compareFeeds(_ hubs: [String], feedIDs: [String], nodes: [Node], token: String, random: inout SplitMix64, seed: UInt64) throws {
        let node = nodes.randomElement(using: &random)!
        let limit = Int.random(in: 10...50, using: &random)
        for query in [
            "limit=\(limit)", "limit=\(limit)&hlc=string", "limit=\(limit)&exclude_node=\(node.id)&exclude_upto=\(node.next - 1)",
        ] {
            let walks = try hubs.enumerated().map { i, hub in
                try PostgresHubTests.walk(hub, query: query, token: token).map { $0.replacingOccurrences(of: feedIDs[i], with: "FEED") }
            }
            guard walks[0] == walks[1] else {
                throw HarnessError("RELD_PROPERTY_SEED=\(seed), \(query): the hubs' pages differ")
            }
        }
        for path in ["/v1/snapshot", "/v1/snapshot?hlc=string"] {
            let answers = try hubs.map { try PostgresHubTests.call("GET", $0 + path, token: token) }
            guard answers[0].status == 200, answers[0].body == answers[1].body.replacingOccurrences(of: feedIDs[1], with: feedIDs[0]) else {
                throw HarnessError("RELD_PROPERTY_SEED=\(seed), \(path): the hubs' snapshots differ:\n\(answers[0])\n\(answers[1])")
            }
        }
    }
}
