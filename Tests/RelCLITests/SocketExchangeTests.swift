import Foundation
import RelControlAPI
import Testing

@testable import RelCLI

#if canImport(Glibc)
    import Glibc
#endif

/// relctl's one exchange with reld, against a scripted peer on a Unix socket: what goes out, what
/// comes back, and every way the exchange can fail, each with its own words.
@Suite struct SocketExchangeTests {
    @Test func aRequestGoesOutAsHTTPAndAChunkedAnswerComesBack() async throws {
        let peer = try ScriptedPeer { fd in
            let request = ScriptedPeer.readRequest(fd)
            ScriptedPeer.write(fd, "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
            return request
        }
        defer { peer.stop() }
        let pieces = Pieces()
        let exchange = SocketExchange(
            socket: peer.path, request: .init(method: "POST", target: "/v1/records?x=1", body: .bytes(Data("{\"a\":1}".utf8))),
            deadline: .now + .seconds(30), maxBodyBytes: 1 << 20, onChunk: { pieces.add($0) })
        #expect(try await exchange.answerHead.status == 201)
        #expect(String(decoding: try await exchange.answerBody, as: UTF8.self) == "abcde")
        #expect(pieces.all == Array("abcde".utf8))
        let request = try #require(peer.result)
        #expect(request.hasPrefix("POST /v1/records?x=1 HTTP/1.1\r\n"))
        for header in ["Host: localhost", "Connection: close", "Content-Type: application/json", "Content-Length: 7"] {
            #expect(request.contains("\r\n\(header)\r\n"), "\(header)")
        }
        #expect(request.hasSuffix("\r\n\r\n{\"a\":1}"))
    }

    @Test func anUploadStopsAsSoonAsReldRefusesIt() async throws {
        let peer = try ScriptedPeer { fd in
            _ = ScriptedPeer.readRequest(fd, atLeast: 1 << 20)
            ScriptedPeer.write(fd, "HTTP/1.1 422 Unprocessable Content\r\nContent-Length: 2\r\n\r\n{}")
            return ""
        }
        defer { peer.stop() }
        let asked = Pieces()
        let streamed = Pieces()
        let upload = ImportUpload(
            source: .init {
                asked.add([0])
                return Data(repeating: UInt8(ascii: " "), count: ImportUpload.pieceBytes)
            })
        let exchange = SocketExchange(
            socket: peer.path, request: .init(method: "POST", target: "/v1/import", body: .upload(upload)),
            deadline: .now + .seconds(60), maxBodyBytes: 1 << 20, onChunk: { streamed.add($0) })
        #expect(try await exchange.answerHead.status == 422)
        #expect(try await exchange.answerBody == Data("{}".utf8))
        #expect(streamed.all.isEmpty, "an error answer is read whole, not streamed to the caller")
        // An endless upload ended with the answer: a few pieces past the 1 MiB the peer read.
        #expect(asked.all.count < 64)
    }

    @Test func whatTheUploadThrowsEndsTheExchange() async throws {
        let peer = try ScriptedPeer { fd in ScriptedPeer.readRequest(fd, atLeast: .max) }
        defer { peer.stop() }
        struct BadRow: Error {}
        let upload = ImportUpload(source: .init { throw BadRow() })
        let exchange = SocketExchange(
            socket: peer.path, request: .init(method: "POST", target: "/v1/import", body: .upload(upload)),
            deadline: .now + .seconds(60), maxBodyBytes: 1 << 20, onChunk: nil)
        await #expect {
            _ = try await exchange.answerBody
        } throws: { error in
            guard case .upload(let inner)? = error as? SocketExchange.Failure else { return false }
            return inner is BadRow
        }
    }

