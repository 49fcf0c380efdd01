import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and writes the files a person names (imports, exports, config and token files) with
/// the system calls themselves, so that each failure keeps its `errno` and becomes a
/// ``FileProblem`` in plain words.
public enum PlainFile {
    /// The whole content of `path`; a directory, a missing file or a missing directory is
    /// refused with its name.
    public static func read(_ path: String) throws(FileProblem) -> Data {
        let fd = try openForReading(path)
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileProblem(path: path, errno: errno) }
        var data = Data()
        if (info.st_mode & S_IFMT) == S_IFREG { data.reserveCapacity(Int(info.st_size)) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileProblem(path: path, errno: errno)
            }
            if n == 0 { return data }
            data.append(contentsOf: buffer[..<n])
        }
    }

    /// A descriptor open for reading `path`, which the caller closes; a directory, a missing file
    /// or a missing directory is refused with its name.
    public static func openForReading(_ path: String) throws(FileProblem) -> Int32 {
        if path.isEmpty { throw FileProblem(path: path, words: FileProblem.emptyPath) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileProblem(path: path, errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw FileProblem(path: path, errno: code)
        }
        // open(2) succeeds on a directory; read(2) would then fail with a less helpful EISDIR.
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw FileProblem(path: path, errno: EISDIR)
        }
        return fd
    }

    /// The content of `path` as UTF-8 text.
    public static func readText(_ path: String) throws(FileProblem) -> String {
        let data = try read(path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw FileProblem(path: path, words: "is not UTF-8 text")
        }
        return text
    }

    /// Replaces `path` with `data` atomically: the data goes to a temporary file beside it,
    /// which is renamed over `path` once complete, so a failure never leaves half a file.
    /// With `permissions`, the file gets exactly those bits whatever the umask (it is created
    /// 0600 and widened only once written); without, 0666 less the umask.
    public static func writeAtomically(_ data: Data, to path: String, permissions: mode_t? = nil) throws(FileProblem) {
        if let words = FileProblem.words(forWriting: path) { throw FileProblem(path: path, words: words) }
        let temporary = FileProblem.parent(of: path) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions == nil ? 0o666 : 0o600)
        guard fd >= 0 else { throw FileProblem(path: path, errno: errno, writing: true) }
        var failure: Int32?
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if failure == nil, let permissions, fchmod(fd, permissions & 0o777) != 0 { failure = errno }
        if failure == nil, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == nil { failure = errno }
        if failure == nil, rename(temporary, path) != 0 { failure = errno }
        if let failure {
            unlink(temporary)
            throw FileProblem(path: path, errno: failure, writing: true)
        }
    }
}

/// read(2), named apart from ``PlainFile/read(_:)``.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
