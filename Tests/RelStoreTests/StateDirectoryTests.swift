import Foundation
import RelStore
import Testing

// Protects the single-writer lock on a state directory.
@Suite struct StateDirectoryTests {
    func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("reld-state-\(UUID().uuidString)").path
    }

    @Test func createsTheDirectoryPrivately() throws {
        let base = tempPath()
        let path = base + "/nested/state"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let dir = try StateDirectory(path: path)
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o700)
        #expect(dir.databasePath == path + "/reld.sqlite")
        let pid = try String(contentsOfFile: path + "/reld.lock", encoding: .utf8)
        #expect(pid == "\(getpid())\n")
    }

    @Test func secondLockOnTheSameDirectoryIsRefused() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try StateDirectory(path: path)
        #expect(throws: StoreError.locked(path: path, pid: getpid())) { _ = try StateDirectory(path: path) }
        // The refused attempt must not have released or rewritten the holder's lock.
        #expect(throws: StoreError.self) { _ = try StateDirectory(path: path) }
        withExtendedLifetime(first) {}
    }

    @Test func lockIsReleasedWhenTheHolderGoesAway() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let held = try StateDirectory(path: path)
            #expect(throws: StoreError.self) { _ = try StateDirectory(path: path) }
            withExtendedLifetime(held) {}
        }
        let again = try StateDirectory(path: path)
        #expect(again.path == path)
    }

    @Test func otherDirectoriesAreIndependent() throws {
        let a = tempPath()
        let b = tempPath()
        defer {
            try? FileManager.default.removeItem(atPath: a)
            try? FileManager.default.removeItem(atPath: b)
        }
        let first = try StateDirectory(path: a)
        let second = try StateDirectory(path: b)
        #expect(first.path != second.path)
    }

    @Test func unusablePathIsReported() throws {
        let file = tempPath()
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        let error = #expect(throws: StoreError.self) { _ = try StateDirectory(path: file + "/state") }
        guard case .stateDirectory(let path, let reason)? = error else {
            Issue.record("expected .stateDirectory, got \(String(describing: error))")
            return
        }
        #expect(path == file + "/state")
        #expect(reason.hasPrefix("cannot create it: "))
    }

    // What to do about it (stop the other one, or --state-dir) is reld's and relhub's to say.
    @Test func lockedMessageSaysWhatHappened() {
        let e = StoreError.locked(path: "/var/lib/reld", pid: 42)
        #expect(e.description == "state directory /var/lib/reld is in use by another process (pid 42)")
        #expect(StoreError.notFound(id: "x").description == "no record with id x")
    }
}
