#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Damaged database files and a full disk: reld says what is wrong, writes nothing half-done,
/// never overwrites what it cannot read, and works again once the cause is gone.
@Suite("Storage faults", .serialized)
struct StorageFaultTests {
    /// A stopped reld's state directory holding the seed records.
    func seededState(_ dir: TempDir) throws -> String {
        let reld = try Daemon(dir: dir)
        #expect(try reld.relctl("import", Binaries.seedRecords).status == 0)
        #expect(try reld.stop() == 0)
        return dir.file("state/reld.sqlite")
    }

    @Test(arguments: ["truncated", "garbage"])
    func aDamagedDatabaseIsRefusedAndLeftAlone(_ damage: String) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = try seededState(dir)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let damaged = damage == "truncated" ? original.prefix(original.count / 3) : Data(repeating: 0x5A, count: 8192)
        try damaged.write(to: URL(fileURLWithPath: path))

        let reld = try Daemon(dir: dir, expectReady: false)
        #expect(try reld.waitForExit() == 1)
        #expect(reld.log.contains("database \(path) is damaged"), "\(reld.log)")
        #expect(reld.log.contains("restore it from a backup"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == damaged, "reld never writes over a file it cannot read")
        #expect(!canConnect(reld.socket))
    }

    @Test func aFullDiskFailsWritesClearlyAndKeepsWhatIsStored() throws {
        guard geteuid() == 0 else { return }  // mounting a small tmpfs needs root (CI runs as root)
        let dir = try TempDir()
        defer { dir.remove() }
        let mountPoint = dir.file("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mounted = try run("/usr/bin/env", ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint])
        guard mounted.status == 0 else {
            Issue.record("cannot mount a tmpfs: \(mounted.stderr)")
            return
        }
        defer { _ = try? run("/usr/bin/env", ["umount", "-l", mountPoint]) }

        let reld = try Daemon(dir: dir, stateDir: mountPoint + "/state")
        defer { _ = try? reld.stop(SIGKILL) }
        #expect(try reld.relctl("import", Binaries.seedRecords).status == 0)
        let before = try reld.relctl("export").stdout
        // Leave next to no room, then write until the disk is full.
        _ = try run("/usr/bin/env", ["dd", "if=/dev/zero", "of=\(mountPoint)/filler", "bs=64k", "count=1000"])
        var refused: Output?
        for i in 0..<200 {
            let out = try reld.relctl("add-event", "--id", "full-\(i)", "--title", String(repeating: "Long title ", count: 40),
                                      "--category", "diplomatic", "--notes", String(repeating: "n", count: 4000))
            if out.status != 0 { refused = out; break }
        }
        let failure = try #require(refused, "the disk never filled up")
        #expect(failure.status == 1)
        #expect(failure.stderr.contains("disk full"), "\(failure.stderr)")
        #expect(failure.stderr.contains("nothing was written"))

        // What was stored is intact, and reld still answers.
        let during = try reld.relctl("export")
        #expect(during.status == 0)
        let lines = Set(during.stdout.split(separator: "\n").map { $0.hasSuffix(",") ? $0.dropLast() : $0 })
        let seed = before.split(separator: "\n").map { $0.hasSuffix(",") ? $0.dropLast() : $0 }
        #expect(seed.allSatisfy(lines.contains), "every record stored before the disk filled is still there, unchanged")
        let check = try run("/usr/bin/env", ["sqlite3", "file:\(mountPoint)/state/reld.sqlite?mode=ro", "PRAGMA quick_check;"])
        #expect(check.stdout.hasPrefix("ok"), "\(check.stdout)\(check.stderr)")

        // Space back: writes work again.
        try FileManager.default.removeItem(atPath: mountPoint + "/filler")
        #expect(try reld.relctl("add-event", "--id", "after-full", "--title", "After", "--category", "diplomatic").status == 0)
        #expect(try reld.relctl("show", "after-full").status == 0)
    }

    @Test func aConfigThatVanishesOrTurnsBadStopsTheRestartAndTouchesNothing() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let config = dir.file("reld.toml")
        try "log_level = \"info\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let arguments = ["--config", config]
        let reld = try Daemon(dir: dir, extraArguments: arguments)
        #expect(try reld.relctl("import", Binaries.seedRecords).status == 0)
        #expect(try reld.stop() == 0)
        let database = reld.stateDir + "/reld.sqlite"
        let stored = try Data(contentsOf: URL(fileURLWithPath: database))

        // Turned bad (an editor saved half a line), then gone (deleted, or a volume not mounted).
        try "log_level = \"inf".write(toFile: config, atomically: true, encoding: .utf8)
        let bad = try run(Binaries.reld, ["--state-dir", reld.stateDir, "--socket", reld.socket] + arguments)
        #expect(bad.status == 78, "\(bad.stderr)")
        #expect(bad.stderr.contains(config + ":1"), "the message names the file and line: \(bad.stderr)")
        try FileManager.default.removeItem(atPath: config)
        let gone = try run(Binaries.reld, ["--state-dir", reld.stateDir, "--socket", reld.socket] + arguments)
        #expect(gone.status == 78, "\(gone.stderr)")
        #expect(gone.stderr.contains(config) && gone.stderr.contains("cannot read it"), "\(gone.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == stored, "the store was not opened, let alone changed")
        #expect(!FileManager.default.fileExists(atPath: reld.socket), "no socket was left behind")

        // Fixed: reld starts on the same store with everything in it.
        try "log_level = \"info\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let again = try Daemon(dir: dir, extraArguments: arguments)
        defer { _ = try? again.stop(SIGKILL) }
        #expect(try again.relctl("show", "mlru-e21").status == 0)
    }
}
