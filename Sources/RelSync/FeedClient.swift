import AsyncHTTPClient
import CompressNIO
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOSSL
import RelModel

/// Talks to a feed over HTTP: pulls pages, pushes batches, fetches snapshot documents.
///
/// Built on AsyncHTTPClient, which reld's dependency graph already has (relctl uses it on the
/// control socket): it ignores `http_proxy` and keeps no disk cache unless told to, bounds
/// decompressed bodies, and runs on the same event loops as the rest of the daemon.
public final class FeedClient: Sendable {
    let settings: FeedSettings
    let http: HTTPClient
    /// Whether the hub said (`Reld-Hlc: string`) that it reads clock values as strings; until
    /// then pushes carry integers, which hubs of every version read.
    let hubReadsStringHLC = LockedFlag()
    /// Where the bytes each way are counted.
    let metrics: SyncMetrics

    /// Creates a client that counts what it moves in `metrics`; call ``shutdown()`` when done.
    public init(settings: FeedSettings, metrics: SyncMetrics = SyncMetrics()) {
        self.settings = settings
        self.metrics = metrics
        var configuration = HTTPClient.Configuration(
            timeout: .init(connect: .seconds(10), read: .seconds(60)),
            decompression: .enabled(limit: .size(settings.maxResponseBytes)))
        configuration.redirectConfiguration = .disallow
        if let caFile = settings.caFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.additionalTrustRoots = [.file(caFile)]
            configuration.tlsConfiguration = tls
        }
        // A refused connection is an answer (the feed is down): report it now, and let the
        // engine's backoff decide when to try again, rather than retry until the timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Releases connections.
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// `GET /v1/changes?since=&limit=&hlc=string`, conditional on `etag`. A hub of version 0.2.0 or earlier
    /// ignores `hlc=string` and sends integers, and ignores `known` and sends our own changes too;
    /// both are read.
    public func pull(since: Int64, limit: Int, etag: String?, known: OwnChanges? = nil) async throws(FeedError) -> Fetched<FeedPage> {
        let url = settings.url.string + FeedRoutes.changes(since: since, limit: limit, known: known)
        return try await get(url, etag: etag, lastModified: nil) { json throws(FieldError) in try FeedPage(json: json) }
    }

    /// `GET` of a snapshot document, conditional on its validators.
    public func snapshot(etag: String?, lastModified: String?) async throws(FeedError) -> Fetched<FeedSnapshot> {
        try await get(settings.url.string, etag: etag, lastModified: lastModified) { json throws(FieldError) in
            try FeedSnapshot(json: json)
        }
    }

    /// `POST /v1/changes` with a batch, gzip-compressed. `node` is this replica's own node id,
    /// sent as `Reld-Node` so that the hub binds only that id to our token, not the ids of
    /// others' changes we relay after a feed reset; hubs of version 0.2.0 or earlier ignore it.
    /// `nodeName` goes as `Reld-Node-Name`, percent-encoded UTF-8; hubs that predate it ignore it.
    public func push(_ batch: PushBatch, node: String?, nodeName: String?) async throws(FeedError) -> PushResult {
        let url = settings.url.string + FeedRoutes.changes
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        let form: HLCForm = hubReadsStringHLC.value ? .string : .integer
        var body = ByteBuffer(string: JSONText.compact(batch.json(form)))
        let jsonBytes = body.readableBytes
        if body.readableBytes > 1024, let compressed = try? body.compress(with: .gzip()) {
            body = compressed
            request.headers.add(name: "Content-Encoding", value: "gzip")
        }
        request.headers.add(name: "Content-Type", value: "application/json")
        if let node { request.headers.add(name: "Reld-Node", value: node) }
        if let nodeName { request.headers.add(name: "Reld-Node-Name", value: NodeName.headerValue(nodeName)) }
        request.body = .bytes(body)
        let (_, json) = try await exchange(request, url: url)
        metrics.pushedBytes.increment(by: jsonBytes)
        do { return try PushResult(json: json) } catch { throw FeedError.badResponse(url: url, reason: "\(error.path): \(error.reason)") }
    }

