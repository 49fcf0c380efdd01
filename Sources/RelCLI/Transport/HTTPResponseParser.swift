/// Reads an HTTP/1.1 answer from its bytes as they arrive, in pieces of any size: the status line
/// and headers, then a body framed by `Content-Length`, by chunked transfer coding, or by the end
/// of the connection.
///
/// Pure and bounded: the head may take ``maxHeadBytes``, a chunk-size or trailer line
/// ``maxLineBytes``, and the body `maxBodyBytes`. What is kept between pieces is at most an
/// unfinished head or line, and each byte is searched once, so the work is linear in the answer.
struct HTTPResponseParser {
    /// The status line and headers.
    struct Head: Sendable, Equatable {
        /// The status code, e.g. 200.
        var status: Int
        /// The reason phrase, e.g. `OK`.
        var reason: String
        /// The headers in order, names lowercased.
        var headers: [Header]

        /// The first value of the header `name` (lowercase).
        func value(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    }

    /// One header line.
    struct Header: Sendable, Equatable {
        /// The name, lowercased.
        var name: String
        /// The value, without surrounding spaces.
        var value: String
    }

    /// What is wrong with the answer.
    enum Failure: Error, Equatable {
        /// Not HTTP as reld speaks it; the text says what.
        case malformed(String)
        /// The body is larger than the parser takes.
        case tooLarge
        /// The connection ended before the answer did; `inHead` when the head was not complete.
        case endedEarly(inHead: Bool)
    }

    /// Most bytes of a status line and headers (reld sends a few hundred).
    static let maxHeadBytes = 64 << 10
    /// Most bytes of a chunk-size line or a trailer line.
    static let maxLineBytes = 1 << 10

    private enum State: Equatable {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case trailer
        case untilClose
        case done
    }

    private let maxBodyBytes: Int
    private var state = State.head
    /// Bytes received and not yet used: an unfinished head or line (the body passes through).
    private var pending: [UInt8] = []
    /// How far `pending` has been searched for the end of the head or line.
    private var searched = 0
    private var bodyBytes = 0

    /// A parser that takes a body of at most `maxBodyBytes`.
    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    /// Whether the whole answer has been read.
    var isComplete: Bool { state == .done }

    /// Takes the next bytes. Hands the head to `onHead` once it is complete (1xx interim answers
    /// are skipped), before any of the body; hands each piece of the body to `onBody`. Bytes
    /// after the answer are ignored.
    mutating func feed(
        _ bytes: some Collection<UInt8>, onHead: (Head) throws -> Void, onBody: ([UInt8]) throws -> Void
    ) throws {
        pending.append(contentsOf: bytes)
        var position = 0
        defer {
            pending.removeFirst(position)
            searched = max(0, searched - position)
        }
        while position < pending.count, state != .done {
            switch state {
            case .head:
                guard let end = blankLine(from: position) else {
                    guard pending.count - position <= Self.maxHeadBytes else {
                        throw Failure.malformed("its head is longer than \(Self.maxHeadBytes) bytes")
                    }
                    return
                }
                guard end.lowerBound - position <= Self.maxHeadBytes else {
                    throw Failure.malformed("its head is longer than \(Self.maxHeadBytes) bytes")
                }
                let parsed = try Self.parseHead(pending[position..<end.lowerBound])
                position = end.upperBound
                searched = position
                if (100..<200).contains(parsed.status) { continue }  // 100 Continue: the answer follows
                state = try Self.bodyState(for: parsed)
                if state == .fixed(remaining: 0) { state = .done }
                try onHead(parsed)
            case .fixed(let remaining), .chunkData(let remaining):
                let n = min(remaining, pending.count - position)
                try body(Array(pending[position..<(position + n)]), onBody)
                position += n
                searched = position
                if case .fixed = state {
                    state = n == remaining ? .done : .fixed(remaining: remaining - n)
                } else {
                    state = n == remaining ? .chunkEnd : .chunkData(remaining: remaining - n)
                }
            case .untilClose:
                try body(Array(pending[position...]), onBody)
                position = pending.count
                searched = position
            case .chunkSize, .chunkEnd, .trailer:
                guard let newline = lineEnd(from: position) else {
                    guard pending.count - position <= Self.maxLineBytes else {
                        throw Failure.malformed("a chunk line is longer than \(Self.maxLineBytes) bytes")
                    }
                    return
                }
                var line = pending[position..<newline]
                if line.last == 0x0D { line = line.dropLast() }
                position = newline + 1
                searched = position
                try chunkLine(line)
            case .done:
                break
            }
        }
    }

