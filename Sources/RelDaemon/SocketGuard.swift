#if canImport(Glibc)
import Glibc
#endif
import Foundation

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
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o750])
            } catch {
                throw DaemonError("cannot create socket directory \(directory): \((error as NSError).localizedDescription)")
            }
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw DaemonError("\(path) exists and is not a socket; remove it or choose another --socket")
        }
        if isLive(path) {
            throw DaemonError("another reld is already serving on \(path); stop it first (relctl status shows it), or give this one another --socket")
        }
        unlink(path)
    }

    /// Whether something accepts connections on the socket at `path`.
    static func isLive(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }

    /// Gives the socket its mode and group, so that members of the control group (and only they)
    /// can connect.
    static func setAccess(_ path: String, mode: UInt16, group: String?) throws(DaemonError) {
        if let group {
            guard let entry = getgrnam(group) else {
                throw DaemonError("group \(group) does not exist, so the socket keeps reld's own group; create it (systemd-sysusers) or set socket_group")
            }
            guard chown(path, uid_t.max, entry.pointee.gr_gid) == 0 else {
                throw DaemonError("cannot give \(path) to group \(group): \(String(cString: strerror(errno)))")
            }
        }
        guard chmod(path, mode_t(mode)) == 0 else {
            throw DaemonError("cannot set mode of \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// A reason reld cannot start or go on, said so a person can act on it.
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    /// The message.
    public var description: String
    init(_ message: String) { description = message }
}
