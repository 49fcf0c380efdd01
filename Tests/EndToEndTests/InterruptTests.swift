import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C on long relctl calls: relctl says what became of the work and exits 130, and reld does
/// what relctl said (an import is rolled back; a sync round goes on); `export -o -` is stdout.
@Suite struct InterruptTests {
    /// A relctl started in the background, its output going to files.
    struct Background {
        let process: Process
        let stdout: String
        let stderr: String

        init(
            _ arguments: [String], dir: TempDir, name: String, executable: String = Binaries.relctl,
            stdin: FileHandle = FileHandle.nullDevice
        ) throws {
            stdout = dir.file("\(name).out")
            stderr = dir.file("\(name).err")
            _ = FileManager.default.createFile(atPath: stdout, contents: nil)
            _ = FileManager.default.createFile(atPath: stderr, contents: nil)
            process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
            process.standardOutput = FileHandle(forWritingAtPath: stdout)
            process.standardError = FileHandle(forWritingAtPath: stderr)
            process.standardInput = stdin
            try process.run()
        }

        var pid: Int32 { process.processIdentifier }

        /// Whether relctl has installed its SIGINT handler (the first thing it does): from then
        /// on, Ctrl-C gets its message rather than the default silent exit.
        var catchesSIGINT: Bool {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
                let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16)
            else { return false }
            return mask & (1 << UInt64(SIGINT - 1)) != 0
        }

        /// Waits (bounded) for relctl to exit; returns its status and what it wrote.
        func finish(timeout: TimeInterval = 30) throws -> Output {
            try waitUntil(timeout: timeout, "relctl \(process.arguments ?? []) to exit") { !process.isRunning }
            return Output(
                status: process.terminationStatus,
                stdout: (try? String(contentsOfFile: stdout, encoding: .utf8)) ?? "",
                stderr: (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "")
        }
    }

