import Foundation
import Testing

@testable import RelStore

/// An old store reld may not write (a read-only file, or a read-only directory or file system)
/// is refused with the reason, before any migration, and left as it was. As root, which may write
/// whatever the permissions say, the file or directory is mounted read-only instead.
@Suite struct OldStoreReadOnlyTests {
    @Test(arguments: OldStore.all)
    func aReadOnlyOldStoreIsRefusedAndLeftAsItWas(_ old: OldStore) async throws {
        try await old.withCopy { path in
            guard try makeReadOnly(path, file: true) else { return }
            defer { undoReadOnly(path, file: true) }
            let error = try #require(throws: StoreError.self) { try AppDatabase(path: path) }
            guard case .unusable = error else {
                Issue.record("expected .unusable, got \(error)")
                return
            }
            #expect(error.description.hasPrefix("cannot use database \(path): "), "\(error)")
            #expect(error.description.contains("read-only"), "\(error)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: old.url))
        }
    }

    @Test(arguments: OldStore.all)
    func anOldStoreInAReadOnlyDirectoryIsRefusedAndLeftAsItWas(_ old: OldStore) async throws {
        try await old.withCopy { copy in
            let dir = (copy as NSString).deletingLastPathComponent + "/read-only"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
            let path = dir + "/reld.sqlite"
            try FileManager.default.copyItem(atPath: copy, toPath: path)
            guard try makeReadOnly(dir, file: false) else { return }
            defer { undoReadOnly(dir, file: false) }
            let error = try #require(throws: StoreError.self) { try AppDatabase(path: path) }
            guard case .unusable = error else {
                Issue.record("expected .unusable, got \(error)")
                return
            }
            #expect(error.description.hasPrefix("cannot use database \(path): "), "\(error)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: old.url))
        }
    }
}

/// Makes a file or directory read-only for this process: by its permissions, or as root by a
/// read-only bind mount of it. Returns false (having recorded why) if that cannot be done.
private func makeReadOnly(_ path: String, file: Bool) throws -> Bool {
    guard geteuid() == 0 else {
        try FileManager.default.setAttributes([.posixPermissions: file ? 0o444 : 0o555], ofItemAtPath: path)
        return true
    }
    guard try mount(["--bind", path, path]) else { return false }
    guard try mount(["-o", "remount,bind,ro", path]) else {
        undoReadOnly(path, file: file)
        return false
    }
    return true
}

/// Undoes ``makeReadOnly(_:file:)``, so the temporary directory can be removed.
private func undoReadOnly(_ path: String, file: Bool) {
    if geteuid() == 0 {
        _ = try? mount(["-l", path], command: "umount")
    } else {
        try? FileManager.default.setAttributes([.posixPermissions: file ? 0o644 : 0o755], ofItemAtPath: path)
    }
}

/// Runs mount (or umount) with `arguments`; records an issue and returns false if it fails.
private func mount(_ arguments: [String], command: String = "mount") throws -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [command] + arguments
    let stderr = Pipe()
    process.standardError = stderr
    try process.run()
    let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        Issue.record("\(command) \(arguments.joined(separator: " ")) failed: \(message)")
        return false
    }
    return true
}
