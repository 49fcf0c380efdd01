import Foundation
import Logging
import RelFiles
import RelStore

#if canImport(Glibc)
    import Glibc
#endif

/// An import's checked records, one JSON line each, in a file with no name in the state
/// directory: the body is read and checked as it arrives and kept here, so that memory does not
/// grow with the import's size and the write transaction starts only once all of it is there
/// (a slow client never holds the database's write lock). The file has no name (`O_TMPFILE`,
/// or unlinked at once where the file system lacks that), so nothing is left after a crash.
///
/// Used by one task at a time: written while the body is read, then read back inside the
/// import's transaction.
final class ImportSpool: @unchecked Sendable {
    /// The directory the file is in, for error messages.
    let directory: String
    /// Lines written.
    private(set) var count = 0
    /// Bytes written.
    private(set) var size = 0

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var readBuffer: [UInt8] = []
    private var readStart = 0
    private var scanned = 0
    private var atEnd = false

    private static let blockSize = 1 << 20
    private static let namePrefix = ".import-"
    private static let nameSuffix = ".spool"

    /// Removes the named spool files a reld killed between creating one and unlinking it (a
    /// moment, on a file system without `O_TMPFILE`) left in `directory`. Called at start, when
    /// the state directory's lock is held, so no import can be using them.
    static func removeLeftovers(in directory: String, logger: Logger) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix(namePrefix) && name.hasSuffix(nameSuffix) {
            if unlink(directory + "/" + name) == 0 {
                logger.notice("removed an unfinished import's file left by an earlier run", metadata: ["file": "\(name)"])
            }
        }
    }

    /// Opens a new, nameless file in `directory`.
    init(directory: String) throws {
        self.directory = directory
        // O_TMPFILE is a macro of two flags, which Swift does not import whole.
        var fd = open(directory, __O_TMPFILE | O_DIRECTORY | O_RDWR | O_CLOEXEC, 0o600)
        if fd < 0, [EOPNOTSUPP, EISDIR, EINVAL].contains(errno) {
            let path = directory + "/" + Self.namePrefix + UUID().uuidString.lowercased() + Self.nameSuffix
            fd = open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
            if fd >= 0 { unlink(path) }
        }
        guard fd >= 0 else { throw Self.failure(errno, directory) }
        self.fd = fd
        buffer.reserveCapacity(Self.blockSize)
    }

    deinit { close(fd) }

    /// Adds one line (`bytes` must hold no newline).
    func append(_ bytes: some Collection<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        buffer.append(0x0A)
        count += 1
        if buffer.count >= Self.blockSize { try flush() }
    }

    /// Writes what is buffered and starts reading from the first line.
    func rewind() throws {
        try flush()
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw Self.failure(errno, directory) }
        readBuffer = []
        readStart = 0
        scanned = 0
        atEnd = false
    }

    /// The next line, without its newline; `nil` after the last.
    func nextLine() throws -> ArraySlice<UInt8>? {
        while true {
            // Each byte is looked at once, however many blocks a long line spans.
            if let end = readBuffer[max(readStart, scanned)...].firstIndex(of: 0x0A) {
                defer { readStart = end + 1 }
                return readBuffer[readStart..<end]
            }
            if atEnd { return nil }
            readBuffer.removeSubrange(0..<readStart)
            readStart = 0
            scanned = readBuffer.count
            let old = readBuffer.count
            readBuffer.append(contentsOf: repeatElement(0, count: Self.blockSize))
            let n = readBuffer.withUnsafeMutableBytes { raw in
                retrying { read(fd, raw.baseAddress! + old, Self.blockSize) }
            }
            guard n >= 0 else { throw Self.failure(errno, directory) }
            readBuffer.removeLast(Self.blockSize - n)
            if n == 0 { atEnd = true }
        }
    }

    private func flush() throws {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { raw in
                retrying { write(fd, raw.baseAddress! + done, raw.count - done) }
            }
            guard n > 0 else { throw Self.failure(n < 0 ? errno : ENOSPC, directory) }
            done += n
        }
        size += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    private func retrying(_ call: () -> Int) -> Int {
        while true {
            let n = call()
            if n < 0 && errno == EINTR { continue }
            return n
        }
    }

    /// A failure to use the file, as the store says it: a full disk is the one a person can act on.
    private static func failure(_ code: Int32, _ directory: String) -> StoreError {
        switch code {
        case ENOSPC, EDQUOT: .diskFull(path: directory)
        case EROFS: .unusable(path: directory, reason: "cannot keep an import's records there: read-only file system", cause: .readOnly)
        default:
            .unusable(
                path: directory,
                reason: "cannot keep an import's records there: \(FileProblem(path: directory, errno: code, writing: true).words)",
                cause: .ioError)
        }
    }
}
