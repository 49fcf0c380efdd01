import Foundation
import Hummingbird
import HummingbirdTesting
import RelControlAPI
import RelModel
import Testing

/// What every route of the control API shares: unknown paths, wrong methods with `Allow`, the
/// access check, and (served live over loopback with reld's HTTP shell) the framing rules.
@Suite struct ControlRoutesProtocolTests {
    @Test func anUnknownPathIs404NamingIt() async throws {
        try await withControlAPI { client, _ in
            for path in ["/v1/nope", "/v2/status", "/", "/v1/records/ev-1/nope"] {
                let response = try await client.send(.get, path)
                expectError(response, .notFound, "not_found")
                #expect(response.errorMessage == "no such route: GET \(path); see docs/control-api.md")
            }
        }
    }

    @Test func aWrongMethodIs405WithTheMethodsThePathTakes() async throws {
        try await withControlAPI { client, _ in
            try await client.create(eventJSON("ev-1"))
            let methods: [HTTPRequest.Method] = [.get, .post, .patch, .delete, .put, .options]
            for (pattern, allowed) in Routes.methods {
                let path = pattern.replacingOccurrences(of: ":id", with: "ev-1")
                for method in methods where !allowed.contains(method.rawValue) {
                    let response = try await client.send(method, path, "{}")
                    expectError(response, .methodNotAllowed, "method_not_allowed")
                    #expect(response.headers[.allow] == allowed.joined(separator: ", "), "\(method) \(path)")
                    #expect(response.errorMessage == "\(method) is not allowed on \(path); use \(allowed.joined(separator: ", "))")
                }
            }
        }
    }

    @Test func aTrailingSlashAndOtherRoutesQueryStringsAreIgnored() async throws {
        try await withControlAPI { client, _ in
            try await client.create(eventJSON("ev-1"))
            #expect(try await client.send(.get, Routes.status + "/").status == .ok)
            #expect(try await client.send(.get, Routes.record("ev-1") + "/").status == .ok)
            #expect(try await client.send(.get, Routes.status + "?verbose=1").status == .ok)
            #expect(try await client.send(.get, Routes.record("ev-1") + "?colour=red").status == .ok)
            #expect(try await client.send(.get, Routes.export + "?x=1").status == .ok)
        }
    }

    @Test func aUserOutsideTheControlGroupMayOnlyReadStatus() async throws {
        try await withControlAPI(peer: .stranger) { client, database in
            #expect(try await client.send(.get, Routes.status).status == .ok)
            let cases: [(HTTPRequest.Method, String)] = [
                (.get, Routes.records), (.post, Routes.records), (.get, Routes.record("ev-1")),
                (.delete, Routes.record("ev-1")), (.get, Routes.export), (.post, Routes.sync), (.get, Routes.snapshot),
                (.post, Routes.status),
            ]
            for (method, path) in cases {
                let response = try await client.send(method, path, eventJSON("ev-1"))
                expectError(response, .forbidden, "forbidden")
                #expect(response.errorMessage.contains("may only read status"), "\(method) \(path)")
            }
            #expect(try await database.statistics().counts.values.reduce(0, +) == 0, "nothing was written")
        }
    }

    @Test func aPeerThatCannotBeIdentifiedIsRefused() async throws {
        // A test channel has no SO_PEERCRED: reld fails closed, even for status.
        try await withControlAPI(peer: .kernel) { client, _ in
            let response = try await client.send(.get, Routes.status)
            expectError(response, .forbidden, "forbidden")
            #expect(response.errorMessage.contains("cannot identify the process"))
        }
    }

    @Test func routesAnswerTheSameOverHTTP() async throws {
        try await withControlAPI(.live) { client, _ in
            try await client.create(eventJSON("ev-1"))
            #expect(try await client.send(.get, Routes.record("ev-1")).json["id"]?.stringValue == "ev-1")
            let wrong = try await client.send(.put, Routes.records, "{}")
            expectError(wrong, .methodNotAllowed, "method_not_allowed")
            #expect(wrong.headers[.allow] == "GET, POST")
            expectError(try await client.send(.get, "/v1/nope"), .notFound, "not_found")
        }
    }

