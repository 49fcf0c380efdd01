import Testing

@testable import RelCLI

/// relctl reads reld's answers with its own small HTTP/1.1 reader: every framing reld uses, in
/// pieces of any size, and a clear failure for an answer that is cut short, too large or not HTTP.
@Suite struct HTTPResponseParserTests {
    /// Feeds `text` in pieces of `piece` bytes; returns the head, the body and whether it ended.
    static func read(_ text: String, piece: Int = .max, maxBody: Int = 1 << 20, closed: Bool = false) throws -> (
        head: HTTPResponseParser.Head?, body: String, complete: Bool
    ) {
        var parser = HTTPResponseParser(maxBodyBytes: maxBody)
        var head: HTTPResponseParser.Head?
        var body: [UInt8] = []
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = start + min(piece, bytes.count - start)
            try parser.feed(
                bytes[start..<end],
                onHead: { h in
                    #expect(head == nil, "the head is given once")
                    #expect(body.isEmpty, "the head comes before the body")
                    head = h
                }, onBody: { body += $0 })
            start = end
        }
        if closed { try parser.finish() }
        return (head, String(decoding: body, as: UTF8.self), parser.isComplete)
    }

    static let chunked =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-ndjson\r\n\r\n"
        + "5\r\nhello\r\n1;ext=1\r\n \r\nb\r\nworld, said\r\n0\r\nTrailer: x\r\n\r\n"

    @Test func aContentLengthBodyInAnyPieces() throws {
        let text = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"error\":{}}\nIGNORED"
        for piece in [1, 2, 3, 7, 64, .max] {
            let (head, body, complete) = try Self.read(text, piece: piece)
            #expect(head?.status == 404)
            #expect(head?.reason == "Not Found")
            #expect(head?.value("content-type") == "application/json")
            #expect(body == "{\"error\":{}}\n")
            #expect(complete)
        }
    }

    @Test func aChunkedBodyInAnyPieces() throws {
        for piece in 1...12 {
            let (head, body, complete) = try Self.read(Self.chunked, piece: piece)
            #expect(head?.status == 200)
            #expect(body == "hello world, said", "pieces of \(piece)")
            #expect(complete)
        }
    }

    @Test func aBodyWithoutLengthRunsToTheEndOfTheConnection() throws {
        let text = "HTTP/1.1 200 OK\nX: y\n\nall of it"
        var (_, body, complete) = try Self.read(text, piece: 4)
        #expect(body == "all of it")
        #expect(!complete)
        (_, body, complete) = try Self.read(text, piece: 4, closed: true)
        #expect(complete)
    }

    @Test func interimAnswersAndEmptyBodies() throws {
        let (head, body, complete) = try Self.read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", piece: 5)
        #expect(head?.status == 204)
        #expect(body.isEmpty)
        #expect(complete)
        #expect(try Self.read("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").complete)
    }

    @Test func anAnswerCutShortIsSaidToBe() throws {
        #expect(throws: HTTPResponseParser.Failure.endedEarly(inHead: true)) {
            try Self.read("HTTP/1.1 200 OK\r\nContent-Le", closed: true)
        }
        #expect(throws: HTTPResponseParser.Failure.endedEarly(inHead: false)) {
            try Self.read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", closed: true)
        }
        #expect(throws: HTTPResponseParser.Failure.endedEarly(inHead: false)) {
            try Self.read(String(Self.chunked.dropLast(20)), closed: true)
        }
        #expect(throws: HTTPResponseParser.Failure.endedEarly(inHead: true)) { try Self.read("", closed: true) }
    }

    @Test func theBodyIsBounded() throws {
        #expect(throws: HTTPResponseParser.Failure.tooLarge) {
            try Self.read("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n" + String(repeating: "x", count: 20), maxBody: 19)
        }
        #expect(throws: HTTPResponseParser.Failure.tooLarge) { try Self.read(Self.chunked, maxBody: 10) }
        #expect(throws: HTTPResponseParser.Failure.tooLarge) {
            try Self.read("HTTP/1.1 200 OK\r\n\r\n" + String(repeating: "x", count: 20), piece: 3, maxBody: 19)
        }
    }

    @Test func whatIsNotHTTPIsRefusedWithoutReadingOnAndOn() throws {
        for text in [
            "SSH-2.0-OpenSSH_9.2\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n",
        ] {
            #expect(throws: HTTPResponseParser.Failure.self, "\(text.debugDescription)") { try Self.read(text) }
        }
        // A head or a chunk line that never ends is refused at its bound, not buffered on.
        let endless = "HTTP/1.1 200 OK\r\nX: " + String(repeating: "y", count: HTTPResponseParser.maxHeadBytes + 1)
        #expect(throws: HTTPResponseParser.Failure.self) { try Self.read(endless, piece: 4096) }
        let longLine = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "0", count: 2000)
        #expect(throws: HTTPResponseParser.Failure.self) { try Self.read(longLine, piece: 100) }
    }

    @Test func aLongHeadArrivingByteByByteIsRead() throws {
        // 60 KiB of head, near the bound, a byte at a time: every piece lands in the right place.
        let head = "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Pad: 0123456789abcdef\r\n", count: 2400) + "Content-Length: 2\r\n\r\nok"
        let (parsed, body, complete) = try Self.read(head, piece: 1)
        #expect(parsed?.headers.count == 2401)
        #expect(body == "ok")
        #expect(complete)
    }
}
