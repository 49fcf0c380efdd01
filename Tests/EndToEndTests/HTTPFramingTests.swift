import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Transfer codings, `Expect` and `HEAD` on both servers; wrong tokens on relhub.
@Suite("HTTP framing and token guessing", .serialized)
struct HTTPFramingTests {
    static func checks(_ exchange: (String) throws -> String, get path: String) throws {
        let gzipChunked = try exchange(
            "POST \(path) HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n")
        #expect(gzipChunked.hasPrefix("HTTP/1.1 501"), "\(gzipChunked)")
        #expect(gzipChunked.contains("unsupported_transfer_encoding"))

        let oddExpectation = try exchange("GET \(path) HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nConnection: close\r\n\r\n")
        #expect(oddExpectation.hasPrefix("HTTP/1.1 417"), "\(oddExpectation)")

        let continued = try exchange(
            "GET \(path) HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        #expect(continued.hasPrefix("HTTP/1.1 100 Continue\r\n"), "\(continued)")
        #expect(continued.contains("HTTP/1.1 200"), "\(continued)")

        let get = try exchange("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let head = try exchange("HEAD \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
        #expect(head.hasSuffix("\r\n\r\n"), "a HEAD answer carries no body: \(head)")
        // The same headers as GET would send, Content-Length included (its value may differ by
        // a digit on reld, whose status holds its uptime).
        #expect(get.contains("Content-Length:") == head.contains("Content-Length:"), "\(get)\n\(head)")
    }

    @Test func reld() throws {
        try withDaemon { reld in
            try Self.checks({ try rawExchange(reld.socket, Array($0.utf8)) }, get: "/v1/status")
        }
    }

    @Test func relhub() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let hub = try Hub.start(dir: dir, tokenFile: try Hub.makeToken(in: dir))
        defer { hub.stop() }
        try Self.checks({ try tcpRequest(port: hub.port, $0) }, get: "/v1/health")
    }

    @Test func wrongTokensAreLoggedWithoutTheTokenAndLimitedPerPeer() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let tokenFile = try Hub.makeToken(in: dir)
        let hub = try Hub.start(dir: dir, tokenFile: tokenFile)
        defer { hub.stop() }
        let guess = "guess-0123456789abcdef-secret"
        func changes(_ token: String) throws -> String {
            try tcpRequest(
                port: hub.port, "GET /v1/changes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nConnection: close\r\n\r\n")
        }
        for _ in 0..<10 { #expect(try changes(guess).hasPrefix("HTTP/1.1 401")) }
        let limited = try changes(guess)
        #expect(limited.hasPrefix("HTTP/1.1 429"), "\(limited)")
        #expect(limited.lowercased().contains("retry-after: "))
        // While the peer is held back, even the right token waits: guessing costs a minute per ten.
        #expect(try changes(try Hub.tokenText(tokenFile)).hasPrefix("HTTP/1.1 429"))
        let lines = hub.log.split(separator: "\n").filter { $0.contains("wrong bearer token") }
        #expect(lines.count == 1, "one line per peer and minute: \(lines)")
        #expect(lines.first?.contains("127.0.0.1") == true)
        #expect(!hub.log.contains("guess-"), "the log must not hold the token: \(hub.log)")
        #expect(try tcpRequest(port: hub.port, ConnectionLimitTests.health).hasPrefix("HTTP/1.1 200"))
    }
}