    private func get<T: Sendable>(
        _ url: String, etag: String?, lastModified: String?,
        decode: (JSONValue) throws(FieldError) -> T
    ) async throws(FeedError) -> Fetched<T> {
        var request = HTTPClientRequest(url: url)
        if let etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let lastModified { request.headers.add(name: "If-Modified-Since", value: lastModified) }
        let (response, json) = try await exchange(request, url: url)
        guard response.status != .notModified else { return .notModified }
        do {
            return .body(
                try decode(json), etag: response.headers.first(name: "ETag"),
                lastModified: response.headers.first(name: "Last-Modified"))
        } catch {
            throw FeedError.badResponse(url: url, reason: "\(error.path.isEmpty ? "body" : error.path): \(error.reason)")
        }
    }

    /// Sends a request with the token and reads a bounded JSON answer (`null` for 304).
    private func exchange(_ original: HTTPClientRequest, url: String) async throws(FeedError) -> (HTTPClientResponse, JSONValue) {
        var request = original
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Accept-Encoding", value: "gzip")
        request.headers.add(name: "User-Agent", value: "reld/\(RelVersion.current)")
        if let token = settings.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .seconds(120))
            body = try await response.body.collect(upTo: settings.maxResponseBytes)
            metrics.pulledBytes.increment(by: body.readableBytes)
        } catch is NIOTooManyBytesError {
            throw .tooLarge(url: url, limit: settings.maxResponseBytes)
        } catch NIOHTTPDecompression.DecompressionError.limit {
            // A gzip body that inflates past the bound (a "zip bomb"): too large, not unreachable.
            throw .tooLarge(url: url, limit: settings.maxResponseBytes)
        } catch {
            throw .unreachable(url: url, reason: Self.describe(error))
        }
        // Each answer says again: a hub replaced by an older one stops getting strings at once.
        hubReadsStringHLC.value = response.headers.first(name: "Reld-Hlc") == "string"
        switch response.status.code {
        case 304: return (response, .null)
        case 200..<300: break
        default:
            let answer = (try? JSONValue.parse(String(buffer: body)))?["error"]
            // 403 node_not_yours accepts the token but not our node id: its message says what to do.
            if response.status.code == 401 || response.status.code == 403,
                answer?["code"]?.stringValue != WireErrorCode.nodeNotYours.rawValue
            {
                throw .unauthorized(url: url, status: Int(response.status.code))
            }
            let message = answer?["message"]?.stringValue ?? response.status.reasonPhrase
            let retryAfter = response.headers.first(name: "Retry-After").flatMap(Int.init).map { Duration.seconds(max(0, $0)) }
            throw .status(url: url, status: Int(response.status.code), message: message, retryAfter: retryAfter)
        }
        do {
            return (response, try JSONValue.parse(Data(body.readableBytesView)))
        } catch {
            throw .badResponse(url: url, reason: "\(error)")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: return "connection timed out"
            case .deadlineExceeded, .readTimeout: return "no answer in time"
            case .remoteConnectionClosed: return "the connection was closed"
            default: return "\(e)"
            }
        }
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("Connection reset by peer") { return "the connection was reset" }
        if text.contains("Name or service not known") || text.contains("nodename nor servname") || text.contains("No address associated") {
            return "the host name cannot be resolved; check the feed URL and the machine's DNS"
        }
        if text.contains("Network is unreachable") { return "the network is unreachable" }
        if text.contains("No route to host") { return "no route to the host" }
        if text.contains("stream ended at an unexpected time") || text.contains("uncleanShutdown") {
            return "the answer was cut off before its end"
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "its TLS certificate is not trusted (\(text)); if the feed uses its own certificate authority, set ca_file in [sync]"
        }
        return text
    }
}

/// A flag shared by concurrent requests (Synchronization's `Atomic` needs macOS 15).
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = false

    /// The flag; reads and writes are serialised by the lock.
    var value: Bool {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
