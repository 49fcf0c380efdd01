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

    /// Sends a request; returns the body of a 2xx answer, or throws a ``CLIError`` that says
    /// what the daemon refused or why it could not be reached.
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil,
              timeout: TimeAmount = .seconds(60)) async throws -> Data {
        var uri = path
        if !query.isEmpty {
            uri += "?" + query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
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
        }
        // Our own client: the shared one has a 90 s read timeout, which a large import outlasts
        // while reld is still (successfully) working; `timeout` bounds the whole request instead.
        let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                configuration: .init(timeout: .init(connect: .seconds(5), read: nil)))
        let result: Result<ByteBuffer, any Error>
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
            result = .success(try await response.body.collect(upTo: Self.maxResponseBytes))
        } catch {
            try? await client.shutdown()
            if let e = error as? HTTPClientError, e == .deadlineExceeded {
                throw CLIError(.unreachable, "reld at \(socketPath) did not answer within \(timeout.nanoseconds / 1_000_000_000) s; it may still be working: check `relctl status` before retrying")
            }
            throw CLIError(.unreachable, "reld at \(socketPath) broke off the exchange (\(error)); check `relctl status` before retrying")
        }
        try? await client.shutdown()
        let bytes = try result.get()
        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            if let e = try? JSONDecoder().decode(ErrorResponse.self, from: data) {
                // 403 is the socket's access check: a permission problem like EACCES, so exit 3.
                throw CLIError(response.status == .forbidden ? .unreachable : .refused, e.error.message)
            }
            throw CLIError(.refused, "reld answered \(response.status.code) \(response.status.reasonPhrase)")
        }
        return data
    }

    private func unreachable(_ error: UnixSocketProbe.Errno) -> CLIError {
        if error.isDenied {
            // Name the socket's real group when we may look at it (socket_group can change it);
            // otherwise its directory hides it too, and reld's default group is the best guess.
            let attributes = try? FileManager.default.attributesOfItem(atPath: socketPath)
            let group = attributes?[.groupOwnerAccountName] as? String ?? "reld"
            return CLIError(.unreachable, "permission denied on \(socketPath): only root and members of the socket's group (\(group)) may use it; ask an admin to run `usermod -aG \(group) $USER`, then log in again")
        }
        let reason = error.isMissing ? "no socket there" : error.isRefused ? "connection refused: reld is not running" : error.description
        return CLIError(.unreachable, """
            cannot reach reld at \(socketPath) (\(reason)).
            Start it with `reld` (or `systemctl start reld`), or point --socket / RELD_SOCKET at its socket.
            """)
    }

    private static func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
