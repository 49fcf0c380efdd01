import Foundation
import OrderedCollections

/// Ledger records as a JSON Feed 1.1 document (https://jsonfeed.org/version/1.1), so that any
/// feed reader can follow a ledger. Pure: the caller reads the records and their clock stamps.
///
/// Each item is one record: `date_published` is when the record entered the ledger (the wall
/// time of its first change), `date_modified` when it last changed; the event's own date is in
/// `content_text`, as feed readers sort by publication. The whole record is under the `_reld`
/// extension (`{"record": {...}}`), which `relctl import` takes back.
public struct JSONFeed: Sendable, Equatable {
    /// The `version` member every JSON Feed 1.1 document carries.
    public static let version = "https://jsonfeed.org/version/1.1"
    /// The extension member of each item that holds the record (extensions start with `_`).
    public static let extensionKey = "_reld"
    /// The title when none is given.
    public static let defaultTitle = "reld ledger"

    /// The feed's `title`.
    public var title: String
    /// The feed's `home_page_url`: the page the feed belongs to, if any.
    public var homePageURL: String?
    /// The feed's `feed_url`: where this document itself is served, if anywhere.
    public var feedURL: String?

    /// A feed with these top-level members.
    public init(title: String = JSONFeed.defaultTitle, homePageURL: String? = nil, feedURL: String? = nil) {
        self.title = title
        self.homePageURL = homePageURL
        self.feedURL = feedURL
    }

    /// One record with the wall times of its first and last change.
    public struct Item: Sendable, Equatable {
        /// The record.
        public var record: Record
        /// When the record entered the ledger.
        public var published: Date
        /// When the record last changed.
        public var modified: Date

        /// An item.
        public init(record: Record, published: Date, modified: Date) {
            self.record = record
            self.published = published
            self.modified = modified
        }
    }

    /// The document, items newest change first (ties by id, so the output is stable).
    public func document(_ items: [Item]) -> JSONValue {
        let sorted = items.sorted { $0.modified != $1.modified ? $0.modified > $1.modified : $0.record.id < $1.record.id }
        var top: OrderedDictionary<String, JSONValue> = ["version": .string(Self.version), "title": .string(title)]
        if let homePageURL { top["home_page_url"] = .string(homePageURL) }
        if let feedURL { top["feed_url"] = .string(feedURL) }
        top["items"] = .array(sorted.map(Self.item))
        return .object(top)
    }

    /// The document as indented JSON text ending in a newline.
    public func text(_ items: [Item]) -> String {
        JSONText.pretty(document(items)) + "\n"
    }

    static func item(_ item: Item) -> JSONValue {
        let record = item.record
        var out: OrderedDictionary<String, JSONValue> = [
            "id": .string(record.id), "title": .string(record.title), "content_text": .string(contentText(record)),
            "date_published": .string(rfc3339(min(item.published, item.modified))), "date_modified": .string(rfc3339(item.modified)),
        ]
        let tags = record.fields["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if !tags.isEmpty { out["tags"] = .array(tags.map(JSONValue.string)) }
        if let url = record.fields["source"]?["url"]?.stringValue, Self.urlProblem(url) == nil {
            out["external_url"] = .string(url)
        }
        out[extensionKey] = .object(["record": record.json])
        return .object(out)
    }

    /// What a reader sees: kind, category, date, parties and claim, then the notes and source.
    static func contentText(_ record: Record) -> String {
        var head = [record.kind.rawValue, record.category, record.date.text]
        if !record.parties.isEmpty { head.append(record.parties.joined(separator: ", ")) }
        if !record.claimStatus.isEmpty { head.append(record.claimStatus) }
        var parts = [head.joined(separator: " · ")]
        if let notes = record.fields["notes"]?.stringValue, !notes.isEmpty { parts.append(notes) }
        if let source = record.fields["source"]?["title"]?.stringValue { parts.append("Source: " + source) }
        return parts.joined(separator: "\n\n")
    }

    /// RFC 3339 in UTC to the second, as `2026-12-06T09:42:54Z`.
    public static func rfc3339(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// Why `text` cannot be a feed's URL (it must be absolute http or https), or `nil` if it can.
    public static func urlProblem(_ text: String) -> String? {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased() else {
            return "must be an absolute http or https URL, such as https://example.org/ledger/"
        }
        guard scheme == "http" || scheme == "https" else { return "must be an http or https URL, not \(scheme)" }
        guard let host = url.host, !host.isEmpty else { return "has no host; give a URL such as https://example.org/ledger/" }
        return nil
    }
}
