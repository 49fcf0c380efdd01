import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An https:// feed is verified: a self-signed certificate is refused, and accepted once reld is
/// told to trust it with --ca-file.
@Suite("TLS feed")
struct TLSFeedTests {
    /// Serves `directory` over HTTPS with `cert`/`key`, with Python's standard library only.
    static let server = """
        import functools, http.server, ssl, sys
        cert, key, directory = sys.argv[1:4]
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=directory)
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        print("Serving HTTPS on 127.0.0.1 port", srv.server_address[1], flush=True)
        srv.serve_forever()
        """

    @Test func aSelfSignedFeedIsRefusedUntilTrusted() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let made = try run(
            "/usr/bin/env",
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir.file("key.pem"), "-out", dir.file("cert.pem"),
            ])
        try #require(made.status == 0, "openssl could not make a certificate: \(made.stderr)")
        let source = try Daemon(dir: dir, stateDir: dir.file("source"), socket: dir.file("source.sock"))
        defer { _ = try? source.stop(SIGKILL) }
        #expect(try source.relctl("import", Binaries.seedRecords).status == 0)
        try FileManager.default.createDirectory(atPath: dir.file("www"), withIntermediateDirectories: true)
        #expect(try source.relctl("export", "--feed", "-o", dir.file("www/ledger.json")).status == 0)
        let https = try ServerProcess(
            dir: dir, name: "https-server", executable: "/usr/bin/env",
            arguments: ["python3", "-c", Self.server, dir.file("cert.pem"), dir.file("key.pem"), dir.file("www")]
        ) { log in
            guard let range = log.range(of: " port ") else { return nil }
            return Int(log[range.upperBound...].prefix { $0.isNumber })
        }
        defer { https.stop(SIGKILL) }
        let feed = ["--feed", "https://127.0.0.1:\(https.port)/ledger.json", "--sync-interval", "3600"]

        let untrusting = try Daemon(dir: dir, stateDir: dir.file("u"), socket: dir.file("u.sock"), extraArguments: feed)
        defer { _ = try? untrusting.stop(SIGKILL) }
        let refused = try untrusting.relctl("sync")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not trusted") && refused.stderr.contains("ca_file"), "\(refused.stderr)")
        #expect(try untrusting.relctl("list").stdout.contains("No records"), "nothing came in over an unverified connection")

        let trusting = try Daemon(
            dir: dir, stateDir: dir.file("t"), socket: dir.file("t.sock"),
            extraArguments: feed + ["--ca-file", dir.file("cert.pem")])
        defer { _ = try? trusting.stop(SIGKILL) }
        #expect(try trusting.relctl("sync").status == 0)
        #expect(try trusting.relctl("export").stdout == source.relctl("export").stdout)

        // A --ca-file that is not PEM stops reld at start, naming it: a bad command line (exit 64).
        try "not a certificate".write(toFile: dir.file("bad.pem"), atomically: true, encoding: .utf8)
        let bad = try Daemon(
            dir: dir, stateDir: dir.file("b"), socket: dir.file("b.sock"),
            extraArguments: feed + ["--ca-file", dir.file("bad.pem")], expectReady: false)
        #expect(try bad.waitForExit() == 64)
        #expect(bad.log.contains("ca_file \(dir.file("bad.pem"))"), "\(bad.log)")
    }
}
