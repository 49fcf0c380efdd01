import Foundation
import NIOCore
import RelControlAPI
import RelFiles

#if canImport(Glibc)
    import Glibc
#endif

/// Makes sure reld never takes over a live control socket.
///
/// Hummingbird removes an existing socket file before it binds, so without this check a second
/// reld would silently steal the socket of a running one. A socket nobody answers on is stale
/// (left by a crash) and is removed.
enum SocketGuard {
    /// Prepares `path` for binding: creates its directory, refuses a live socket or a non-socket
    /// file, removes a stale socket.
    static func prepare(_ path: String) throws(DaemonError) {
        guard path.utf8.count < 108 else {
            throw DaemonError("socket path \(path) is too long for a Unix socket (107 bytes at most); choose a shorter --socket")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o750])
            } catch {
                throw DaemonError("cannot create socket directory \(FileProblem(path: directory, error: error, writing: true))")
            }
        }
        if let problem = DirectorySafety.problem(directory, allowingSticky: true) {
            throw DaemonError("socket directory \(directory): \(problem)")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw DaemonError("\(path) exists and is not a socket; remove it or choose another --socket")
        }
        if UnixSocketProbe.isLive(path) {
            throw DaemonError(
                "another reld is already serving on \(path); stop it first (relctl status shows it), or give this one another --socket")
        }
        unlink(path)
    }

    /// The failure to bind the socket at `path`, said in plain words, or `nil` when `error` is
    /// not about binding (NIO's text is `bind(descriptor:ptr:bytes:) ... (errno: 98)`).
    static func bindProblem(_ error: any Error, path: String) -> DaemonError? {
        guard let e = error as? IOError, "\(e)".contains("bind") else { return nil }
        let reason =
            e.errnoCode == EADDRINUSE
            ? "another process took it meanwhile; stop it, or choose another --socket"
            : FileProblem.words(errno: e.errnoCode, path: path, writing: true) + "; choose another --socket or socket in reld.toml"
        return DaemonError("cannot serve on socket \(path): \(reason)")
    }

    /// Whether the system knows a group of this name.
    static func groupExists(_ name: String) -> Bool {
        getgrnam(name) != nil
    }

    /// Gives the socket its mode and group, so that members of the control group (and only they)
    /// can connect.
    static func setAccess(_ path: String, mode: UInt16, group: String?) throws(DaemonError) {
        guard chmod(path, mode_t(mode)) == 0 else {
            throw DaemonError("cannot set mode of \(path): \(String(cString: strerror(errno)))")
        }
        guard let group else { return }
        guard let entry = getgrnam(group) else {
            throw DaemonError(
                "group \(group) does not exist, so the socket keeps reld's own group; create it (systemd-sysusers) or set socket_group")
        }
        var info = stat()
        // Under systemd the socket is born with the right group; skipping chown(2) then lets
        // the unit forbid the @chown system calls.
        let alreadyOwned = stat(path, &info) == 0 && info.st_gid == entry.pointee.gr_gid
        guard alreadyOwned || chown(path, uid_t.max, entry.pointee.gr_gid) == 0 else {
            throw DaemonError("cannot give \(path) to group \(group): \(String(cString: strerror(errno)))")
        }
    }
}

/// A reason reld cannot start or go on, said so a person can act on it.
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    /// The message.
    public var description: String
    /// Whether the CA file is at fault (a bad command line when `--ca-file` named it).
    var isCAFile = false
    init(_ message: String) { description = message }
}