    @Test func aPeerThatHangsUpIsNamedByTheClient() async throws {
        for (script, words) in [
            ("", "reld closed the connection before it answered"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "reld closed the connection before its answer was complete"),
            ("SSH-2.0-OpenSSH\r\n\r\n", "its answer is not HTTP as relctl reads it"),
        ] {
            let peer = try ScriptedPeer { fd in
                _ = ScriptedPeer.readRequest(fd)
                ScriptedPeer.write(fd, script)
                return ""
            }
            defer { peer.stop() }
            let error = try await #require(throws: CLIError.self) {
                try await ControlClient(socketPath: peer.path).send(.get, "/v1/status", showsWaiting: false)
            }
            #expect(error.status == .unreachable)
            #expect(error.description.contains("broke off the exchange (\(words)"), "\(error.description)")
        }
    }

    @Test func theDeadlineEndsAnExchangeThatGetsNoAnswer() async throws {
        let peer = try ScriptedPeer { fd in ScriptedPeer.readRequest(fd, atLeast: .max) }
        defer { peer.stop() }
        let error = try await #require(throws: CLIError.self) {
            try await ControlClient(socketPath: peer.path).send(.get, "/v1/status", timeout: .milliseconds(300), showsWaiting: false)
        }
        #expect(error.status == .unreachable)
        #expect(error.description.contains("did not answer within"))
    }

    @Test func noSocketOrNoListenerIsUnreachableWithTheReason() async throws {
        let dir = try ScriptedPeer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let missing = try await #require(throws: CLIError.self) {
            try await ControlClient(socketPath: dir + "/none.sock").send(.get, "/v1/status", showsWaiting: false)
        }
        #expect(missing.status == .unreachable)
        #expect(missing.description.contains("(no socket there)"))
        let long = try await #require(throws: CLIError.self) {
            try await ControlClient(socketPath: dir + "/" + String(repeating: "s", count: 120)).send(
                .get, "/v1/status", showsWaiting: false)
        }
        #expect(long.status == .unreachable)
    }
}

/// Collects bytes from the exchange's thread.
private final class Pieces: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    func add(_ piece: [UInt8]) { lock.withLock { bytes += piece } }
    var all: [UInt8] { lock.withLock { bytes } }
}

/// A peer on a Unix socket in a temporary directory that accepts one connection and runs a
/// script on it, on a thread of its own.
private final class ScriptedPeer: @unchecked Sendable {
    let path: String
    private let directory: String
    private let listener: Int32
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var connection: Int32 = -1
    private var output: String?

    /// What the script returned, once it has run.
    var result: String? {
        done.wait()
        done.signal()
        return lock.withLock { output }
    }

    init(_ script: @escaping @Sendable (Int32) -> String) throws {
        directory = try Self.temporaryDirectory()
        path = directory + "/peer.sock"
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(listener, 4) == 0 else { throw POSIXError(.EADDRINUSE) }
        let thread = Thread { [self] in
            let fd = accept(listener, nil, nil)
            lock.withLock { connection = fd }
            let text = fd >= 0 ? script(fd) : ""
            lock.withLock { output = text }
            if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
            done.signal()
        }
        thread.start()
    }

    /// Ends the connection (which ends a script that waits on it) and removes the directory.
    func stop() {
        let fd = lock.withLock { connection }
        if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
        close(listener)
        done.wait()
        if fd >= 0 { close(fd) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Reads until the end of the request head and `atLeast` bytes, or until the peer goes.
    static func readRequest(_ fd: Int32, atLeast: Int = 0) -> String {
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            all += buffer[..<n]
            guard let end = all.firstRange(of: Array("\r\n\r\n".utf8)), all.count >= atLeast else { continue }
            let head = String(decoding: all[..<end.upperBound], as: UTF8.self)
            if let length = head.split(separator: "\r\n").first(where: { $0.hasPrefix("Content-Length: ") }),
                let n = Int(length.dropFirst(16)), all.count < end.upperBound + n
            {
                continue
            }
            break
        }
        return String(decoding: all, as: UTF8.self)
    }

    static func write(_ fd: Int32, _ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    static func temporaryDirectory() throws -> String {
        var template = Array("/tmp/relctl-exchange.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        return String(cString: made)
    }
}
