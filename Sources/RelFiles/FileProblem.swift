import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file a person named cannot be read or written, in plain words ("no such directory
/// /srv/out", "is a directory", "permission denied", "disk full") instead of Foundation's
/// error numbers ("NSCocoaErrorDomain error 512") or texts that blame the wrong thing ("The
/// file doesn't exist" for a missing directory).
public struct FileProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// What is wrong, in plain words.
    public var words: String

    /// Creates a problem.
    public init(path: String, words: String) {
        self.path = path
        self.words = words
    }

    /// `PATH: WORDS`.
    public var description: String { "\(path): \(words)" }

    /// The problem for `errno` value `code`, met reading (or, with `writing`, writing) `path`.
    public init(path: String, errno code: Int32, writing: Bool = false) {
        self.init(path: path, words: Self.words(errno: code, path: path, writing: writing))
    }

    /// The problem for an error thrown by Foundation (or anything else) about `path`.
    public init(path: String, error: any Error, writing: Bool = false) {
        if let code = Self.posixCode(of: error) {
            self.init(path: path, errno: code, writing: writing)
        } else if let found = writing ? Self.words(forWriting: path) : Self.words(forReading: path) {
            self.init(path: path, words: found)
        } else {
            self.init(path: path, words: writing ? "cannot write it" : "cannot read it")
        }
    }

    /// Plain words for `errno` value `code`. A missing file whose directory is missing too
    /// names the directory, since that is what to fix.
    public static func words(errno code: Int32, path: String, writing: Bool = false) -> String {
        switch code {
        case ENOENT:
            if let missing = missingDirectory(of: path) { return "no such directory \(missing)" }
            return writing ? "cannot create it" : "no such file"
        case EISDIR: return "is a directory; give a file"
        case ENOTDIR: return "a part of the path is not a directory"
        case EACCES, EPERM: return "permission denied"
        case ENOSPC, EDQUOT: return "disk full (or over quota)"
        case EROFS: return "read-only file system"
        case ENAMETOOLONG: return "the name is too long"
        case ELOOP: return "too many symbolic links"
        case EEXIST: return "exists already"
        case EIO: return "input/output error; check the disk"
        default: return String(cString: strerror(code)).lowercased()
        }
    }

    /// What would keep `path` from being read, found by looking at it; `nil` when it looks readable.
    public static func words(forReading path: String) -> String? {
        if path.isEmpty { return emptyPath }
        var info = stat()
        guard stat(path, &info) == 0 else { return words(errno: errno, path: path) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return words(errno: EISDIR, path: path) }
        if access(path, R_OK) != 0 { return words(errno: errno, path: path) }
        return nil
    }

    /// What would keep `path` from being written (created or replaced), found by looking at it
    /// and its directory; `nil` when it looks writable.
    public static func words(forWriting path: String) -> String? {
        if path.isEmpty { return emptyPath }
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { return words(errno: EISDIR, path: path) }
        let directory = parent(of: path)
        guard stat(directory, &info) == 0 else { return words(errno: errno, path: path, writing: true) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return words(errno: ENOTDIR, path: path) }
        if access(directory, W_OK) != 0 { return "permission denied (cannot create files in \(directory))" }
        return nil
    }

    /// An empty path, which the system calls would report as a missing file.
    static let emptyPath = "the path is empty; give a file"

    /// The outermost missing directory on the way to `path`, or `nil` when its directory exists.
    static func missingDirectory(of path: String) -> String? {
        var directory = parent(of: path)
        var missing: String?
        var info = stat()
        while directory != "/", directory != ".", stat(directory, &info) != 0, errno == ENOENT {
            missing = directory
            directory = parent(of: directory)
        }
        return missing
    }

    /// The directory holding `path` ("." for a bare name).
    static func parent(of path: String) -> String {
        let p = (path as NSString).deletingLastPathComponent
        return p.isEmpty ? "." : p
    }

    /// The POSIX error inside a Foundation error, when there is one.
    static func posixCode(of error: any Error) -> Int32? {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return Int32(underlying.code)
        }
        guard ns.domain == NSCocoaErrorDomain else { return nil }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return ENOENT
        case .fileReadNoPermission, .fileWriteNoPermission: return EACCES
        case .fileWriteOutOfSpace: return ENOSPC
        case .fileWriteVolumeReadOnly: return EROFS
        case .fileWriteFileExists: return EEXIST
        default: return nil
        }
    }
}