    /// The connection has ended: the answer must be complete, unless its body runs to the end.
    mutating func finish() throws(Failure) {
        switch state {
        case .done: return
        case .untilClose: state = .done
        case .head: throw .endedEarly(inHead: true)
        default: throw .endedEarly(inHead: false)
        }
    }

    private mutating func body(_ piece: [UInt8], _ onBody: ([UInt8]) throws -> Void) throws {
        guard !piece.isEmpty else { return }
        bodyBytes += piece.count
        guard bodyBytes <= maxBodyBytes else { throw Failure.tooLarge }
        try onBody(piece)
    }

    private mutating func chunkLine(_ line: ArraySlice<UInt8>) throws {
        switch state {
        case .chunkSize:
            // The size in hex, maybe followed by `;extension`.
            let digits = line.prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: " ") }
            guard !digits.isEmpty, digits.count <= 15, let size = Int(String(decoding: digits, as: UTF8.self), radix: 16) else {
                throw Failure.malformed("a chunk size is not a hexadecimal number")
            }
            state = size == 0 ? .trailer : .chunkData(remaining: size)
        case .chunkEnd:
            guard line.isEmpty else { throw Failure.malformed("a chunk does not end where its size says") }
            state = .chunkSize
        case .trailer:
            if line.isEmpty { state = .done }
        default:
            break
        }
    }

    /// The range of the first empty line (`\r\n` or `\n`) that follows a line end at or after
    /// `start`, searching only bytes not searched before.
    private mutating func blankLine(from start: Int) -> Range<Int>? {
        var i = max(start, searched)
        while i < pending.count {
            if pending[i] == 0x0A {
                let lineStart = i > start && pending[i - 1] == 0x0D ? i - 1 : i
                if lineStart == start || pending[lineStart - 1] == 0x0A { return lineStart..<(i + 1) }
            }
            i += 1
        }
        searched = pending.count
        return nil
    }

    private mutating func lineEnd(from start: Int) -> Int? {
        var i = max(start, searched)
        while i < pending.count {
            if pending[i] == 0x0A { return i }
            i += 1
        }
        searched = pending.count
        return nil
    }

    private static func bodyState(for head: Head) throws -> State {
        if head.status == 204 || head.status == 304 { return .done }
        if let coding = head.value("transfer-encoding") {
            guard coding.lowercased().split(separator: ",").last?.trimmingSpaces == "chunked" else {
                throw Failure.malformed("its transfer coding \"\(coding)\" is not chunked")
            }
            return .chunkSize
        }
        if let length = head.value("content-length") {
            guard !length.isEmpty, length.count <= 18, length.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(length) else {
                throw Failure.malformed("its Content-Length \"\(length)\" is not a number")
            }
            return .fixed(remaining: n)
        }
        return .untilClose
    }

    private static func parseHead(_ bytes: ArraySlice<UInt8>) throws -> Head {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            line.last == 0x0D ? line.dropLast() : line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let statusLine = lines.first.map({ String(decoding: $0, as: UTF8.self) }) else {
            throw Failure.malformed("it has no status line")
        }
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]), status >= 100 else {
            throw Failure.malformed("its status line \"\(statusLine.prefix(80))\" is not HTTP/1.1")
        }
        var headers: [Header] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                throw Failure.malformed("a header line has no name")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces
            headers.append(Header(name: name, value: value))
        }
        return Head(status: status, reason: parts.count > 2 ? String(parts[2]) : "", headers: headers)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
