import Foundation
import Testing

/// `relctl search` through the real relctl and reld, on the sample ledger: ranked matches with
/// a marked snippet, `--json` with rank and snippet, deleted records only with `--deleted`, and
/// a query that cannot be read refused with a message in the person's terms.
@Suite struct SearchEndToEndTests {
    func hits(_ d: Daemon, _ arguments: [String]) throws -> [[String: Any]] {
        let out = try d.relctl(["--json", "search"] + arguments)
        #expect(out.status == 0, "\(out.stderr)")
        let page = try parseJSON(out.stdout) as? [String: Any] ?? [:]
        return page["hits"] as? [[String: Any]] ?? []
    }

    @Test func searchTheSampleLedger() throws {
        try withDaemon { d in
            let imported = try d.relctl("import", Binaries.seedRecords)
            #expect(imported.status == 0, "\(imported.stderr)")

            let human = try d.relctl("search", "wagn*")
            #expect(human.status == 0, "\(human.stderr)")
            // Both records whose titles name Wagner come before those that name it in notes only.
            let lines = human.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("mlru-e") == true, "\(human.stdout)")
            #expect(lines.prefix(4).filter { $0.hasPrefix("mlru-e24") || $0.hasPrefix("mlru-e31") }.count == 2, "\(human.stdout)")
            #expect(human.stdout.contains("[Wagner]"), "\(human.stdout)")

            let json = try hits(d, ["tin zaouatine", "--kind", "event", "--limit", "2"])
            #expect(json.count == 2)
            for hit in json {
                #expect(hit["rank"] is Double)
                #expect((hit["snippet"] as? String)?.contains("[Tin] [Zaouatine]") == true, "\(hit)")
                #expect((hit["record"] as? [String: Any])?["kind"] as? String == "event")
                #expect(hit["deleted"] as? Bool == false)
            }
            #expect(try hits(d, ["goita"]).count == 5)

            #expect(try d.relctl("delete", "mlru-e24").status == 0)
            #expect(try hits(d, ["\"deploying wagner\""]).isEmpty)
            let deleted = try hits(d, ["\"deploying wagner\"", "--deleted"])
            #expect(deleted.map { $0["deleted"] as? Bool } == [true])
            #expect(try d.relctl("search", "\"deploying wagner\"", "--deleted").stdout.contains("(deleted)"))
        }
    }

    /// The curl examples of docs/control-api.md: a space is `%20`, and `+` is a plus sign (a
    /// `+` read as a space would find the same records as `%20`).
    @Test func theQueryStringReadsPlusAsAPlusSign() throws {
        try withDaemon { d in
            #expect(try d.relctl("import", Binaries.seedRecords).status == 0)
            func get(_ target: String) throws -> [String: Any] {
                let answer = try rawExchange(d.socket, Array("GET \(target) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
                let body = try #require(answer.range(of: "\r\n\r\n").map { String(answer[$0.upperBound...]) }, "\(answer)")
                return try #require(try parseJSON(body) as? [String: Any], "\(answer)")
            }
            let spaced = try get("/v1/search?q=wagn*%20%22tin%20zaouatine%22&kind=event")
            let hits = spaced["hits"] as? [[String: Any]] ?? []
            #expect((hits.first?["record"] as? [String: Any])?["id"] as? String == "mlru-e31", "\(spaced)")
            #expect(hits.first?["snippet"] as? String == "Ambush on Malian army and [Wagner] convoy near [Tin Zaouatine]")
            #expect(spaced["total"] as? Int == 2)
            #expect(try get("/v1/search?q=wagn*+%22tin+zaouatine%22&kind=event")["total"] as? Int == 0)
            let error = try get("/v1/records?limit=1+0")["error"] as? [String: Any]
            #expect(
                error?["message"] as? String == "query parameter limit \"1+0\": must be a whole number 1-100000",
                "\(String(describing: error))")
        }
    }

    @Test func aQueryThatCannotBeReadIsRefused() throws {
        try withDaemon { d in
            let bad = try d.relctl("search", "wagner AND")
            // What the person typed is wrong: the exit status of every refused request (usage).
            #expect(bad.status == 2, "\(bad.stderr)")
            #expect(bad.stderr.contains("search \"wagner AND\": ends with AND: it needs a term after it"), "\(bad.stderr)")
            #expect(!bad.stderr.contains("fts5"), "\(bad.stderr)")
            let json = try d.relctl("--json", "search", "\"wagner")
            #expect(json.status == 2)
            #expect(json.stdout.contains("\"field\":\"q\"") || json.stderr.contains("\"field\":\"q\""), "\(json.stdout)\(json.stderr)")
        }
    }
}
