import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A server started for one test (relhub, or a static web server): its pid is recorded so a
/// killed test run's leftovers are cleaned up, and it is ready once its log names its port.
final class ServerProcess: @unchecked Sendable {
    let process: Process
    let logFile: String
    private(set) var port = 0

    /// Starts `executable` and waits (bounded poll of its log, not a sleep) until `portIn` finds
    /// the listening port in what it logged.
    init(
        dir: TempDir, name: String, executable: String, arguments: [String],
        portIn: @escaping (String) -> Int?, timeout: TimeInterval = 30
    ) throws {
        logFile = dir.file("\(name)-\(UUID().uuidString.prefix(8)).log")
        process = try spawn(executable, arguments, logFile: logFile, directory: dir.path)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let p = portIn(log(of: logFile)) {
                port = p
                return
            }
            guard process.isRunning else {
                throw HarnessError("\(name) exited (\(process.terminationStatus)) before it was ready:\n\(self.log)")
            }
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGKILL)
        throw HarnessError("\(name) not ready within \(timeout)s:\n\(self.log)")
    }

    var pid: Int32 { process.processIdentifier }
    var log: String { log(of: logFile) }

    private func log(of file: String) -> String { (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits (bounded) for the process to end.
    func stop(_ signal: Int32 = SIGTERM) {
        guard process.isRunning else { return }
        kill(pid, signal)
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop(SIGKILL) }
}

/// relhub on a loopback port, with its own state directory and token file.
enum Hub {
    /// A fresh 64-hex-digit token in `dir/token`, mode 0600.
    static func makeToken(in dir: TempDir, name: String = "token") throws -> String {
        let token = (0..<4).map { _ in String(format: "%016llx", UInt64.random(in: .min ... .max)) }.joined()
        let path = dir.file(name)
        try (token + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        return path
    }

    /// The token that ``makeToken(in:name:)`` wrote to `path`, as a request would carry it.
    static func tokenText(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A reld holding the sample ledger, and a static web server that serves its snapshot
    /// (`relctl export --feed`) as `/ledger.json`: what a read-only follower syncs from.
    static func snapshotSource(dir: TempDir) throws -> (source: Daemon, server: ServerProcess) {
        let source = try Daemon(dir: dir, stateDir: dir.file("source"), socket: dir.file("source.sock"))
        do {
            #expect(try source.relctl("import", Binaries.seedRecords).status == 0)
            try FileManager.default.createDirectory(atPath: dir.file("www"), withIntermediateDirectories: true)
            #expect(try source.relctl("export", "--feed", "-o", dir.file("www/ledger.json")).status == 0)
            return (source, try staticServer(dir: dir, directory: dir.file("www")))
        } catch {
            _ = try? source.stop(SIGKILL)
            throw error
        }
    }

    /// Starts relhub; `port` 0 lets it pick a free one (read back from its "ready" line).
    /// `settings`, if given, is written to `dir/relhub.toml` and passed as its config file.
    /// With `database`, the feed is kept in that cluster's database rather than in SQLite.
    static func start(
        dir: TempDir, port: Int = 0, tokenFile: String, stateDir: String? = nil, settings: String? = nil,
        database: PostgresCluster? = nil
    ) throws -> ServerProcess {
        var arguments = ["--listen", "127.0.0.1:\(port)", "--state-dir", stateDir ?? dir.file("hub"), "--token-file", tokenFile]
        if let database { arguments += ["--database", database.url, "--database-password-file", database.passwordFile] }
        if let settings {
            let config = dir.file("relhub.toml")
            try settings.write(toFile: config, atomically: true, encoding: .utf8)
            arguments = ["--config", config] + arguments
        }
        return try ServerProcess(dir: dir, name: "relhub", executable: Binaries.relhub, arguments: arguments, portIn: readyPort)
    }

    /// The port in relhub's "ready" log line, once it is there.
    static func readyPort(_ log: String) -> Int? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains(" ready ") }),
            let text = line.split(separator: ":").last
        else { return nil }
        return Int(text.prefix { $0.isNumber })
    }

    /// Serves `directory` with Python's static web server (Last-Modified, no ETag).
    static func staticServer(dir: TempDir, directory: String) throws -> ServerProcess {
        try ServerProcess(
            dir: dir, name: "http-server", executable: "/usr/bin/env",
            arguments: ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory]
        ) { log in
            guard let range = log.range(of: " port ") else { return nil }
            return Int(log[range.upperBound...].prefix { $0.isNumber })
        }
    }
}

/// Starts a program with its output in `logFile` and its pid beside it (`LOG.daemon.pid`, read
/// by ``StaleRuns``), without the systemd variables of the environment the tests run in.
func spawn(_ executable: String, _ arguments: [String], logFile: String, directory: String? = nil) throws -> Process {
    _ = FileManager.default.createFile(atPath: logFile, contents: nil)
    let log = FileHandle(forWritingAtPath: logFile)!
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var environment = ProcessInfo.processInfo.environment
    environment.removeValue(forKey: "NOTIFY_SOCKET")
    environment.removeValue(forKey: "JOURNAL_STREAM")
    process.environment = environment
    process.standardOutput = log
    process.standardError = log
    try process.run()
    try "\(process.processIdentifier)\n".write(toFile: logFile + ".daemon.pid", atomically: true, encoding: .utf8)
    return process
}
