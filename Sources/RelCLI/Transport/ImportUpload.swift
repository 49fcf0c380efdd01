import Foundation
import RelFiles
import RelInterchange

#if canImport(Glibc)
    import Glibc
#endif

/// An import's body, made while it is sent: a JSON file's bytes as they are read, or a CSV
/// file's records as JSON as its rows are read. Neither relctl nor reld holds the whole import,
/// so a file of any size takes the memory of a few pieces.
///
/// What it throws (a file that cannot be read, a bad CSV row) is a ``CLIError``, which ends the
/// request; reld then drops what it had received, and nothing is imported.
struct ImportUpload: Sendable {
    /// Bytes per piece: large enough that the socket, not relctl, sets the pace.
    static let pieceBytes = 256 << 10

    private let source: Source

    /// An upload whose pieces `source` makes.
    init(source: Source) { self.source = source }

    /// Makes the pieces one at a time. The exchange asks for them from a thread of its own, which
    /// may still be making one when the request has ended (reld refused early), so what the
    /// pieces are made from is only touched under the lock (see ``whileStill(_:)``).
    final class Source: @unchecked Sendable {
        private let lock = NSLock()
        private let produce: () throws -> Data?
        init(_ produce: @escaping () throws -> Data?) { self.produce = produce }
        func next() throws -> Data? { try lock.withLock { try produce() } }
        func whileStill<T>(_ body: () -> T) -> T { lock.withLock(body) }
    }

    /// The next piece, or nil at the end.
    func next() throws -> Data? { try source.next() }

    /// Runs `body` while no piece is being made, e.g. to read the CSV stream's line table.
    func whileStill<T>(_ body: () -> T) -> T { source.whileStill(body) }

    /// The bytes of the open file `fd` (a JSON file, or standard input), as they are; `fd` is
    /// closed at its end (not by the caller, whose request may end first).
    static func file(_ fd: Int32, name: String) -> ImportUpload {
        var info = stat()
        let size = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
        var sent = 0
        return ImportUpload(
            source: Source {
                var piece = Data(count: pieceBytes)
                let (n, code) = piece.withUnsafeMutableBytes { raw in
                    while true {
                        let n = read(fd, raw.baseAddress, raw.count)
                        if n < 0 && errno == EINTR { continue }
                        return (n, errno)
                    }
                }
                guard n > 0 else {
                    if fd != STDIN_FILENO { close(fd) }
                    guard n == 0 else {
                        throw CLIError(
                            .usage, "import \(name): cannot read it: \(FileProblem(path: name, errno: code).words)",
                            code: JSONErrorOutput.Code.fileUnreadable)
                    }
                    return nil
                }
                sent += n
                ProgressLine.waitingDetail = size.map { "\(megabytes(sent)) of \(megabytes($0)) sent" } ?? "\(megabytes(sent)) sent"
                return piece.prefix(n)
            })
    }

    /// The records of a CSV file, as the JSON array reld takes.
    static func csv(_ records: CSVRecordStream) -> ImportUpload {
        ImportUpload(
            source: Source {
                var piece = Data()
                piece.reserveCapacity(pieceBytes + 4096)
                do throws(InterchangeError) {
                    guard try records.fill(&piece, upTo: pieceBytes) else { return nil }
                } catch {
                    throw CLIError(.refused, "\(error.description); nothing was imported", code: .validationFailed)
                }
                ProgressLine.waitingDetail = "\(ProgressLine.count(records.count)) records sent"
                return piece
            })
    }

    /// `12.3 MB`: sizes as people read them, in decimal megabytes like `ls -h --si`.
    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }
}
