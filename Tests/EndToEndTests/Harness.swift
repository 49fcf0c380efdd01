import Foundation
import RelControlAPI
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Finds the built `reld` and `relctl` next to the test bundle (`swift build` puts them there).
enum Binaries {
    static let directory: URL = {
        if let dir = ProcessInfo.processInfo.environment["RELD_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The test bundle may sit inside a `.xctest` directory.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("reld").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }()

    static var reld: String { directory.appendingPathComponent("reld").path }
    static var relctl: String { directory.appendingPathComponent("relctl").path }
    static var relhub: String { directory.appendingPathComponent("relhub").path }
    /// The package root, for the files the package ships.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// The sample ledger the package ships (examples/mali-russia.json).
    static var seedRecords: String { packageRoot.appendingPathComponent("examples/mali-russia.json").path }
}

/// A temporary directory, removed by `remove()`; paths are short so socket paths fit in 108 bytes.
struct TempDir {
    let path: String

    init() throws {
        var template = Array("/tmp/reld-e2e-XXXXXX".utf8CString)
        StaleRuns.cleaned
        guard let p = mkdtemp(&template) else { throw HarnessError("mkdtemp failed") }
        path = String(cString: p)
        try "\(getpid())\n".write(toFile: path + "/owner.pid", atomically: true, encoding: .utf8)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// What a finished process said.
struct Output {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion (bounded by `timeout`), feeding `stdin`.
func run(
    _ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil,
    timeout: TimeInterval = 60
) throws -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    // Read both pipes concurrently so a large output never blocks the child.
    nonisolated(unsafe) var outData = Data()
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try? input.fileHandleForWriting.close()
    if group.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        throw HarnessError("\(executable) \(arguments) did not finish within \(timeout)s")
    }
    process.waitUntilExit()
    return Output(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// Kills daemons left behind by an earlier test run that was itself killed (its `defer`s never
/// ran): each run's directory records the test process and the daemons it started, by pid.
enum StaleRuns {
    static let cleaned: Void = {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: "/tmp")) ?? [] where name.hasPrefix("reld-e2e-") {
            let dir = "/tmp/" + name
            guard let owner = try? String(contentsOfFile: dir + "/owner.pid", encoding: .utf8),
                let ownerPID = Int32(owner.trimmingCharacters(in: .whitespacesAndNewlines)),
                kill(ownerPID, 0) != 0
            else { continue }  // its test run is still alive
            for file in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] where file.hasSuffix(".daemon.pid") {
                if let text = try? String(contentsOfFile: dir + "/" + file, encoding: .utf8),
                    let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                    let cmdline = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
                    cmdline.contains(dir)
                {
                    kill(pid, SIGKILL)
                }
            }
            try? fm.removeItem(atPath: dir)
        }
    }()
}

/// A reld started for one test on its own state directory and socket.
final class Daemon: @unchecked Sendable {
    let dir: TempDir
    let stateDir: String
    let socket: String
    let process: Process
    let logFile: String

    /// Starts reld and waits until its socket accepts connections (not a sleep: a bounded poll).
    init(
        dir: TempDir, stateDir: String? = nil, socket: String? = nil, extraArguments: [String] = [],
        expectReady: Bool = true
    ) throws {
        self.dir = dir
        self.stateDir = stateDir ?? dir.file("state")
        self.socket = socket ?? dir.file("reld.sock")
        logFile = dir.file("reld-\(UUID().uuidString.prefix(8)).log")
        process = try spawn(
            Binaries.reld, ["--state-dir", self.stateDir, "--socket", self.socket] + extraArguments,
            logFile: logFile)
        if expectReady { try waitUntilReady() }
    }

    var pid: Int32 { process.processIdentifier }
    var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    func waitUntilReady(timeout: TimeInterval = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if canConnect(socket) { return }
            guard process.isRunning else { throw HarnessError("reld exited (\(process.terminationStatus)) before it was ready:\n\(log)") }
            usleep(20_000)
        }
        throw HarnessError("reld not ready within \(timeout)s:\n\(log)")
    }

    /// Waits for the process to end (bounded); returns its exit status.
    @discardableResult
    func waitForExit(timeout: TimeInterval = 30) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            guard Date() < deadline else {
                kill(pid, SIGKILL)
                throw HarnessError("reld (pid \(pid)) did not exit within \(timeout)s:\n\(log)")
            }
            usleep(20_000)
        }
        return process.terminationStatus
    }

    /// Sends `signal` and waits for reld to exit.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) throws -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(pid, signal)
        return try waitForExit()
    }

    /// Runs relctl against this daemon.
    func relctl(_ arguments: String..., stdin: Data? = nil) throws -> Output {
        try relctl(arguments, stdin: stdin)
    }

    func relctl(_ arguments: [String], stdin: Data? = nil) throws -> Output {
        try run(Binaries.relctl, ["--socket", socket] + arguments, stdin: stdin)
    }

    deinit {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Runs `body` with a fresh daemon, then stops it and removes its directory, whatever happens.
func withDaemon<T>(extraArguments: [String] = [], _ body: (Daemon) throws -> T) throws -> T {
    let dir = try TempDir()
    defer { dir.remove() }
    let daemon = try Daemon(dir: dir, extraArguments: extraArguments)
    defer { _ = try? daemon.stop(SIGKILL) }
    return try body(daemon)
}

/// Whether something accepts connections on the Unix socket at `path`.
func canConnect(_ path: String) -> Bool { UnixSocketProbe.isLive(path) }

func connectUnix(_ path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HarnessError("socket() failed") }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard result == 0 else {
        close(fd)
        throw HarnessError("connect(\(path)) failed: \(String(cString: strerror(errno)))")
    }
    return fd
}

/// Sends raw bytes on a fresh connection and returns what comes back until the peer closes
/// (or `timeout`), for tests of malformed traffic.
func rawExchange(_ path: String, _ bytes: [UInt8], timeout: Int = 5) throws -> String {
    let fd = try connectUnix(path)
    defer { close(fd) }
    return exchange(fd, bytes, timeout: timeout)
}

/// Sends `bytes` on the connected socket `fd` and reads until the peer closes or `timeout`
/// seconds pass (Unix or TCP alike).
func exchange(_ fd: Int32, _ bytes: [UInt8], timeout: Int = 5) -> String {
    var tv = timeval(tv_sec: timeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    var sent = 0
    while sent < bytes.count {
        let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n <= 0 { break }  // the server may close early (e.g. on an oversized body)
        sent += n
    }
    var response = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        response += buffer[0..<n]
    }
    return String(decoding: response, as: UTF8.self)
}

/// Parses JSON text into Foundation values, failing the test if it is not JSON.
func parseJSON(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}
