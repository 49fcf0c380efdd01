import Foundation
import Testing

/// Every bad input gets a clear error, writes nothing, and leaves the daemon up.
@Suite struct BadInputTests {
    /// (arguments, expected exit status, text the error must contain). Whether relctl or reld
    /// notices a bad option value, it is a usage error: 2.
    static let cases: [([String], Int32, String)] = [
        (
            ["add-event", "--title", "x", "--category", "military", "--date", "2023-13-01"], 2,
            #"error: --date "2023-13-01": month must be 01-12"#
        ),
        (["add-event", "--title", "x", "--category", "military", "--date", "2023-02-30"], 2, "day must be 01-28 for 2023-02"),
        (["add-event", "--title", "x", "--category", "military", "--date", "1991/1960"], 2, "end 1960 is before start 1991"),
        (["add-event", "--title", "", "--category", "military"], 2, "field title: \"\": must not be empty"),
        (["add-event", "--title", "x", "--category", "sports"], 2, "field category: \"sports\": must be one of: diplomatic"),
        (
            ["add-event", "--title", "x", "--category", "military", "--claim", "rumoured"], 2,
            "field claim_status: \"rumoured\": must be one of: reported, alleged, disputed"
        ),
        (
            ["add-event", "--title", "x", "--category", "military", "--party", "XX"], 2,
            "field parties[0]: \"XX\": is not an ISO 3166-1 alpha-2 country code"
        ),
        (["add-event", "--title", "x", "--category", "military", "--party", "ml"], 2, "country codes are upper case: ML"),
        (
            ["add-event", "--title", "x", "--category", "military", "--actor", "Someone:alien"], 2,
            "field actors[0].type: \"alien\": must be one of"
        ),
        (["add-event", "--title", "x", "--category", "military", "--source-url", "ftp://x"], 2, "field source.url"),
        (
            ["add-agreement", "--title", "x", "--category", "energy", "--status", "maybe"], 2,
            "field status: \"maybe\": must be one of: proposed"
        ),
        (
            ["add-agreement", "--title", "x", "--category", "energy", "--date-signed", "2023-00"], 2,
            #"--date-signed "2023-00": month must be 01-12"#
        ),
        (["add-event", "--title", "x", "--category", "military", "--id", "bad id!"], 2, "field id"),
        (["add-event", "--category", "military"], 2, "Missing expected argument '--title"),
        (["list", "--since", "2023-99"], 2, #"--since "2023-99": month must be 01-12"#),
        (["list", "--category", "sports"], 2, "category \"sports\": must be one of"),
        (["frobnicate"], 2, "error:"),
    ]

    @Test func eachBadInputIsRefusedAndNothingIsWritten() throws {
        try withDaemon { d in
            #expect(try d.relctl("import", Binaries.seedRecords).status == 0)
            let before = try d.relctl("--json", "status").stdout
            let exportBefore = try d.relctl("export").stdout
            for (arguments, status, message) in Self.cases {
                let out = try d.relctl(arguments)
                #expect(out.status == status, "\(arguments): exit \(out.status), stderr: \(out.stderr)")
                #expect(out.stderr.contains(message), "\(arguments): \(out.stderr)")
                #expect(out.stdout.isEmpty, "\(arguments) printed to stdout: \(out.stdout)")
            }
            // Edits that fail leave the record as it was.
            let badEdits: [[String]] = [
                ["edit", "mlru-e01", "--set", "date=2023-13"],
                ["edit", "mlru-e01", "--set", "colour=red"],
                ["edit", "mlru-e01", "--set", "kind=agreement"],
                ["edit", "mlru-e01", "--set", "status=signed"],
                ["edit", "mlru-e01", "--set", "codes.cameo_root=99"],
                ["edit", "no-such-record", "--set", "title=x"],
            ]
            for arguments in badEdits {
                let out = try d.relctl(arguments)
                #expect(out.status == 1 || out.status == 2, "\(arguments): exit \(out.status)")
                #expect(out.stderr.hasPrefix("error: "), "\(arguments): \(out.stderr)")
            }
            #expect(try d.relctl("export").stdout == exportBefore, "nothing was written")
            let after = try #require(try parseJSON(try d.relctl("--json", "status").stdout) as? [String: Any])
            let beforeJSON = try #require(try parseJSON(before) as? [String: Any])
            #expect(after["pending_changes"] as? Int == beforeJSON["pending_changes"] as? Int)
            #expect(d.process.isRunning, "the daemon is still up")
        }
    }

    @Test func garbageBytesAndOversizedBodies() throws {
        try withDaemon { d in
            // Not HTTP at all.
            _ = try rawExchange(d.socket, Array("\u{0}\u{1}\u{2}GARBAGE\r\n\r\n\u{ff}".utf8))
            var random = SystemRandomNumberGenerator()
            _ = try rawExchange(d.socket, (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) })
            // A body over the limit (1 MiB on ordinary routes) gets 413 with a JSON error.
            let big = [UInt8](repeating: UInt8(ascii: "a"), count: 2 << 20)
            let head =
                "POST /v1/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(big.count)\r\nConnection: close\r\n\r\n"
            let answer = try rawExchange(d.socket, Array(head.utf8) + big)
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(200))")
            #expect(answer.contains("\"code\":\"payload_too_large\""))
            // Malformed JSON, a wrong type and an unknown route: 4xx with a message, never 5xx.
            let requests: [(String, String, String)] = [
                ("POST /v1/records", "{not json", "400"),
                ("POST /v1/records", "[1,2]", "422"),
                ("POST /v1/records", "{\"kind\":\"event\",\"title\":7,\"category\":\"military\"}", "422"),
                ("PATCH /v1/records/x", "{\"set\":{}}", "400"),
                ("GET /v1/nowhere", "", "404"),
                ("DELETE /v1/status", "", "405"),
                ("GET /v1/records?colour=red", "", "400"),
            ]
            for (line, body, status) in requests {
                let request = "\(line) HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
                let answer = try rawExchange(d.socket, Array(request.utf8))
                #expect(answer.hasPrefix("HTTP/1.1 \(status)"), "\(line) \(body): \(answer.prefix(300))")
                #expect(answer.contains("\"message\":"), "\(line): error bodies are JSON with a message")
            }
            #expect(d.process.isRunning)
            #expect(try d.relctl("status").status == 0, "still answers after all that")
        }
    }
}
