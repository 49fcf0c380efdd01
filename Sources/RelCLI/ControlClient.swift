import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RelControlAPI

/// Calls reld's control API over its Unix socket.
struct ControlClient {
    let socketPath: String

    /// Largest answer relctl reads (an export of a big ledger).
    static let maxResponseBytes = 2 << 30
    /// Longest request target relctl sends: below the 80 KiB reld's HTTP parser takes.
    static let maxURIBytes = 64 << 10

    /// Sends a request; returns the body of a 2xx answer, or throws a ``CLIError`` that says
    /// what the daemon refused or why it could not be reached.
    ///
    /// `showsWaiting: false` keeps a background call (a progress poll) from drawing its own
    /// waiting notice.
    ///
    /// `onChunk`, when given, sees each piece of a 2xx answer's body as it arrives (a streamed answer).
    ///
    /// `invalidInput` is the exit status when reld finds the request's content invalid (400, 422):
    /// a usage error (2) for requests built from the command line, `.refused` (1) when the
    /// content is a file's (import).
    ///
    /// `upload`, instead of `body`, is a JSON body sent as it is made (an import read from a file);
    /// a ``CLIError`` it throws ends the request and is thrown as it is.
    func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil,
        upload: HTTPClientRequest.Body? = nil,
        timeout: TimeAmount = .seconds(60), invalidInput: CLIError.Status = .usage,
        showsWaiting: Bool = true, onChunk: (@Sendable (ByteBuffer) -> Void)? = nil
    ) async throws -> Data {
        var uri = path
        if !query.isEmpty {
            uri += "?" + query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        }
        // reld's HTTP parser takes 80 KiB of request line and headers and answers a bare 400
        // past that; commands check their own options' limits first, this is the backstop.
        guard uri.utf8.count <= Self.maxURIBytes else {
            throw CLIError(
                .usage,
                "the request would be \(uri.utf8.count) bytes long, more than reld accepts (\(Self.maxURIBytes)); give shorter or fewer values"
            )
        }
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: uri) else {
            throw CLIError(.usage, "--socket \"\(socketPath)\": not a usable socket path")
        }
        do {
            try UnixSocketProbe.probe(socketPath)
        } catch {
            throw unreachable(error)
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        } else if let upload {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = upload
        }
        // Our own client: the shared one has a 90 s read timeout, which a large import outlasts
        // while reld is still (successfully) working; `timeout` bounds the whole request instead.
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(timeout: .init(connect: .seconds(5), read: nil)))
        let result: Result<ByteBuffer, any Error>
        let response: HTTPClientResponse
        do {
            // On a terminal, a call that goes unanswered for a second says so (reld busy or stopped).
            let waiting = showsWaiting ? ProgressLine.waitingNotice(socket: socketPath) : nil
            Interrupt.sending()
            do {
                response = try await client.execute(request, timeout: timeout)
            } catch {
                await ProgressLine.end(waiting)
                throw error
            }
            await ProgressLine.end(waiting)
            result = .success(try await Self.collect(response.body, onChunk: onChunk))
        } catch let error as CLIError {
            try? await client.shutdown()
            throw error
        } catch {
            try? await client.shutdown()
            if let e = error as? HTTPClientError, e == .deadlineExceeded {
                throw CLIError(
                    .unreachable,
                    "reld at \(socketPath) did not answer within \(timeout.nanoseconds / 1_000_000_000) s; it may still be working: check `relctl status` before retrying",
                    code: JSONErrorOutput.Code.timeout)
            }
            throw CLIError(
                .unreachable,
                "reld at \(socketPath) broke off the exchange (\(Self.plainReason(error))); check `relctl status` before retrying",
                code: JSONErrorOutput.Code.connectionLost)
        }
        try? await client.shutdown()
        let bytes = try result.get()
        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            let status = Self.exitStatus(forHTTP: Int(response.status.code), invalidInput: invalidInput)
            if let e = try? JSONDecoder().decode(ErrorResponse.self, from: data) {
                throw CLIError(status, e.error.message, answer: e.error)
            }
            if response.status.code == 400 {
                // Only reld's HTTP layer answers without a JSON body: it could not parse the request.
                throw CLIError(
                    status,
                    "reld could not read the request (400 Bad Request without details): its request line or headers are too long or malformed; give shorter values"
                )
            }
            throw CLIError(status, "reld answered \(response.status.code) \(response.status.reasonPhrase)")
        }
        return data
    }

    /// The exit status for an error answer, by the rule in `relctl --help`.
    static func exitStatus(forHTTP code: Int, invalidInput: CLIError.Status) -> CLIError.Status {
        switch code {
        // 403 is the socket's access check: a permission problem like EACCES.
        case 403: .unreachable
        // What the person typed (or, for import, the file) is malformed or invalid.
        case 400, 422: invalidInput
        // Over a documented limit: the request, not reld's state, must change.
        case 413: .usage
        // The ledger's state (404 no such record or deleted, 409 exists already), a failed sync,
        // a full disk, an internal fault.
        default: .refused
        }
    }

    private func unreachable(_ error: UnixSocketProbe.Errno) -> CLIError {
        if error.isDenied {
            // Name the socket's real group when we may look at it (socket_group can change it);
            // otherwise its directory hides it too, and reld's default group is the best guess.
            let attributes = try? FileManager.default.attributesOfItem(atPath: socketPath)
            let group = attributes?[.groupOwnerAccountName] as? String ?? "reld"
            return CLIError(
                .unreachable,
                "permission denied on \(socketPath): only root and members of the socket's group (\(group)) may use it; ask an admin to run `usermod -aG \(group) $USER`, then log in again",
                code: JSONErrorOutput.Code.permissionDenied)
        }
        if let kind = Self.nonSocketKind(socketPath) {
            return CLIError(
                .unreachable, "\(socketPath) is \(kind), not a socket; point --socket (or RELD_SOCKET) at reld's control socket")
        }
        let reason = error.isMissing ? "no socket there" : error.isRefused ? "connection refused: reld is not running" : error.description
        return CLIError(
            .unreachable,
            """
            cannot reach reld at \(socketPath) (\(reason)).
            Start it with `reld` (or `systemctl start reld`), or point --socket / RELD_SOCKET at its socket.
            """)
    }

    /// Why an exchange failed, in words: the HTTP client's own texts name its types and enum cases.
    static func plainReason(_ error: any Error) -> String {
        if let e = error as? HTTPClientError {
            switch e {
            case .remoteConnectionClosed: return "reld closed the connection before it answered"
            case .connectTimeout: return "connecting took longer than 5 s"
            case .readTimeout: return "reld stopped sending its answer"
            default: return "the connection failed"
            }
        }
        if error is NIOTooManyBytesError {
            return "its answer was larger than the \(maxResponseBytes >> 30) GiB relctl reads"
        }
        if let e = error as? IOError {
            return String(cString: strerror(e.errnoCode)).lowercased()
        }
        return "the connection failed"
    }

    /// What is at `path` when it exists and is not a socket ("a regular file", "a directory").
    static func nonSocketKind(_ path: String) -> String? {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let type = (try? FileManager.default.attributesOfItem(atPath: target))?[.type] as? FileAttributeType else { return nil }
        switch type {
        case .typeSocket: return nil
        case .typeRegular: return "a regular file"
        case .typeDirectory: return "a directory"
        default: return "a special file"
        }
    }

    private static func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