    /// A bounded poll; fails the test with `what` when `condition` does not come true in time.
    static func waitUntil(timeout: TimeInterval, _ what: String, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else { throw HarnessError("gave up after \(timeout)s waiting for \(what)") }
            usleep(20_000)
        }
    }

    /// `count` generated events as an import file.
    static func generated(_ count: Int, in dir: TempDir, prefix: String = "gen") throws -> String {
        let records = (0..<count).map {
            "{\"id\":\"\(prefix)-\($0)\",\"kind\":\"event\",\"title\":\"Generated \($0)\",\"category\":\"diplomatic\",\"date\":\"2023-02-07\",\"parties\":[\"ML\",\"RU\"]}"
        }
        let file = dir.file("\(prefix)-\(count).json")
        try ("[" + records.joined(separator: ",\n") + "]").write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    static func recordCount(_ d: Daemon) throws -> Int {
        let status = try #require(try parseJSON(try d.relctl("--json", "status").stdout) as? [String: Any])
        let records = try #require(status["records"] as? [String: Int])
        return (records["event"] ?? 0) + (records["agreement"] ?? 0)
    }

    @Test func ctrlCDuringAnImportRollsItBack() throws {
        try withDaemon { d in
            let file = try Self.generated(30_000, in: d.dir)
            let relctl = try Background(["--socket", d.socket, "import", file], dir: d.dir, name: "import")
            // reld logs when the import's transaction starts writing: the moment to interrupt.
            try Self.waitUntil(timeout: 120, "reld to start writing the import") {
                d.log.contains("import writing") || !relctl.process.isRunning
            }
            kill(relctl.pid, SIGINT)
            let out = try relctl.finish()
            #expect(out.status == 130, "\(out.stderr)")
            #expect(out.stderr == "interrupted: the import was cancelled; nothing was imported\n")
            #expect(out.stdout == "")
            try Self.waitUntil(timeout: 60, "reld to log the cancellation") {
                d.log.contains("import cancelled: client went away after ")
            }
            #expect(d.log.contains(" of 30000 records; nothing was written"), "\(d.log)")
            #expect(try Self.recordCount(d) == 0)
            let status = try #require(try parseJSON(try d.relctl("--json", "status").stdout) as? [String: Any])
            #expect(status["pending_changes"] as? Int == 0)

            // reld is still healthy, and a later import goes through (no progress drawn: not a terminal).
            let later = try d.relctl("import", try Self.generated(300, in: d.dir, prefix: "later"))
            #expect(later.status == 0, "\(later.stderr)")
            #expect(later.stdout == "Imported: 300 created, 0 updated, 0 unchanged.\n")
            #expect(later.stderr == "")
            #expect(try Self.recordCount(d) == 300)
        }
    }

    /// relctl sends a file while it reads it: Ctrl-C before the end of it must leave nothing in
    /// reld, which had only received part of the records.
    @Test func ctrlCWhileTheFileIsStillBeingSentImportsNothing() throws {
        try withDaemon { d in
            let records = (0..<3_000).map {
                "{\"id\":\"part-\($0)\",\"kind\":\"event\",\"title\":\"Part \($0)\",\"category\":\"diplomatic\"}"
            }
            let pipe = Pipe()
            let relctl = try Background(["--socket", d.socket, "import", "-"], dir: d.dir, name: "half", stdin: pipe.fileHandleForReading)
            // About 240 KB, more than three times a pipe's buffer: the write returns only once relctl has read
            // most of it, which it does only while sending it to reld.
            let half = Data(("[" + records.joined(separator: ",\n") + ",\n").utf8)
            #expect(half.count > 3 * 65_536)
            try pipe.fileHandleForWriting.write(contentsOf: half)
            try Self.waitUntil(timeout: 60, "relctl's SIGINT handler") { relctl.catchesSIGINT || !relctl.process.isRunning }
            kill(relctl.pid, SIGINT)
            let out = try relctl.finish()
            try? pipe.fileHandleForWriting.close()
            #expect(out.status == 130, "\(out.stderr)")
            #expect(out.stderr == "interrupted: the import was cancelled; nothing was imported\n")
            // reld logs the cancellation when its handler saw the request; on a loaded machine the
            // connection may end before that, and the HTTP layer drops it without a word. Either way
            // nothing is written, and reld goes on: a whole import after it is the only one stored.
            let after = try d.relctl("import", try Self.generated(30, in: d.dir, prefix: "after"))
            #expect(after.stdout == "Imported: 30 created, 0 updated, 0 unchanged.\n", "\(after.stderr)")
            #expect(try Self.recordCount(d) == 30)
            #expect(!d.log.contains("request failed"), "a client that goes is not reld's fault: \(d.log)")
            #expect(!d.log.contains("import cancelled: client went away after"), "the write never began: \(d.log)")
            #expect(try Self.spoolFiles(d).isEmpty)
        }
    }

    /// Files an import left in reld's state directory (there must be none: the spool has no name).
    static func spoolFiles(_ d: Daemon) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: d.stateDir).filter { !$0.hasPrefix("reld.") }
    }

    @Test func streamedImportAnswerEndsWithTheResult() throws {
        try withDaemon { d in
            let file = try Self.generated(600, in: d.dir)
            let body = try Data(contentsOf: URL(fileURLWithPath: file))
            let request =
                Array(
                    "POST /v1/import?progress=1 HTTP/1.1\r\nHost: reld\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
                        .utf8) + Array(body)
            let answer = try rawExchange(d.socket, request, timeout: 60)
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
            #expect(answer.lowercased().contains("content-type: application/x-ndjson"))
            #expect(answer.contains("{\"progress\":{\"total\":600,\"written\":0}}"))
            #expect(answer.contains("{\"progress\":{\"total\":600,\"written\":600}}"))
            #expect(answer.contains("{\"result\":{\"created\":600,\"unchanged\":0,\"updated\":0}}"))
            // An unknown value is refused, not taken as "no".
            let bad = try rawExchange(
                d.socket,
                Array(
                    "POST /v1/import?progress=yes HTTP/1.1\r\nHost: reld\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]"
                        .utf8))
            #expect(bad.hasPrefix("HTTP/1.1 400"), "\(bad)")
        }
    }

    @Test func ctrlCDuringASyncRoundSaysTheRoundGoesOn() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        // A feed that accepts connections and never answers keeps every round in flight.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        #expect(bound)
        let port = UInt16(bigEndian: address.sin_port)
        let token = try Hub.makeToken(in: dir)
        let d = try Daemon(dir: dir, extraArguments: ["--feed", "http://127.0.0.1:\(port)", "--token-file", token, "--log-level", "debug"])
        defer { _ = try? d.stop(SIGKILL) }
        let relctl = try Background(["--socket", d.socket, "sync"], dir: dir, name: "sync")
        // reld logs (at debug level) that a client asked for a round: relctl is waiting for it.
        try Self.waitUntil(timeout: 30, "reld to get relctl's sync request") {
            d.log.contains("sync round requested") || !relctl.process.isRunning
        }
        kill(relctl.pid, SIGINT)
        let out = try relctl.finish()
        #expect(out.status == 130, "\(out.stderr)")
        #expect(out.stderr == "interrupted; the sync round goes on in reld, see `relctl status`\n")
        // reld still answers, and says a round is in flight.
        let status = try d.relctl("--json", "status")
        #expect(status.status == 0, "\(status.stderr)")
        let object = try #require(try parseJSON(status.stdout) as? [String: Any])
        let sync = try #require(object["sync"] as? [String: Any])
        #expect(sync["state"] as? String == "syncing")
    }

    @Test func ctrlCWhileReldDoesNotAnswer() throws {
        try withDaemon { d in
            kill(d.pid, SIGSTOP)
            defer { kill(d.pid, SIGCONT) }
            // Connecting still succeeds (the kernel queues it); nothing answers.
            let relctl = try Background(["--socket", d.socket, "--quiet", "list"], dir: d.dir, name: "list")
            try Self.waitUntil(timeout: 30, "relctl to install its signal handler") { relctl.catchesSIGINT || !relctl.process.isRunning }
            kill(relctl.pid, SIGINT)
            let out = try relctl.finish()
            #expect(out.status == 130, "\(out.stderr)")
            // Whether relctl's request got out or not, `list` changes nothing.
            #expect(out.stderr.hasPrefix("interrupted"), "\(out.stderr)")
            #expect(!out.stderr.contains("error"), "\(out.stderr)")
            kill(d.pid, SIGCONT)
            #expect(try d.relctl("status").status == 0)
        }
    }

    /// Runs a relctl command line on a terminal of its own (util-linux `script` gives it a pty),
    /// in the background; what the terminal showed goes to the returned process's stdout file.
    static func onTerminal(_ commandLine: String, dir: TempDir, name: String) throws -> Background {
        try Background(["-qec", commandLine, "/dev/null"], dir: dir, name: name, executable: "/usr/bin/script")
    }

    /// The first process below `pid` (at any depth) whose command name is `name`.
    static func descendant(of pid: Int32, named name: String) -> Int32? {
        var queue = [pid]
        while !queue.isEmpty {
            let next = queue.removeFirst()
            let children = (try? String(contentsOfFile: "/proc/\(next)/task/\(next)/children", encoding: .utf8)) ?? ""
            for child in children.split(separator: " ").compactMap({ Int32($0) }) {
                let command = (try? String(contentsOfFile: "/proc/\(child)/comm", encoding: .utf8)) ?? ""
                if command.trimmingCharacters(in: .whitespacesAndNewlines) == name { return child }
                queue.append(child)
            }
        }
        return nil
    }

    @Test func progressIsDrawnOnATerminalOnly() throws {
        try withDaemon { d in
            let file = try Self.generated(3_000, in: d.dir)
            let shown = try Self.onTerminal("\(Binaries.relctl) --socket \(d.socket) import \(file)", dir: d.dir, name: "tty").finish(
                timeout: 120)
            #expect(shown.status == 0, "\(shown.stdout)")
            #expect(shown.stdout.contains("\rimporting: 0 of 3,000 records written\u{1B}[K"), "\(shown.stdout)")
            #expect(shown.stdout.contains("\rimporting: 3,000 of 3,000 records written"), "\(shown.stdout)")
            // The line is erased before the summary.
            #expect(
                shown.stdout.contains("\r\u{1B}[KImported: 0 created, 0 updated, 3000 unchanged.")
                    || shown.stdout.contains("\r\u{1B}[KImported: 3000 created, 0 updated, 0 unchanged."), "\(shown.stdout)")
            let quiet = try Self.onTerminal("\(Binaries.relctl) --socket \(d.socket) --quiet import \(file)", dir: d.dir, name: "quiet")
                .finish(timeout: 120)
            #expect(quiet.status == 0)
            #expect(!quiet.stdout.contains("importing"), "\(quiet.stdout)")
            #expect(!quiet.stdout.contains("\r\u{1B}[K"), "\(quiet.stdout)")
        }
    }

    @Test func aSilentReldIsShownAsWaiting() throws {
        try withDaemon { d in
            kill(d.pid, SIGSTOP)
            defer { kill(d.pid, SIGCONT) }
            let relctl = try Self.onTerminal("\(Binaries.relctl) --socket \(d.socket) status", dir: d.dir, name: "wait")
            try Self.waitUntil(timeout: 30, "relctl to say it waits") {
                ((try? String(contentsOfFile: relctl.stdout, encoding: .utf8)) ?? "").contains("waiting for reld at \(d.socket) (1 s)")
                    || !relctl.process.isRunning
            }
            kill(d.pid, SIGCONT)
            let out = try relctl.finish()
            #expect(out.status == 0, "\(out.stdout)")
            #expect(out.stdout.contains("\r\u{1B}[Kreld:"), "the waiting line is erased before the answer: \(out.stdout)")
        }
    }

    @Test func ctrlCDuringAnExportWritesNothing() throws {
        try withDaemon { d in
            #expect(try d.relctl("import", Binaries.seedRecords).status == 0)
            kill(d.pid, SIGSTOP)
            defer { kill(d.pid, SIGCONT) }
            let target = d.dir.file("ledger.json")
            let session = try Self.onTerminal("\(Binaries.relctl) --socket \(d.socket) export -o \(target)", dir: d.dir, name: "export")
            // The waiting line shows the export's request is out (and its message set).
            try Self.waitUntil(timeout: 30, "relctl to say it waits") {
                ((try? String(contentsOfFile: session.stdout, encoding: .utf8)) ?? "").contains("waiting for reld")
                    || !session.process.isRunning
            }
            // relctl runs under `script`, perhaps below a shell (`sh -c` when SHELL is unset):
            // interrupt relctl itself, as Ctrl-C would.
            let relctl = try #require(Self.descendant(of: session.pid, named: "relctl"))
            kill(relctl, SIGINT)
            let out = try session.finish()
            #expect(out.status == 130, "\(out.stdout)")
            #expect(
                out.stdout.contains("\r\u{1B}[Kinterrupted: the export was abandoned; nothing was written (\(target) was not touched)"),
                "\(out.stdout)")
            #expect(!FileManager.default.fileExists(atPath: target))
            #expect(try FileManager.default.contentsOfDirectory(atPath: d.dir.path).filter { $0.hasSuffix(".tmp") } == [])
        }
    }

    @Test func exportToDashWritesStandardOutput() throws {
        try withDaemon { d in
            #expect(try d.relctl("import", Binaries.seedRecords).status == 0)
            let plain = try d.relctl("export")
            for arguments in [["export", "-o", "-"], ["export", "--output", "-"], ["export", "--output=-"]] {
                let out = try run(Binaries.relctl, ["--socket", d.socket] + arguments)
                #expect(out.status == 0, "\(arguments): \(out.stderr)")
                #expect(out.stdout == plain.stdout, "\(arguments)")
                #expect(out.stderr == "", "\(arguments)")
            }
            #expect(!FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/-"))
            // And it reads back through `import -`.
            let back = try d.relctl("import", "-", stdin: Data(plain.stdout.utf8))
            #expect(back.stdout == "Imported: 0 created, 0 updated, 53 unchanged.\n")
        }
    }

    /// `-` is standard input or output for relctl's files; the daemons read their files only
    /// from files and say so, instead of looking for a file named `-`.
    @Test func daemonsRefuseDashForTheirFiles() throws {
        for (binary, option) in [
            (Binaries.reld, "--config"), (Binaries.reld, "--token-file"), (Binaries.reld, "--ca-file"),
            (Binaries.relhub, "--config"), (Binaries.relhub, "--token-file"),
        ] {
            let out = try run(binary, [option, "-"])
            #expect(out.status == 64, "\(binary) \(option) -: \(out.stderr)")
            #expect(out.stderr.contains("\(option) -: standard input is not read for this option; give the file's path"), "\(out.stderr)")
        }
    }
}