    @Test func aBodyOverTheLimitIs413OverHTTP() async throws {
        try await withControlAPI(.live, configure: { $0.maxRequestBytes = 1024 }) { client, _ in
            let big = eventJSON("ev-big", title: String(repeating: "x", count: 200))
                .replacingOccurrences(of: "\"parties\"", with: "\"notes\":\"" + String(repeating: "n", count: 3000) + "\",\"parties\"")
            expectError(try await client.send(.post, Routes.records, big), .contentTooLarge, "payload_too_large")
            let port = try #require(client.port)
            let chunked =
                "POST /v1/records HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + String(big.utf8.count, radix: 16) + "\r\n" + big + "\r\n0\r\n\r\n"
            let answer = await RawHTTP.exchange(port: port, chunked)
            #expect(RawHTTP.status(answer) == 413, "a chunked body is held to the same limit: \(answer)")
        }
    }

    @Test func framingReldDoesNotSpeakIsAnsweredWithJSON() async throws {
        try await withControlAPI(.live) { client, _ in
            let port = try #require(client.port)
            let head = "HEAD /v1/status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            let headAnswer = await RawHTTP.exchange(port: port, head)
            #expect(RawHTTP.status(headAnswer) == 200, "HEAD is answered as GET: \(headAnswer)")
            #expect(RawHTTP.body(headAnswer).isEmpty, "without the body")

            let expect = "POST /v1/records HTTP/1.1\r\nHost: localhost\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}"
            let expectAnswer = await RawHTTP.exchange(port: port, expect)
            #expect(RawHTTP.status(expectAnswer) == 417, "\(expectAnswer)")
            #expect(RawHTTP.body(expectAnswer).contains("\"code\":\"expectation_failed\""))

            let coding = "POST /v1/records HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
            let codingAnswer = await RawHTTP.exchange(port: port, coding)
            #expect(RawHTTP.status(codingAnswer) == 501, "\(codingAnswer)")
            #expect(RawHTTP.body(codingAnswer).contains("\"code\":\"unsupported_transfer_encoding\""))

            let long = "GET /v1/records?text=" + String(repeating: "a", count: 90 * 1024) + " HTTP/1.1\r\nHost: localhost\r\n\r\n"
            let longAnswer = await RawHTTP.exchange(port: port, long)
            #expect(RawHTTP.status(longAnswer) == 400, "\(longAnswer.prefix(200))")
            let longError = try JSONValue.parse(RawHTTP.body(longAnswer))["error"]
            #expect(longError?["code"]?.stringValue == "bad_request")
            #expect(longError?["message"]?.stringValue?.contains("80 KiB") == true)
            #expect(longError?["record_id"] == .null, "reld's whole error document")

            let garbage = await RawHTTP.exchange(port: port, "NOT HTTP AT ALL\r\n\r\n")
            #expect(RawHTTP.status(garbage) == 400, "\(garbage)")
            #expect(RawHTTP.body(garbage).contains("\"code\":\"bad_request\""))
        }
    }

    @Test func aConnectionPastMaxConnectionsIs503AndAnIdleOneIsClosed() async throws {
        // An idle timeout long enough that a loaded machine never closes the test client's own
        // connection while it waits its turn; the short one is tried on a connection of its own below.
        try await withControlAPI(.live, configure: { $0.limits = .init(idleTimeoutSeconds: 60, maxConnections: 1) }) { client, _ in
            // The test client's own connection is the one allowed.
            #expect(try await client.send(.get, Routes.status).status == .ok)
            let port = try #require(client.port)
            let refused = await RawHTTP.exchange(port: port, "GET /v1/status HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(RawHTTP.status(refused) == 503, "\(refused)")
            #expect(refused.contains("Retry-After: 1\r\n"))
            #expect(RawHTTP.body(refused).contains("\"code\":\"too_many_connections\""))
        }
        try await withControlAPI(.live, configure: { $0.limits = .init(idleTimeoutSeconds: 1, maxConnections: 4) }) { client, _ in
            // A connection that sends nothing is closed after idle_timeout, without an answer.
            let started = ContinuousClock.now
            let silent = await RawHTTP.exchange(port: try #require(client.port), "")
            #expect(silent.isEmpty)
            #expect(ContinuousClock.now - started < .seconds(8), "closed by the idle timeout, not the test's own 10 s")
        }
    }

    @Test func expect100ContinueIsAnsweredAtOnce() async throws {
        try await withControlAPI(.live) { client, _ in
            let body = eventJSON("ev-1")
            let request =
                "POST /v1/records HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nConnection: close\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n" + body
            let answer = await RawHTTP.exchange(port: try #require(client.port), request)
            #expect(answer.hasPrefix("HTTP/1.1 100 Continue\r\n"), "\(answer)")
            #expect(answer.contains("HTTP/1.1 201 Created\r\n"), "\(answer)")
        }
    }
}
