import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RelControlAPI
import RelModel
import RelStore
import RelSync
import Testing

@testable import RelDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// Who the control API's tests say is on the other end of the socket (the kernel cannot say on
/// a test channel or over TCP).
enum TestPeer: Sendable {
    /// reld's own user: may use every route.
    case owner
    /// A user outside the control group: may only read status.
    case stranger
    /// No stand-in: the kernel is asked, as in reld; on a test channel it cannot tell.
    case kernel

    var credentials: PeerCredentials? {
        switch self {
        case .owner: PeerCredentials(pid: 4242, uid: geteuid(), gid: getegid(), groups: [])
        case .stranger: PeerCredentials(pid: 4243, uid: 0x7fff_0001, gid: 0x7fff_0001, groups: [])
        case .kernel: nil
        }
    }
}

/// Serves reld's control application (``Daemon/application(_:logger:onServerRunning:)``, the one
/// `reld` runs) over a fresh store in a temporary directory, removed afterwards, and hands a
/// client and the store to `body`. `.router` sends requests straight to the router; `.live`
/// serves it over loopback TCP with reld's HTTP shell (framing, parser limits).
func withControlAPI<T: Sendable>(
    _ setup: TestingSetup = .router, peer: TestPeer = .owner, feed: FeedSettings? = nil,
    configure: (inout DaemonConfig) -> Void = { _ in },
    _ body: @Sendable (any TestClientProtocol, AppDatabase) async throws -> T
) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reld-routes-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var config = DaemonConfig(stateDirectory: dir.path, socketPath: dir.path + "/reld.sock", socketGroup: nil)
    configure(&config)
    var logger = Logger(label: "reld-routes-test")
    logger.logLevel = .critical
    let database = try AppDatabase(path: dir.path + "/reld.sqlite")
    let metrics = DaemonMetrics()
    let sync = feed.map { Daemon.syncEngine(database: database, feed: $0, logger: logger, metrics: metrics.sync) }
    // The engine's loop owns its HTTP client, which must be shut down: run it, stop it after.
    let loop = sync.map { engine in Task { await engine.run() } }
    var api = ControlAPI(database: database, config: config, startedAt: Date(), sync: sync, metrics: metrics)
    if let credentials = peer.credentials { api.peerCredentials = { _ in credentials } }
    let app = Daemon.application(api, logger: logger)
    let result: Result<T, any Error>
    do {
        result = .success(try await app.test(setup) { client in try await body(client, database) })
    } catch {
        result = .failure(error)
    }
    await sync?.stop()
    await loop?.value
    try await database.close()
    return try result.get()
}

/// A response's body as text and as JSON, and the error code a client reads.
extension TestResponse {
    var text: String { String(buffer: body) }

    var json: JSONValue {
        get throws { try JSONValue.parse(Data(text.utf8)) }
    }

    /// `error.code` of an error answer; `nil` when there is none.
    var errorCode: String? { (try? json)?["error"]?["code"]?.stringValue }

    /// `error.message` of an error answer.
    var errorMessage: String { (try? json)?["error"]?["message"]?.stringValue ?? "" }
}

extension TestClientProtocol {
    /// Sends `body` (JSON text, or any bytes) to `uri`.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    /// Creates a record and returns its id; fails the test when reld does not answer 201.
    @discardableResult
    func create(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let response = try await send(.post, Routes.records, json)
        #expect(response.status == .created, "\(response.text)", sourceLocation: sourceLocation)
        return try response.json["id"]?.stringValue ?? ""
    }
}

/// Checks the error document every client relies on: the status, the code, a message, and all
/// six members of `error` (docs/control-api.md, "Errors").
func expectError(
    _ response: TestResponse, _ status: HTTPResponse.Status, _ code: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
    #expect(response.errorCode == code, "\(response.text)", sourceLocation: sourceLocation)
    #expect(!response.errorMessage.isEmpty, sourceLocation: sourceLocation)
    let members = Set((try? response.json)?["error"]?.objectValue?.keys.map { $0 } ?? [])
    #expect(members == ["code", "message", "field", "value", "record_index", "record_id"], sourceLocation: sourceLocation)
}

/// A minimal event in input form.
func eventJSON(_ id: String, title: String = "Foreign minister visits Bamako") -> String {
    "{\"id\":\"\(id)\",\"kind\":\"event\",\"title\":\(JSONText.quoted(title)),\"category\":\"diplomatic\",\"date\":\"2023-02-07\",\"parties\":[\"ML\",\"RU\"]}"
}
