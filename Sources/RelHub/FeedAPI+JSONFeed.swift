import Foundation
import HTTPTypes
import Hummingbird
import RelModel
import RelStore
import Synchronization

extension FeedAPI {
    /// `GET /feed.json`: the `json_feed_items` most recently changed records as a JSON Feed,
    /// with an ETag that moves with the feed's head, so a reader polling an idle ledger gets a
    /// bodiless 304. Its size is bounded by the item count and the size limits of a record.
    /// relhub keeps no record rows, so the records are read from the field tables
    /// (``AppDatabase/jsonFeedItemsFromFields(limit:)``).
    func jsonFeed(_ request: Request) async throws -> Response {
        let head = try await metrics.store(.head) { try await store.feedHead() }
        let etag = jsonFeedETag(head: head)
        if Self.matches(request.headers[.ifNoneMatch], etag) {
            return Response(status: .notModified, headers: [.eTag: etag, .cacheControl: "no-cache"])
        }
        // Built at most once per head: readers polling a busy hub share one document.
        let text: String
        if let cached = jsonFeedCache.text(for: etag) {
            text = cached
        } else {
            let items = try await metrics.store(.jsonFeed) { try await store.jsonFeedItems(limit: config.jsonFeedItems) }
            text = config.jsonFeedInfo.text(items)
            jsonFeedCache.store(text, for: etag)
        }
        var response = GzipMiddleware<BasicRequestContext>.json(text, for: request, headers: [.eTag: etag, .cacheControl: "no-cache"])
        response.headers[.contentType] = "application/feed+json"
        return response
    }

    /// The feed and its head, and the settings that shape the document (a restart with a new
    /// title must not be answered 304). FNV-1a: stable from one run to the next, unlike `hashValue`.
    func jsonFeedETag(head: Int64) -> String {
        let info = config.jsonFeedInfo
        let shape = [info.title, info.homePageURL ?? "", info.feedURL ?? "", String(config.jsonFeedItems)].joined(separator: "\u{0}")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in shape.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return "\"\(store.feedID)-\(head)-jsonfeed-\(String(hash, radix: 16))\""
    }

    /// Whether `If-None-Match` (one tag, a list, or `*`; weak tags compare equal) names `etag`.
    static func matches(_ header: String?, _ etag: String) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains { part in
            let tag = part.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == etag || tag == "W/" + etag
        }
    }
}

/// The last JSON Feed document relhub wrote, under its ETag.
final class JSONFeedCache: Sendable {
    private let last = Mutex<(etag: String, text: String)?>(nil)

    /// The document whose ETag is `etag`, if it is the one kept.
    func text(for etag: String) -> String? {
        last.withLock { $0?.etag == etag ? $0?.text : nil }
    }

    /// Keeps `text` as the document of `etag`, in place of the one before.
    func store(_ text: String, for etag: String) {
        last.withLock { $0 = (etag, text) }
    }
}
