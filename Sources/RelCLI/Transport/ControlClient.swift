import Foundation
import RelControlAPI

/// Calls reld's control API over its Unix socket.
struct ControlClient {
    let socketPath: String

    /// The HTTP methods reld's control API uses.
    enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case patch = "PATCH"
        case delete = "DELETE"
    }

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
        _ method: Method, _ path: String, query: [(String, String)] = [], body: Data? = nil, upload: ImportUpload? = nil,
        timeout: Duration = .seconds(60), invalidInput: CLIError.Status = .usage,
        showsWaiting: Bool = true, onChunk: (@Sendable ([UInt8]) -> Void)? = nil
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
        let requestBody: SocketExchange.Request.Body = body.map { .bytes($0) } ?? upload.map { .upload($0) } ?? .none
        Interrupt.sending()
        let exchange = SocketExchange(
            socket: socketPath, request: .init(method: method.rawValue, target: uri, body: requestBody),
            deadline: .now + timeout, maxBodyBytes: Self.maxResponseBytes, onChunk: onChunk)
        let head: HTTPResponseParser.Head
        let data: Data
        do {
            // On a terminal, a call that goes unanswered for a second says so (reld busy or stopped).
            let waiting = showsWaiting ? ProgressLine.waitingNotice(socket: socketPath) : nil
            do {
                head = try await exchange.answerHead
            } catch {
                await ProgressLine.end(waiting)
                throw error
            }
            await ProgressLine.end(waiting)
            data = try await exchange.answerBody
        } catch let failure as SocketExchange.Failure {
            throw self.error(for: failure, timeout: timeout)
        }
        guard (200..<300).contains(head.status) else {
            let status = Self.exitStatus(forHTTP: head.status, invalidInput: invalidInput)
            if let e = try? JSONDecoder().decode(ErrorResponse.self, from: data) {
                throw CLIError(status, e.error.message, answer: e.error)
            }
            if head.status == 400 {
                // Only reld's HTTP layer answers without a JSON body: it could not parse the request.
                throw CLIError(
                    status,
                    "reld could not read the request (400 Bad Request without details): its request line or headers are too long or malformed; give shorter values"
                )
            }
            throw CLIError(status, "reld answered \(head.status) \(head.reason)")
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

    /// The error a person sees for a failed exchange.
    private func error(for failure: SocketExchange.Failure, timeout: Duration) -> any Error {
        let reason: String
        switch failure {
        case .connect(let errno):
            return unreachable(errno)
        case .upload(let error):
            return error  // the file's own problem, said by the upload
        case .deadline:
            return CLIError(
                .unreachable,
                "reld at \(socketPath) did not answer within \(timeout.components.seconds) s; it may still be working: check `relctl status` before retrying",
                code: JSONErrorOutput.Code.timeout)
        case .answer(.endedEarly(inHead: true)): reason = "reld closed the connection before it answered"
        case .answer(.endedEarly(inHead: false)): reason = "reld closed the connection before its answer was complete"
        case .answer(.tooLarge): reason = "its answer was larger than the \(Self.maxResponseBytes >> 30) GiB relctl reads"
        case .answer(.malformed(let what)): reason = "its answer is not HTTP as relctl reads it: \(what)"
        case .io(let code): reason = String(cString: strerror(code)).lowercased()
        }
        return CLIError(
            .unreachable,
            "reld at \(socketPath) broke off the exchange (\(reason)); check `relctl status` before retrying",
            code: JSONErrorOutput.Code.connectionLost)
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
