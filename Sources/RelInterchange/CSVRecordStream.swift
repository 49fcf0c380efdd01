import Foundation
import RelModel

/// The records of a CSV file as the JSON array `POST /v1/import` takes, made piece by piece as
/// the rows are read, so that a file of any size can be sent while it is read.
///
/// A bad row stops it with an ``InterchangeError`` naming the line, column and value. An id that
/// comes twice is not looked for here (that would hold every id in memory): reld finds it, and
/// names it by record, which ``line(ofRecord:)`` turns back into the file's line.
public final class CSVRecordStream {
    /// The file as the person named it.
    public var file: String { reader.file }
    /// Records made so far.
    public private(set) var count = 0

    private let importer: CSVImport
    private let reader: CSVRowReader
    // The first line of each record's row (4 bytes a row), to name reld's errors by line.
    private var lines: [Int32] = []
    private var state = State.header

    private enum State { case header, rows, done }

    /// Opens `stream` and checks its header against the importer's format.
    public init(importer: CSVImport, stream: InputStream, file: String) throws(InterchangeError) {
        self.importer = importer
        reader = try CSVRowReader(stream: stream, file: file)
        try importer.checkHeader(reader)
    }

    /// Appends the next records to `out` until it holds at least `bytes` bytes or the file ends:
    /// `[` before the first, `]` after the last. Returns `false` once everything has been appended.
    public func fill(_ out: inout Data, upTo bytes: Int) throws(InterchangeError) -> Bool {
        switch state {
        case .done: return false
        case .header:
            out.append(0x5B)
            state = .rows
        case .rows: break
        }
        while out.count < bytes {
            guard let row = try reader.next() else {
                out.append(0x5D)
                state = .done
                return true
            }
            let record = try importer.record(from: row, file: file, header: reader.header)
            if count > 0 { out.append(0x2C) }
            out.append(contentsOf: JSONText.compactBytes(record))
            lines.append(Int32(clamping: row.line))
            count += 1
        }
        return true
    }

    /// The line the row of record `index` (0-based, as reld counts them) starts on.
    public func line(ofRecord index: Int) -> Int? {
        lines.indices.contains(index) ? Int(lines[index]) : nil
    }
}
