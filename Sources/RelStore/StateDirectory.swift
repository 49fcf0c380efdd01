import Foundation
import RelFiles

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The directory that holds one node's database, locked so that only one reld uses it at a time.
///
/// The lock is an `flock` on `reld.lock`: the kernel drops it when the process dies, even by
/// `kill -9`, so a crash never leaves a stale lock behind.
public final class StateDirectory: Sendable {
    /// The directory.
    public let path: String
    private let lockFD: Int32

    /// The database file inside the directory.
    public var databasePath: String { path + "/\(name).sqlite" }
    /// Names the database and lock files: `reld`, or `relhub` for the hub.
    public let name: String

    /// Creates the directory if needed (mode 0700) and takes its lock, `NAME.lock`.
    public init(path: String, name: String = "reld") throws(StoreError) {
        self.path = path
        self.name = name
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError.stateDirectory(path: path, reason: "cannot create it: \(Self.reason(error, path))")
        }
        if let problem = DirectorySafety.problem(path) {
            throw StoreError.stateDirectory(path: path, reason: problem)
        }
        let lockPath = path + "/\(name).lock"
        // O_NOFOLLOW: a symlink planted here must not make reld truncate the file it points to.
        let fd = open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == ELOOP {
                throw StoreError.stateDirectory(
                    path: path, reason: "\(lockPath) is a symbolic link, which \(name) never follows; remove it")
            }
            throw StoreError.stateDirectory(path: path, reason: "cannot open \(FileProblem(path: lockPath, errno: errno, writing: true))")
        }
        let database = path + "/\(name).sqlite"
        if let link = [database, database + "-wal", database + "-shm"].first(where: DirectorySafety.isSymlink) {
            close(fd)
            throw StoreError.stateDirectory(path: path, reason: "\(link) is a symbolic link, which \(name) never follows; remove it")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder =
                (try? String(contentsOfFile: lockPath, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw StoreError.locked(path: path, pid: Int32(holder))
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        lockFD = fd
    }

    deinit {
        close(lockFD)
    }

    private static func reason(_ error: any Error, _ path: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return "it exists and is not a directory; remove it or choose another state directory"
        }
        return FileProblem(path: path, error: error, writing: true).words
    }
}
