#if canImport(Glibc)
    import Glibc
#endif

/// Tries a connection to a Unix stream socket and reports the `errno` of a failure.
///
/// reld uses it to tell a live control socket from a stale one; relctl connects with it, so that it
/// can say why reld cannot be reached from the `errno` of its one connection.
public enum UnixSocketProbe {
    /// Connects to `path` and closes again; throws the `errno` of a failure.
    public static func probe(_ path: String) throws(Errno) {
        close(try connect(path))
    }

    /// A connected stream socket to `path` (close-on-exec), or the `errno` of the failure.
    ///
    /// A listener whose backlog is full makes a connect wait; `timeout` bounds that wait, after
    /// which the error is `EAGAIN`.
    public static func connect(_ path: String, timeout: Duration = .seconds(5)) throws(Errno) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw Errno(ENAMETOOLONG) }
        guard !bytes.contains(0) else { throw Errno(EINVAL) }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Errno(errno) }
        let seconds = timeout.components.seconds
        var wait = timeval(tv_sec: Int(seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw Errno(code)
        }
        return fd
    }

    /// Whether something accepts connections at `path`.
    public static func isLive(_ path: String) -> Bool {
        (try? probe(path)) != nil
    }

    /// An `errno` value with its message.
    public struct Errno: Error, Sendable, Equatable, CustomStringConvertible {
        /// The number, e.g. `ENOENT`.
        public var code: Int32
        init(_ code: Int32) { self.code = code }
        /// `strerror`'s text.
        public var description: String { String(cString: strerror(code)) }
        /// No such file: no socket there.
        public var isMissing: Bool { code == ENOENT || code == ENOTDIR }
        /// Permission denied.
        public var isDenied: Bool { code == EACCES || code == EPERM }
        /// Nothing listens on the socket: a socket file left by a process that is gone.
        public var isRefused: Bool { code == ECONNREFUSED }
    }
}
