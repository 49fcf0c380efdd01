import Foundation
import RelControlAPI
import RelModel

#if canImport(Glibc)
    import Glibc
#endif

/// One request to reld and its answer, over one connection to its Unix socket.
///
/// relctl makes one call per run, so this is all the HTTP it needs: the request goes out with
/// `Connection: close`, and the answer is read to its end. It runs on a thread of its own, so its
/// blocking reads and writes never hold up relctl's tasks (the waiting line, the progress poll).
/// An upload and the answer are served together: reld may refuse an import while it is still
/// being sent, and then the upload stops.
final class SocketExchange: Sendable {
    /// What to send.
    struct Request: Sendable {
        /// `GET`, `POST`, ...
        var method: String
        /// The path and query.
        var target: String
        /// A JSON body sent whole, or made while it is sent.
        var body: Body

        /// A request body.
        enum Body: Sendable {
            case none
            case bytes(Data)
            case upload(ImportUpload)
        }
    }

    /// Why the exchange failed.
    enum Failure: Error {
        /// The connection could not be made.
        case connect(UnixSocketProbe.Errno)
        /// The deadline passed before the answer was complete.
        case deadline
        /// Reading or writing failed with this `errno`.
        case io(Int32)
        /// The answer was cut short, too large, or not HTTP.
        case answer(HTTPResponseParser.Failure)
        /// The upload could not make its next piece (a file that cannot be read, a bad CSV row).
        case upload(any Error)
    }

    private let head = OneShot<HTTPResponseParser.Head>()
    private let body = OneShot<Data>()
    /// Opened when the caller asks for the body: the pieces are not handed to `onChunk` before
    /// the caller has dealt with the head (and erased its waiting line).
    private let bodyWanted = DispatchSemaphore(value: 0)

    /// Starts the exchange on a thread of its own. `onChunk` sees each piece of a 2xx answer's
    /// body as it arrives, on that thread.
    init(
        socket path: String, request: Request, deadline: ContinuousClock.Instant, maxBodyBytes: Int,
        onChunk: (@Sendable ([UInt8]) -> Void)?
    ) {
        let thread = Thread { [head, body, bodyWanted] in
            let outcome = Result<Data, any Error> {
                try Self.run(path: path, request: request, deadline: deadline, maxBodyBytes: maxBodyBytes, onChunk: onChunk) {
                    head.resolve(.success($0))
                    bodyWanted.wait()
                }
            }
            if case .failure(let error) = outcome { head.resolve(.failure(error)) }
            body.resolve(outcome)
        }
        thread.name = "relctl-exchange"
        thread.start()
    }

    /// The answer's status line and headers, once they have arrived.
    var answerHead: HTTPResponseParser.Head {
        get async throws { try await head.value }
    }

    /// The answer's whole body, once it has arrived. Asking for it lets its pieces go to
    /// `onChunk`; it may be asked for once.
    var answerBody: Data {
        get async throws {
            bodyWanted.signal()
            return try await body.value
        }
    }

    private static func run(
        path: String, request: Request, deadline: ContinuousClock.Instant, maxBodyBytes: Int,
        onChunk: (@Sendable ([UInt8]) -> Void)?, onHead: (HTTPResponseParser.Head) -> Void
    ) throws -> Data {
        let fd: Int32
        do { fd = try UnixSocketProbe.connect(path) } catch { throw Failure.connect(error) }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)

        var outgoing = Array(requestHead(request).utf8)
        var upload: ImportUpload?
        switch request.body {
        case .none: break
        case .bytes(let data): outgoing += data
        case .upload(let source): upload = source
        }
        var sent = 0
        var sending = true
        var parser = HTTPResponseParser(maxBodyBytes: maxBodyBytes)
        var answer = Data()
        var answered = false
        // Only a successful answer's body is the caller's stream; an error's is read whole.
        var streaming = false
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while !parser.isComplete {
            if sending, sent == outgoing.count {
                outgoing = []
                sent = 0
                if let source = upload {
                    let piece: Data?
                    do { piece = try source.next() } catch { throw Failure.upload(error) }
                    if let piece {
                        guard !piece.isEmpty else { continue }  // nothing this time: ask again
                        outgoing = Array("\(String(piece.count, radix: 16))\r\n".utf8) + piece + [0x0D, 0x0A]
                    } else {
                        outgoing = Array("0\r\n\r\n".utf8)
                        upload = nil
                    }
                } else {
                    sending = false
                }
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN) | (sending ? Int16(POLLOUT) : 0), revents: 0)
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { throw Failure.deadline }
            let milliseconds = min(1000, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            // Each errno is read right beside the call that set it.
            let (ready, pollError) = (poll(&poller, 1, Int32(milliseconds)), errno)
            if ready < 0, pollError != EINTR { throw Failure.io(pollError) }
            guard ready > 0 else { continue }
            if poller.revents & Int16(POLLOUT) != 0 {
                let (n, code) = outgoing.withUnsafeBytes { bytes in
                    (send(fd, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)), errno)
                }
                if n > 0 {
                    sent += n
                } else if n < 0, code != EAGAIN, code != EINTR {
                    // reld stopped reading (it has answered, or gone): its answer may be waiting.
                    guard code == EPIPE || code == ECONNRESET else { throw Failure.io(code) }
                    sending = false
                }
            }
            guard poller.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 else { continue }
            let (n, code) = buffer.withUnsafeMutableBytes { bytes in (recv(fd, bytes.baseAddress, bytes.count, 0), errno) }
            if n < 0 {
                if code == EAGAIN || code == EINTR { continue }
                if code == ECONNRESET { throw Failure.answer(.endedEarly(inHead: !answered)) }
                throw Failure.io(code)
            }
            if n == 0 {
                do { try parser.finish() } catch { throw Failure.answer(error) }
                break
            }
            do {
                try parser.feed(
                    buffer[..<n],
                    onHead: { head in
                        answered = true
                        streaming = (200..<300).contains(head.status)
                        // An error answer while the upload goes on: reld has refused it, so stop.
                        if !streaming, upload != nil { sending = false }
                        onHead(head)
                    },
                    onBody: { piece in
                        answer.append(contentsOf: piece)
                        if streaming { onChunk?(piece) }
                    })
            } catch let error as HTTPResponseParser.Failure {
                throw Failure.answer(error)
            }
        }
        return answer
    }

    private static func requestHead(_ request: Request) -> String {
        var head = "\(request.method) \(request.target) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        head += "User-Agent: relctl/\(RelVersion.current)\r\n"
        switch request.body {
        case .none:
            break
        case .bytes(let data):
            head += "Content-Type: application/json\r\nContent-Length: \(data.count)\r\n"
        case .upload:
            head += "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        }
        return head + "\r\n"
    }
}
