import Foundation
import Hummingbird
import HummingbirdTesting
import RelModel
import RelService
import Testing

@testable import RelHub

/// relhub's gate and what every route shares, in process: the bearer token (401, 429 per
/// peer), unknown routes, and (served live over loopback) the peer address relhub sets itself.
@Suite struct FeedRoutesAuthTests {
    static let guarded: [(HTTPRequest.Method, String)] = [(.get, "/v1/changes"), (.post, "/v1/changes"), (.get, "/v1/snapshot")]

    @Test func everyRouteButHealthNeedsAToken() async throws {
        try await withFeed { client, database in
            for (method, path) in Self.guarded {
                let none = try await client.send(method, path, Wire.batch(Wire.newEvent()), token: nil)
                expectFeedError(none, .unauthorized, "unauthorized")
                #expect(none.headers[.wwwAuthenticate] == "Bearer", "\(method) \(path)")
                let basic = try await client.send(method, path, token: nil, headers: [.authorization: "Basic dXNlcjpwdw=="])
                expectFeedError(basic, .unauthorized, "unauthorized")
                let wrong = try await client.send(method, path, Wire.batch(Wire.newEvent()), token: "not-a-token-of-this-hub")
                expectFeedError(wrong, .unauthorized, "unauthorized")
                #expect(wrong.headers[.wwwAuthenticate] == "Bearer error=\"invalid_token\"")
                #expect(!wrong.text.contains("not-a-token"), "the token is never echoed")
            }
            #expect(try await database.feedHead() == 0, "nothing was pushed")
            for token in [FeedToken.a, FeedToken.b] {
                #expect(try await client.send(.get, "/v1/changes", token: token).status == .ok)
            }
            #expect(try await client.send(.get, "/v1/health", token: "wrong").status == .ok, "health ignores any token")
        }
    }

    @Test func anUnknownRouteIs404AfterTheToken() async throws {
        try await withFeed { client, _ in
            let response = try await client.send(.get, "/v1/nope")
            expectFeedError(response, .notFound, "not_found")
            #expect(try response.json["error"]?["message"]?.stringValue == "no such route: GET /v1/nope; see docs/sync-protocol.md")
            expectFeedError(try await client.send(.get, "/v1/nope", token: nil), .unauthorized, "unauthorized")
            // relhub answers a method a route does not take as an unknown route.
            expectFeedError(try await client.send(.delete, "/v1/changes"), .notFound, "not_found")
            expectFeedError(try await client.send(.post, "/v1/snapshot"), .notFound, "not_found")
        }
    }

    @Test func tenWrongTokensFromOnePeerAre429UntilItsMinuteEnds() async throws {
        try await withFeed { client, _ in
            let guesser: HTTPFields = [peerAddressHeader: "192.0.2.7"]
            for _ in 0..<AuthFailures.limit {
                let wrong = try await client.send(.get, "/v1/changes", token: "guess", headers: guesser)
                expectFeedError(wrong, .unauthorized, "unauthorized")
            }
            for token in ["guess", FeedToken.a] {
                let slowed = try await client.send(.get, "/v1/changes", token: token, headers: guesser)
                expectFeedError(slowed, .tooManyRequests, "too_many_wrong_tokens")
                let wait = try #require(slowed.headers[.retryAfter].flatMap { Int($0) })
                #expect((1...60).contains(wait))
            }
            let other = try await client.send(.get, "/v1/changes", headers: [peerAddressHeader: "192.0.2.8"])
            #expect(other.status == .ok, "other peers are not slowed")
            #expect(try await client.send(.get, "/v1/health", token: nil, headers: guesser).status == .ok)
        }
    }

    /// Over HTTP relhub writes the peer's address itself: a client cannot dodge the limit by
    /// sending another address under that header.
    @Test func overHTTPThePeerAddressCannotBeForged() async throws {
        try await withFeed(.live) { client, _ in
            #expect(try await client.send(.get, "/v1/health", token: nil).status == .ok)
            for n in 0..<AuthFailures.limit {
                let wrong = try await client.send(.get, "/v1/changes", token: "guess", headers: [peerAddressHeader: "198.51.100.\(n)"])
                expectFeedError(wrong, .unauthorized, "unauthorized")
            }
            let slowed = try await client.send(.get, "/v1/changes", headers: [peerAddressHeader: "198.51.100.99"])
            expectFeedError(slowed, .tooManyRequests, "too_many_wrong_tokens")
            #expect(slowed.errorText.contains("127.0.0.1") || slowed.errorText.contains("::1"), "\(slowed.text)")
        }
    }

    @Test func pushAndPullWorkOverHTTP() async throws {
        try await withFeed(.live, configure: { $0.maxPushBytes = 4096 }) { client, _ in
            try await client.push(Wire.newEvent())
            #expect(try await client.send(.get, "/v1/changes").json["next"] == .int(3))
            let notes = Wire.change(seq: 4, field: "notes", value: JSONText.quoted(String(repeating: "n", count: 8000)))
            expectFeedError(try await client.send(.post, "/v1/changes", Wire.batch([notes])), .contentTooLarge, "payload_too_large")
        }
    }
}

extension TestResponse {
    /// `error.message`, or "" when there is none.
    var errorText: String { (try? json)?["error"]?["message"]?.stringValue ?? "" }
}
