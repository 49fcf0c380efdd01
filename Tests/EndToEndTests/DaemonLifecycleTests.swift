import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Starting, refusing to start, and stopping: the daemon behaves as a Linux daemon should.
@Suite struct DaemonLifecycleTests {
    @Test func secondDaemonOnSameStateDirectoryIsRefused() throws {
        try withDaemon { d in
            let other = try TempDir()
            defer { other.remove() }
            let second = try Daemon(dir: other, stateDir: d.stateDir, expectReady: false)
            let status = try second.waitForExit()
            #expect(status == 1)
            #expect(second.log.contains("state directory \(d.stateDir) is in use by another process (pid \(d.pid))"), "\(second.log)")
            #expect(try d.relctl("status").status == 0, "the first one is untouched")
        }
    }

    @Test func secondDaemonOnSameSocketIsRefused() throws {
        try withDaemon { d in
            let other = try TempDir()
            defer { other.remove() }
            let second = try Daemon(dir: other, socket: d.socket, expectReady: false)
            #expect(try second.waitForExit() == 1)
            #expect(second.log.contains("another reld is already serving on \(d.socket)"), "\(second.log)")
            let status = try #require(try parseJSON(try d.relctl("--json", "status").stdout) as? [String: Any])
            #expect(status["node_id"] != nil, "the socket still leads to the first daemon")
        }
    }

    @Test func staleSocketAfterKillIsReplaced() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let first = try Daemon(dir: dir)
        #expect(try first.relctl("add-event", "--title", "Kept", "--category", "security").status == 0)
        try first.stop(SIGKILL)
        #expect(FileManager.default.fileExists(atPath: first.socket), "kill -9 leaves the socket file")
        let second = try Daemon(dir: dir)
        defer { _ = try? second.stop(SIGKILL) }
        #expect(try second.relctl("list").stdout.contains("Kept"), "a write acknowledged before kill -9 survives")
    }

    @Test func relctlWithoutDaemonExits3() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let out = try run(Binaries.relctl, ["status", "--socket", dir.file("none.sock")])
        #expect(out.status == 3)
        #expect(out.stderr.contains("cannot reach reld at \(dir.file("none.sock"))"))
        #expect(out.stderr.contains("Start it with `reld`"))
    }

    @Test func sigtermShutsDownCleanly() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let d = try Daemon(dir: dir)
        #expect(try d.relctl("import", Binaries.seedRecords).status == 0)
        var info = stat()
        #expect(stat(d.socket, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660, "the control socket is not world-writable")
        #expect(try d.stop(SIGTERM) == 0)
        #expect(!FileManager.default.fileExists(atPath: d.socket), "the socket is removed on a clean stop")
        #expect(d.log.contains("stopped cleanly"))
        let check = try run("/usr/bin/sqlite3", [d.stateDir + "/reld.sqlite", "PRAGMA integrity_check"])
        #expect(check.stdout == "ok\n", "\(check.stdout)\(check.stderr)")
        let count = try run("/usr/bin/sqlite3", [d.stateDir + "/reld.sqlite", "SELECT count(*) FROM records"])
        #expect(count.stdout == "53\n")
    }

    @Test func badConfigStopsWithFileLineAndKey() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let config = dir.file("reld.toml")
        try "# test\nlog_level = \"info\"\nsokcet = \"/tmp/x.sock\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let out = try run(Binaries.reld, ["--config", config, "--state-dir", dir.file("s"), "--socket", dir.file("s.sock")])
        #expect(out.status == 78)
        #expect(out.stderr.contains("\(config):3: key \"sokcet\": unknown key"), "\(out.stderr)")
        try "log_level = \"loud\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let bad = try run(Binaries.reld, ["--config", config])
        #expect(bad.status == 78 && bad.stderr.contains("\(config):1: key \"log_level\": must be one of"), "\(bad.stderr)")
        let missing = try run(Binaries.reld, ["--config", dir.file("nope.toml")])
        #expect(missing.status == 78 && missing.stderr.contains("cannot read it"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("s")), "nothing was created")
    }

    @Test func configFileIsUsed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let config = dir.file("reld.toml")
        try """
        state_dir = "\(dir.file("from-config"))"
        socket = "\(dir.file("c.sock"))"
        socket_mode = "0600"
        log_level = "debug"
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.reld)
        process.arguments = ["--config", config]
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(30)
        while !canConnect(dir.file("c.sock")), process.isRunning, Date() < deadline { usleep(20_000) }
        let out = try run(Binaries.relctl, ["status", "--socket", dir.file("c.sock")])
        #expect(out.status == 0 && out.stdout.contains(dir.file("from-config") + "/reld.sqlite"), "\(out.stdout)\(out.stderr)")
        var info = stat()
        #expect(stat(dir.file("c.sock"), &info) == 0 && info.st_mode & 0o777 == 0o600)
    }
}
