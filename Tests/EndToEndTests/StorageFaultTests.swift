import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

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
            let out = try reld.relctl(
                "add-event", "--id", "full-\(i)", "--title", String(repeating: "Long title ", count: 40),
                "--category", "diplomatic", "--notes", String(repeating: "n", count: 4000))
            if out.status != 0 {
                refused = out
                break
            }
        }
        let failure = try #require(refused, "the disk never filled up")
        #expect(failure.status == 1)
        #expect(failure.stderr.contains("disk full"), "\(failure.stderr)")
        #expect(failure.stderr.contains("nothing was written"))

        // An import keeps its records on the same disk while they arrive: refused too, whole.
        let many = dir.file("many.json")
        let records = (0..<500).map { "{\"id\":\"many-\($0)\",\"kind\":\"event\",\"title\":\"Many \($0)\",\"category\":\"military\"}" }
        try ("[" + records.joined(separator: ",\n") + "]").write(toFile: many, atomically: true, encoding: .utf8)
        let imported = try reld.relctl("import", many)
        #expect(imported.status == 1, "\(imported.stderr)")
        #expect(imported.stderr.contains("disk full"), "\(imported.stderr)")
        #expect(imported.stderr.hasSuffix("nothing was imported\n"))
        #expect(try reld.relctl("show", "many-0").status == 1)

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
        #expect(try reld.relctl("import", many).stdout == "Imported: 500 created, 0 updated, 0 unchanged.\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: mountPoint + "/state").filter { !$0.hasPrefix("reld.") }
        #expect(left.isEmpty, "an import leaves no file behind: \(left)")
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

    @Test func damageDeepInTheFileIsFoundByTheBackgroundCheck() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let reld = try Daemon(dir: dir)
        #expect(try reld.relctl("import", Binaries.seedRecords).status == 0)
        #expect(try reld.stop() == 0)
        #expect(reld.log.contains("database check ok"), "a sound file passes: \(reld.log)")
        let database = reld.stateDir + "/reld.sqlite"
        let sound = try Data(contentsOf: URL(fileURLWithPath: database))
        let pages = sound.count / 4096

        // Damage one page at a time. Where the sqlite3 CLI finds the damage (bytes that were free
        // space are harmless), reld must say so: a page that start-up reads makes it refuse to
        // start, any other is reported by the background check. Never missed.
        var foundInBackground = 0
        for page in stride(from: 8, to: pages, by: 7) where foundInBackground < 2 {
            var damaged = sound
            damaged.replaceSubrange((page - 1) * 4096 + 8..<(page - 1) * 4096 + 72, with: Data(repeating: 0xFF, count: 64))
            try damaged.write(to: URL(fileURLWithPath: database))
            let baseline = try run("/usr/bin/env", ["sqlite3", "file:\(database)?mode=ro", "PRAGMA quick_check;"])
            guard !baseline.stdout.hasPrefix("ok") else { continue }
            let started = try Daemon(dir: dir, expectReady: false)
            defer { _ = try? started.stop(SIGKILL) }
            let deadline = Date().addingTimeInterval(30)
            let atStart = "reld will not touch it"
            let inBackground = "export what you need now"
            while started.process.isRunning, !started.log.contains(atStart), !started.log.contains(inBackground), Date() < deadline {
                usleep(20_000)
            }
            if started.log.contains(inBackground) {
                foundInBackground += 1
                #expect(started.log.contains("CRITICAL database \(database) is damaged"), "\(started.log)")
                // It goes on serving what it can read (what touches the page fails with an error).
                #expect(started.process.isRunning)
            } else {
                #expect(started.log.contains(atStart), "page \(page) of \(pages): the damage went unsaid: \(started.log)")
                #expect(try started.waitForExit() == 1)
            }
        }
        #expect(foundInBackground > 0, "no page was damaged that start-up does not read")
    }
}
