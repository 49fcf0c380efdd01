import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// reld (often root) never writes through a link another user planted, and refuses directories
/// other users can write to; exports are private by default.
@Suite("State file safety", .serialized)
struct StateFileSafetyTests {
    /// The lock file is opened with O_NOFOLLOW; the database and its log are checked before
    /// SQLite opens them.
    @Test(arguments: ["reld.lock", "reld.sqlite", "reld.sqlite-wal"])
    func aSymlinkedStateFileIsRefusedAndItsTargetUntouched(name: String) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let state = dir.file("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let victim = dir.file("victim")
        try "precious\n".write(toFile: victim, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: state + "/" + name, withDestinationPath: victim)
        let reld = try Daemon(dir: dir, extraArguments: [], expectReady: false)
        defer { _ = try? reld.stop(SIGKILL) }
        #expect(try reld.waitForExit() == 1)
        #expect(reld.log.contains("\(name) is a symbolic link"), "\(reld.log)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
    }

    @Test func aStateDirectoryOthersCanWriteToIsRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let state = dir.file("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false)
        chmod(state, 0o777)
        let reld = try Daemon(dir: dir, expectReady: false)
        defer { _ = try? reld.stop(SIGKILL) }
        #expect(try reld.waitForExit() == 1)
        #expect(reld.log.contains("writable by other users (mode 777)") && reld.log.contains("chmod go-w"), "\(reld.log)")
    }

    @Test func aSocketDirectoryOthersCanWriteToIsRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let sockets = dir.file("run")
        try FileManager.default.createDirectory(atPath: sockets, withIntermediateDirectories: false)
        chmod(sockets, 0o777)
        let reld = try Daemon(dir: dir, socket: sockets + "/reld.sock", expectReady: false)
        defer { _ = try? reld.stop(SIGKILL) }
        #expect(try reld.waitForExit() == 1)
        #expect(reld.log.contains("socket directory \(sockets): writable by other users"), "\(reld.log)")
    }

    /// A socket straight in /tmp, as the README's walk-through does: root's sticky directory
    /// lets nobody remove or swap another user's socket, so it is allowed.
    @Test func aSocketInTheStickyTmpIsAllowed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var info = stat()
        try #require(stat("/tmp", &info) == 0 && info.st_uid == 0 && info.st_mode & 0o1000 != 0, "/tmp is not root's sticky directory here")
        let socket = "/tmp/reld-e2e-\(getpid())-\(UInt32.random(in: 0 ... .max)).sock"
        defer { unlink(socket) }
        let reld = try Daemon(dir: dir, socket: socket)
        defer { _ = try? reld.stop(SIGKILL) }
        #expect(try reld.relctl("status").status == 0)
    }

    @Test func aStateDirectoryAnotherUserOwnsIsRefusedAsRoot() throws {
        guard geteuid() == 0 else { return }
        let dir = try TempDir()
        defer { dir.remove() }
        let state = dir.file("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        chown(state, 65534, 65534)
        let reld = try Daemon(dir: dir, expectReady: false)
        defer { _ = try? reld.stop(SIGKILL) }
        #expect(try reld.waitForExit() == 1)
        #expect(reld.log.contains("owned by another user (uid 65534)"), "\(reld.log)")
    }

    @Test func relhubRefusesASymlinkedLockFile() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let state = dir.file("hub")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let victim = dir.file("victim")
        try "precious\n".write(toFile: victim, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: state + "/relhub.lock", withDestinationPath: victim)
        let token = try Hub.makeToken(in: dir)
        let out = try run(Binaries.relhub, ["--listen", "127.0.0.1:0", "--state-dir", state, "--token-file", token], timeout: 30)
        #expect(out.status == 1)
        #expect(out.stderr.contains("relhub.lock is a symbolic link"), "\(out.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
    }

    @Test func exportsArePrivateUnlessAskedOtherwise() throws {
        try withDaemon { reld in
            let umaskBefore = umask(0o022)
            defer { umask(umaskBefore) }
            let file = reld.dir.file("ledger.json")
            #expect(try reld.relctl("export", "-o", file).status == 0)
            #expect(Self.mode(file) == 0o600)
            #expect(try reld.relctl("export", "--mode", "0644", "-o", file).status == 0)
            #expect(Self.mode(file) == 0o644)
            let bad = try reld.relctl("export", "--mode", "rw", "-o", file)
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("--mode \"rw\": must be octal permission bits"), "\(bad.stderr)")
        }
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o777
    }
}
