import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RelModel
import RelStore
import Testing

@testable import RelHub

/// The two tokens the test hubs accept.
enum FeedToken {
    static let a = "token-a-0123456789abcdef"
    static let b = "token-b-0123456789abcdef"
}

/// Serves relhub's application (``Hub/application(store:config:tokens:logger:onServerRunning:)``,
/// the one `relhub` runs) over a fresh store in a temporary directory, removed afterwards.
/// `.router` sends requests straight to the router; `.live` serves it over loopback TCP with
/// relhub's HTTP shell.
func withFeed<T: Sendable>(
    _ setup: TestingSetup = .router, configure: (inout HubConfig) -> Void = { _ in },
    _ body: @Sendable (any TestClientProtocol, AppDatabase) async throws -> T
) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relhub-routes-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var config = HubConfig(stateDirectory: dir.path)
    config.port = 0
    configure(&config)
    var logger = Logger(label: "relhub-routes-test")
    logger.logLevel = .critical
    let database = try AppDatabase(path: dir.path + "/relhub.sqlite")
    let app = Hub.application(store: database, config: config, tokens: [FeedToken.a, FeedToken.b], logger: logger)
    let result: Result<T, any Error>
    do {
        result = .success(try await app.test(setup) { client in try await body(client, database) })
    } catch {
        result = .failure(error)
    }
    try await database.close()
    return try result.get()
}

/// Changes as a replica pushes them (docs/sync-protocol.md, section 2).
enum Wire {
    /// The clock value of now.
    static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) << 16 }

    /// One change in wire form; `value` is JSON text.
    static func change(
        node: String = "node-a", seq: Int64, record: String = "ev1", field: String,
        value: String, hlc: Int64 = now, bases: String = "[]"
    ) -> String {
        "{\"node\":\"\(node)\",\"node_seq\":\(seq),\"record_id\":\"\(record)\",\"field\":\"\(field)\",\"value\":\(value),\"hlc\":\(hlc),\"bases\":\(bases)}"
    }

    /// The first changes of a new event `record` on `node`, numbered from `from`.
    static func newEvent(node: String = "node-a", from: Int64 = 1, record: String = "ev1", title: String = "Talks resume") -> [String] {
        let hlc = now
        return [("_kind", "\"event\""), ("title", JSONText.quoted(title)), ("category", "\"diplomatic\"")].enumerated().map {
            change(node: node, seq: from + Int64($0), record: record, field: $1.0, value: $1.1, hlc: hlc)
        }
    }

    /// A push body.
    static func batch(_ changes: [String]) -> String { "{\"changes\":[" + changes.joined(separator: ",") + "]}" }
}

extension TestClientProtocol {
    /// Sends `body` with a token (`token: nil` sends none).
    func send(
        _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, token: String? = FeedToken.a,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var fields = headers
        if let token { fields[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) })
    }

    /// Pushes `changes` with token A and checks that they were taken.
    func push(_ changes: [String], token: String = FeedToken.a, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let response = try await send(.post, "/v1/changes", Wire.batch(changes), token: token)
        #expect(response.status == .ok, "\(response.text)", sourceLocation: sourceLocation)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    var json: JSONValue {
        get throws { try JSONValue.parse(Data(text.utf8)) }
    }
}

/// Checks relhub's error document: `{"error": {"code", "message"}}` (docs/sync-protocol.md,
/// "Errors").
func expectFeedError(
    _ response: TestResponse, _ status: HTTPResponse.Status, _ code: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
    let error = (try? response.json)?["error"]
    #expect(error?["code"]?.stringValue == code, "\(response.text)", sourceLocation: sourceLocation)
    #expect(error?["message"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(response.headers[FeedAPI.hlcHeader] == nil, "not on errors", sourceLocation: sourceLocation)
}
