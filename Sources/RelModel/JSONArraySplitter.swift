/// Finds the elements of a JSON array that arrives in pieces (a request body read as it comes),
/// holding only the element being read: reading an array of any length takes the memory of its
/// largest element.
///
/// It checks the array's own punctuation and finds where each element ends (strings, escapes,
/// nesting); the element's own syntax is left to ``JSONValue/parse(_:)``, whose error positions
/// ``Element/placing(_:)`` turns into positions in the whole input. One pass, linear in the input.
public struct JSONArraySplitter: Sendable {
    /// One element of the array: its bytes and where it starts in the whole input.
    public struct Element: Sendable {
        /// The element's JSON text.
        public var bytes: [UInt8]
        /// 0-based position in the array.
        public var index: Int
        /// 1-based line of its first byte.
        public var line: Int
        /// 1-based column (in bytes) of its first byte.
        public var column: Int

        /// `error`, found parsing this element alone, at its place in the whole input.
        public func placing(_ error: JSONParseError) -> JSONParseError {
            var placed = error
            placed.line = line + error.line - 1
            if error.line == 1 { placed.column = column + error.column - 1 }
            return placed
        }
    }

    /// Why the input is not an array this splitter can read.
    public enum Failure: Error, Sendable, Equatable {
        /// The input is a JSON value of another type (`typeName` as ``JSONValue/typeName``).
        case notAnArray(typeName: String)
        /// The array's punctuation is wrong, or the input ends inside it.
        case malformed(JSONParseError)
        /// Element `index` (0-based) is longer than the limit.
        case elementTooLarge(index: Int, limit: Int)
        /// There is nothing but white space.
        case empty
    }

    private enum State {
        case start, firstOrEnd, afterComma, element, afterElement, done
    }

    /// Longest element accepted, in bytes.
    public let maxElementBytes: Int
    /// Elements found so far.
    public private(set) var count = 0

    private var state = State.start
    private var offset = 0
    private var bomBytes = 0
    private var line = 1
    private var column = 1
    private var current: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var isScalar = false
    private var startLine = 0
    private var startColumn = 0

    /// A splitter that refuses elements longer than `maxElementBytes`.
    public init(maxElementBytes: Int) {
        self.maxElementBytes = maxElementBytes
    }

    /// Reads the next piece of input, handing each element completed in it to `element`.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, element: (Element) throws -> Void) throws {
        var i = 0
        // Where the element being read began in this piece; its bytes are copied in one go.
        var pieceStart = state == .element ? 0 : -1
        while i < bytes.count {
            let b = bytes[i]
            if state == .element {
                if isScalar {
                    if Self.isSpace(b) || b == 0x2C || b == 0x5D {
                        try complete(bytes, from: pieceStart, to: i, element)
                        pieceStart = -1
                        continue  // the delimiter is read again, after the element
                    }
                } else if inString {
                    if escaped {
                        escaped = false
                    } else if b == 0x5C {
                        escaped = true
                    } else if b == 0x22 {
                        inString = false
                    }
                } else if b == 0x22 {
                    inString = true
                } else if b == 0x7B || b == 0x5B {
                    depth += 1
                } else if b == 0x7D || b == 0x5D {
                    depth -= 1
                }
                advance(b)
                i += 1
                if !isScalar && !inString && depth == 0 {
                    try complete(bytes, from: pieceStart, to: i, element)
                    pieceStart = -1
                } else if current.count + (i - pieceStart) > maxElementBytes {
                    throw Failure.elementTooLarge(index: count, limit: maxElementBytes)
                }
                continue
            }
            if state == .start, offset < 3, offset == bomBytes, b == Self.byteOrderMark[offset] {
                bomBytes += 1
                // A UTF-8 byte order mark, which JSONValue.parse allows too (and counts in columns).
                advance(b)
                i += 1
                continue
            }
            if Self.isSpace(b) {
                advance(b)
                i += 1
                continue
            }
            switch state {
            case .start:
                guard bomBytes == 0 || bomBytes == 3 else { throw malformed("unexpected character after 0xEF") }
                guard b == 0x5B else { throw notAnArray(b) }
                state = .firstOrEnd
            case .firstOrEnd where b == 0x5D, .afterElement where b == 0x5D:
                state = .done
            case .afterElement where b == 0x2C:
                state = .afterComma
            case .afterElement:
                throw malformed("expected ',' or ']' in array")
            case .firstOrEnd, .afterComma:
                guard b != 0x5D else { throw malformed("expected a value after ','") }
                begin(b)
                pieceStart = i
            case .done:
                throw malformed("unexpected text after the JSON value")
            case .element:
                preconditionFailure("handled above")
            }
            advance(b)
            i += 1
            if state == .element && !isScalar && !inString && depth == 0 {
                try complete(bytes, from: pieceStart, to: i, element)
                pieceStart = -1
            }
        }
        if state == .element, pieceStart >= 0 {
            current.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[pieceStart..<bytes.count]))
        }
    }

    /// Says the input has ended: throws unless it held one whole array. A number or literal that
    /// ended with the input is handed to `element` first.
    public mutating func finish(element: (Element) throws -> Void) throws {
        if state == .element, isScalar {
            try complete(UnsafeRawBufferPointer(start: nil, count: 0), from: -1, to: 0, element)
        }
        switch state {
        case .done: return
        case .start: throw Failure.empty
        default: throw malformed("unexpected end of input")
        }
    }

    private mutating func begin(_ b: UInt8) {
        state = .element
        startLine = line
        startColumn = column
        current.removeAll(keepingCapacity: true)
        isScalar = b != 0x7B && b != 0x5B && b != 0x22
        inString = b == 0x22
        escaped = false
        depth = b == 0x7B || b == 0x5B ? 1 : 0
    }

    private mutating func complete(
        _ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, _ element: (Element) throws -> Void
    ) throws {
        if start >= 0 { current.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end])) }
        guard current.count <= maxElementBytes else { throw Failure.elementTooLarge(index: count, limit: maxElementBytes) }
        state = .afterElement
        let found = Element(bytes: current, index: count, line: startLine, column: startColumn)
        count += 1
        try element(found)
    }

    private mutating func advance(_ b: UInt8) {
        offset += 1
        if b == 0x0A {
            line += 1
            column = 1
        } else {
            column += 1
        }
    }

    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    private func malformed(_ reason: String) -> Failure {
        .malformed(JSONParseError(reason: reason, line: line, column: column))
    }

    private func notAnArray(_ b: UInt8) -> Failure {
        switch b {
        case 0x7B: .notAnArray(typeName: "object")
        case 0x22: .notAnArray(typeName: "string")
        case 0x74, 0x66: .notAnArray(typeName: "boolean")
        case 0x6E: .notAnArray(typeName: "null")
        case 0x2D, 0x30...0x39: .notAnArray(typeName: "number")
        default:
            malformed(
                "unexpected character "
                    + (b >= 0x20 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "0x" + String(b, radix: 16, uppercase: true)))
        }
    }
}
