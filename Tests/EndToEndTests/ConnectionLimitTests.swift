import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Idle and half-finished connections cannot use up relhub's or reld's descriptors: each server
/// runs under a low descriptor limit with a short `idle_timeout` and a small `max_connections`,
/// and the test holds more idle connections than either allows.
@Suite("Connection limits", .serialized)
struct ConnectionLimitTests {
    static let health = "GET /v1/health HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n"

    /// relhub under `ulimit -n 64`, with `settings` in its config file.
    static func limitedHub(_ dir: TempDir, _ settings: String) throws -> ServerProcess {
        let token = try Hub.makeToken(in: dir)
        let config = dir.file("relhub.toml")
        try settings.write(toFile: config, atomically: true, encoding: .utf8)
        return try ServerProcess(
            dir: dir, name: "relhub", executable: "/usr/bin/prlimit",
            arguments: [
                "--nofile=64:64", Binaries.relhub, "--config", config, "--listen", "127.0.0.1:0",
                "--state-dir", dir.file("hub"), "--token-file", token,
            ],
            portIn: Hub.readyPort)
    }

    @Test func connectionsPastTheCapAreRefusedAndIdleOnesClosed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let hub = try Self.limitedHub(dir, "idle_timeout = 2\nmax_connections = 16\n")
        defer { hub.stop() }

        // 16 idle connections (nothing sent), one with half a header, one after a finished
        // keep-alive request: all hold a place.
        var held = try (0..<16).map { _ in try connectTCP(port: hub.port) }
        defer { for fd in held { close(fd) } }
        Self.waitForSteadyDescriptors(hub.pid)

        // Past the cap: a clear 503, not a hang and not a dead server.
        let start = cpuTicks(hub.pid)
        var refused = 0
        for _ in 0..<30 {
            let answer = try tcpRequest(port: hub.port, Self.health, timeout: 5)
            if answer.hasPrefix("HTTP/1.1 503") {
                refused += 1
                #expect(
                    answer.contains("too_many_connections") && answer.contains("Retry-After: 1\r\n")
                        && answer.contains("Connection: close"), "\(answer)")
            } else {
                #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
            }
        }
        #expect(refused > 0)

        // The idle ones are closed after idle_timeout (2 s), which frees places again.
        for fd in held { #expect(closedByPeer(fd, within: 6)) }
        for fd in held { close(fd) }
        held = []
        let used = cpuTicks(hub.pid) - start
        #expect(used < 300, "relhub used \(used) ticks of CPU while refusing")
        #expect(try tcpRequest(port: hub.port, Self.health).hasPrefix("HTTP/1.1 200"))

        // Half a header, and a keep-alive connection after one request, are closed too.
        let half = try connectTCP(port: hub.port)
        defer { close(half) }
        _ = send(half, "GET /v1/health HTTP/1.1\r\nHo", 27, Int32(MSG_NOSIGNAL))
        let kept = try connectTCP(port: hub.port)
        defer { close(kept) }
        let request = "GET /v1/health HTTP/1.1\r\nHost: hub\r\n\r\n"
        _ = send(kept, request, request.utf8.count, Int32(MSG_NOSIGNAL))
        #expect(closedByPeer(half, within: 6))
        #expect(closedByPeer(kept, within: 6))
    }

    @Test func runningOutOfDescriptorsDoesNotSpinTheCPU() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        // A cap above the descriptor limit: accept(2) fails with EMFILE, and must back off.
        let hub = try Self.limitedHub(dir, "idle_timeout = 2\nmax_connections = 1000\n")
        defer { hub.stop() }
        try Self.expectNoSpin(pid: hub.pid, name: "relhub", log: { hub.log }) { try connectTCP(port: hub.port) }
        // Once the held connections are gone, it serves again.
        let deadline = Date().addingTimeInterval(20)
        var answer = ""
        while Date() < deadline, !answer.hasPrefix("HTTP/1.1 200") {
            answer = (try? tcpRequest(port: hub.port, Self.health, timeout: 2)) ?? ""
        }
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)\n\(hub.log)")
    }

    @Test func reldOutOfDescriptorsDoesNotSpinTheCPU() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let config = dir.file("reld.toml")
        try "idle_timeout = 30\nmax_connections = 1000\n".write(toFile: config, atomically: true, encoding: .utf8)
        let reld = try Daemon(dir: dir, extraArguments: ["--config", config])
        defer { _ = try? reld.stop(SIGKILL) }
        #expect(try run("/usr/bin/prlimit", ["--pid", "\(reld.pid)", "--nofile=64:64"]).status == 0)
        try Self.expectNoSpin(pid: reld.pid, name: "reld", log: { reld.log }) { try connectUnix(reld.socket) }
        #expect(try reld.relctl("status").status == 0, "\(reld.log)")
    }

    /// Holds 80 connections to a server limited to 64 descriptors, and checks that it neither
    /// spins nor stays quiet about it while its descriptors are used up.
    static func expectNoSpin(pid: Int32, name: String, log: () -> String, connect: () throws -> Int32) throws {
        var held: [Int32] = []
        defer { for fd in held { close(fd) } }
        for _ in 0..<80 { if let fd = try? connect() { held.append(fd) } }
        // Measure only once the server has taken all the descriptors it can (its accepting is
        // work, not spinning), over two seconds: a spinning accept loop would use them whole.
        waitForSteadyDescriptors(pid)
        let start = cpuTicks(pid)
        usleep(2_000_000)
        let used = cpuTicks(pid) - start
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        #expect(used < ticks / 2, "\(name) used \(used) ticks in two seconds (\(ticks) a second) with its descriptors used up")
        #expect(log().contains("\(name): cannot accept connections: Too many open files (limit 64 open files)"), "\(log())")
    }

    /// How many descriptors `pid` holds.
    static func descriptorCount(_ pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    /// Waits (at most five seconds) until the number of descriptors `pid` holds has not changed
    /// for half a second.
    static func waitForSteadyDescriptors(_ pid: Int32) {
        let deadline = Date().addingTimeInterval(5)
        var last = -1
        var steadySince = Date()
        while Date() < deadline {
            let count = descriptorCount(pid)
            if count != last {
                last = count
                steadySince = Date()
            }
            if Date().timeIntervalSince(steadySince) >= 0.5 { return }
            usleep(50_000)
        }
    }

    @Test func reldRefusesConnectionsPastItsCap() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let config = dir.file("reld.toml")
        // Long enough an idle time that the held connections are all still open when the ninth
        // comes, on a slow machine too.
        try "idle_timeout = 5\nmax_connections = 8\n".write(toFile: config, atomically: true, encoding: .utf8)
        let reld = try Daemon(dir: dir, extraArguments: ["--config", config])
        defer { _ = try? reld.stop(SIGKILL) }
        // The connection that found reld ready holds a place until reld sees it closed.
        Self.waitForSteadyDescriptors(reld.pid)
        var held = try (0..<8).map { _ in try connectUnix(reld.socket) }
        defer { for fd in held { close(fd) } }
        // The cap counts connections reld has accepted, not ones waiting in the backlog. (Not a
        // count of descriptors: the connection that found reld ready may still be closing.)
        Self.waitForSteadyDescriptors(reld.pid)
        let answer = try rawExchange(reld.socket, Array("GET /v1/status HTTP/1.1\r\nHost: reld\r\nConnection: close\r\n\r\n".utf8))
        #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer)\n\(reld.log)")
        #expect(answer.contains("too_many_connections"))
        for fd in held { #expect(closedByPeer(fd, within: 12)) }
        for fd in held { close(fd) }
        held = []
        #expect(try reld.relctl("status").status == 0)
    }
}
