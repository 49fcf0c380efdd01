import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What a person sees when a request is too big, a path is wrong, or a daemon cannot start:
/// the thing at fault and how to fix it, never SQLite's, Foundation's or NIO's internals, and
/// never "damaged" for a database that is fine.
@Suite struct PlainErrorTests {
    static let internals = [
        "NSCocoaErrorDomain", "error 256", "error 512", "errno:", "bind(descriptor", "damaged",
        "Expression tree", "The file", "leading zeroes",
    ]

    func expectPlain(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for word in Self.internals {
            #expect(!text.contains(word), "internal text \"\(word)\" reached the user: \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test func requestsPastTheListLimitsAreUsageErrorsNamingTheOption() throws {
        try withDaemon { d in
            // relctl refuses before contacting reld: exit 2, the option and the limit.
            let parties = (0..<996).flatMap { ["--party", "O\($0)"] }
            let many = try d.relctl(["list"] + parties)
            #expect(many.status == 2, "\(many.stderr)")
            #expect(many.stderr.contains("--party is given 996 times; at most 20 parties"), "\(many.stderr)")
            expectPlain(many.stderr)
            let long = try d.relctl("list", "--text", String(repeating: "a", count: 102_400))
            #expect(long.status == 2, "\(long.stderr)")
            #expect(long.stderr.contains("--text is 102400 bytes long; at most 1000 bytes are allowed"), "\(long.stderr)")
            expectPlain(long.stderr)
            // reld itself answers 400 naming the parameter, not 500 "damaged".
            let query = (0..<996).map { "party=O\($0)" }.joined(separator: "&")
            let answer = try rawExchange(d.socket, Array("GET /v1/records?\(query) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(300))")
            #expect(answer.contains("query parameter party") && answer.contains("at most 20 parties"), "\(answer.prefix(600))")
            expectPlain(answer)
            // Past what reld's HTTP parser reads (80 KiB of request line and headers), the answer
            // is still the JSON error, not a bare 400.
            let huge = try rawExchange(
                d.socket, Array("GET /v1/records?text=\(String(repeating: "a", count: 90_000)) HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            #expect(huge.hasPrefix("HTTP/1.1 400"), "\(huge.prefix(300))")
            #expect(huge.contains("application/json") && huge.contains("larger than reld reads (80 KiB)"), "\(huge.prefix(600))")
            // Within the limits, the same filters work.
            let fine = try d.relctl(
                ["list"] + (0..<20).flatMap { ["--party", "O\($0)"] } + ["--text", String(repeating: "a", count: 1000)])
            #expect(fine.status == 0, "\(fine.stderr)")
            #expect(!d.log.contains("damaged"), "\(d.log)")
        }
    }

    @Test func fileErrorsOfImportAndExportInPlainWords() throws {
        try withDaemon { d in
            let cases: [([String], String)] = [
                (["export", "-o", d.dir.path], "--output \(d.dir.path): cannot write it: is a directory"),
                (["export", "-o", d.dir.file("missing-dir/f.json")], "no such directory \(d.dir.file("missing-dir"))"),
                (["import", d.dir.path], "import \(d.dir.path): cannot read it: is a directory"),
                (["import", d.dir.file("nope.json")], "cannot read it: no such file"),
                (["import", d.dir.file("missing-dir/f.json")], "no such directory \(d.dir.file("missing-dir"))"),
            ]
            for (arguments, message) in cases {
                let out = try d.relctl(arguments)
                #expect(out.status == 2, "\(arguments): \(out.status) \(out.stderr)")
                #expect(out.stderr.contains(message), "\(arguments): \(out.stderr)")
                expectPlain(out.stderr)
            }
            #expect(!FileManager.default.fileExists(atPath: d.dir.file("missing-dir")))
        }
    }

    @Test func aSocketOptionThatIsNoSocketSaysSo() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try "".write(toFile: dir.file("plain"), atomically: true, encoding: .utf8)
        let file = try run(Binaries.relctl, ["--socket", dir.file("plain"), "status"])
        #expect(file.status == 3)
        #expect(file.stderr.contains("\(dir.file("plain")) is a regular file, not a socket"), "\(file.stderr)")
        let empty = try run(Binaries.relctl, ["--socket", "", "status"])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("--socket \"\""), "\(empty.stderr)")
    }

    @Test func daemonsExit64ForABadCommandLineAnd78ForABadConfigFile() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let token = try Hub.makeToken(in: dir)
        let usage: [(String, [String], String)] = [
            (Binaries.reld, ["--bogus"], "--bogus"),
            (Binaries.reld, ["--state-dir", ""], "--state-dir \"\""),
            (Binaries.reld, ["--socket", ""], "--socket \"\""),
            (Binaries.reld, ["--sync-interval", "0"], "--sync-interval 0"),
            (Binaries.reld, ["--feed", "ftp://x", "--state-dir", dir.file("s")], "--feed"),
            (
                Binaries.reld,
                [
                    "--feed", "http://127.0.0.1:1", "--token-file", dir.file("none"), "--state-dir", dir.file("s"), "--socket",
                    dir.file("s.sock"),
                ], "no such file"
            ),
            (Binaries.relhub, ["--bogus"], "--bogus"),
            (Binaries.relhub, ["--state-dir", "", "--token-file", token], "--state-dir \"\""),
            (Binaries.relhub, ["--listen", "nowhere", "--token-file", token], "--listen \"nowhere\""),
            (Binaries.relhub, ["--token-file", dir.path, "--state-dir", dir.file("h")], "is a directory"),
        ]
        for (binary, arguments, message) in usage {
            let out = try run(binary, arguments, timeout: 30)
            #expect(out.status == 64, "\(binary) \(arguments): \(out.status) \(out.stderr)")
            #expect(out.stderr.contains(message), "\(binary) \(arguments): \(out.stderr)")
        }
        let configs: [(String, String, String)] = [
            (
                Binaries.reld, "socket_mode = 0660\n",
                #":1: key "socket_mode": 0660 is not a TOML number (no leading zeros); write it in quotes: socket_mode = "0660""#
            ),
            (Binaries.reld, "socket_group = \"no-such-group-reld\"\n", #"group "no-such-group-reld" does not exist; create it"#),
            (
                Binaries.reld, "[sync]\nfeed = \"http://127.0.0.1:1\"\ntoken_file = \"\(dir.path)\"\n",
                "is a directory; give a file; check the path and that this user may read it (named by [sync] token_file in"
            ),
            (
                Binaries.relhub, "token_file = \"\(dir.path)\"\n",
                "is a directory; give a file; check the path and that this user may read it (named by token_file in"
            ),
            (
                Binaries.relhub, "max_page_size = 0100\n",
                #"key "max_page_size": 0100 is not a TOML number (no leading zeros); write max_page_size = 100"#
            ),
        ]
        for (binary, text, message) in configs {
            let config = dir.file("bad.toml")
            try text.write(toFile: config, atomically: true, encoding: .utf8)
            let own = binary == Binaries.reld ? ["--socket", dir.file("s.sock")] : []
            let out = try run(binary, ["--config", config, "--state-dir", dir.file("s")] + own, timeout: 30)
            #expect(out.status == 78, "\(text): \(out.status) \(out.stderr)")
            #expect(out.stderr.contains(config) && out.stderr.contains(message), "\(text): \(out.stderr)")
            expectPlain(out.stderr)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("s")), "nothing was started")
    }

    /// relhub answers a request past its parser's 80 KiB with its JSON error too.
    @Test func relhubAnswersAnUnreadableRequestWithJSON() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let hub = try Hub.start(dir: dir, tokenFile: try Hub.makeToken(in: dir))
        defer { hub.stop() }
        let fd = try connectTCP(port: hub.port)
        defer { close(fd) }
        let huge = exchange(fd, "GET /v1/changes?since=\(String(repeating: "1", count: 90_000)) HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(huge.hasPrefix("HTTP/1.1 400"), "\(huge.prefix(300))")
        #expect(
            huge.contains("application/json")
                && huge.contains(
                    "{\"error\":{\"code\":\"bad_request\",\"message\":\"the request line and headers are larger than relhub reads (80 KiB)"),
            "\(huge.prefix(600))")
    }

    @Test func aTakenPortOrSocketIsSaidPlainly() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let token = try Hub.makeToken(in: dir)
        let hub = try Hub.start(dir: dir, tokenFile: token)
        defer { hub.stop() }
        let second = try run(
            Binaries.relhub, ["--listen", "127.0.0.1:\(hub.port)", "--state-dir", dir.file("hub2"), "--token-file", token], timeout: 30)
        #expect(second.status == 1)
        #expect(
            second.stderr.contains(
                "cannot listen on 127.0.0.1:\(hub.port): address already in use; stop the other server there, or choose another with --listen"
            ), "\(second.stderr)")
        expectPlain(second.stderr)

        let reld = try Daemon(dir: dir)
        defer { _ = try? reld.stop(SIGKILL) }
        let other = try run(Binaries.reld, ["--state-dir", dir.file("other"), "--socket", reld.socket], timeout: 30)
        #expect(other.status == 1)
        #expect(other.stderr.contains("another reld is already serving on \(reld.socket)"), "\(other.stderr)")
        expectPlain(other.stderr)
    }
}
