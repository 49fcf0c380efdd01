import RelModel

/// A row of a CSV file that cannot become a record, or a file that cannot be read as CSV: says
/// where (file, line, column) and what (the value), so the person can find and fix it.
///
/// `description` reads `FILE line 14, column "event_date": "31-02-2023": day must be 01-28 for 2023-02`.
public struct InterchangeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as the person named it (`(stdin)` for standard input).
    public var file: String
    /// The line the row starts on, counting from 1 (the header is line 1).
    public var line: Int
    /// The column's header name, when one column is at fault.
    public var column: String?
    /// The value at fault, when there is one.
    public var value: String?
    /// What is wrong and, where it helps, how to fix it.
    public var reason: String

    /// Describes a problem at `line` of `file`.
    public init(file: String, line: Int, column: String? = nil, value: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.value = value
        self.reason = reason
    }

    /// The problem in one line, without the `error: ` prefix.
    public var description: String {
        var s = "\(file) line \(line)"
        if let column { s += ", column \(Self.quoted(column))" }
        if let value { s += ": \(Self.quoted(Self.shortened(value)))" }
        return s + ": " + reason
    }

    /// A long value is cut in the message: the line and column already say where it is.
    static func shortened(_ value: String) -> String {
        value.count <= 200 ? value : String(value.prefix(200)) + "…"
    }

    /// JSON-style quoting, so a value with quotes, newlines or control characters stays one line.
    static func quoted(_ s: String) -> String { JSONText.quoted(s) }
}

/// A problem with one column's value, before the file and line are known; ``CSVImport`` adds them.
public struct CellError: Error, Sendable, Equatable {
    /// The column's header name.
    public var column: String
    /// The value as the file has it.
    public var value: String
    /// What is wrong.
    public var reason: String

    /// Describes a problem with `value` in `column`.
    public init(column: String, value: String, reason: String) {
        self.column = column
        self.value = value
        self.reason = reason
    }
}
