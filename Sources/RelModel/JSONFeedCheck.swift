import Foundation

extension JSONFeed {
    /// What in `document` breaks JSON Feed 1.1 (https://jsonfeed.org/version/1.1): missing
    /// required members, members of the wrong type, dates that are not RFC 3339, and members
    /// the spec does not define that are not extensions (`_name`). Empty when it conforms.
    /// Linear in the document's size.
    public static func problems(in document: JSONValue) -> [String] {
        var out: [String] = []
        guard let top = document.objectValue else { return ["the document is \(document.typeName), not an object"] }
        if top["version"]?.stringValue != version { out.append("version must be \"\(version)\"") }
        if top["title"]?.stringValue == nil { out.append("title is required and must be a string") }
        for key in top.keys where !topMembers.keys.contains(key) && !key.hasPrefix("_") { out.append("\(key) is not a JSON Feed member") }
        for (key, kind) in topMembers { check(top[key], kind, "\(key)", into: &out) }
        guard let items = top["items"]?.arrayValue else { return out + ["items is required and must be an array"] }
        for (index, value) in items.enumerated() {
            let at = "items[\(index)]"
            guard let item = value.objectValue else {
                out.append("\(at) is \(value.typeName), not an object")
                continue
            }
            if item["id"]?.stringValue == nil { out.append("\(at).id is required and must be a string") }
            if item["content_text"] == nil, item["content_html"] == nil { out.append("\(at) needs content_text or content_html") }
            for key in item.keys where !itemMembers.keys.contains(key) && !key.hasPrefix("_") {
                out.append("\(at).\(key) is not a JSON Feed item member")
            }
            for (key, kind) in itemMembers { check(item[key], kind, "\(at).\(key)", into: &out) }
            for key in ["date_published", "date_modified"] {
                if let text = item[key]?.stringValue, !isRFC3339(text) {
                    out.append("\(at).\(key) \(JSONText.quoted(text)) is not RFC 3339")
                }
            }
            for (n, attachment) in (item["attachments"]?.arrayValue ?? []).enumerated()
            where attachment["url"]?.stringValue == nil || attachment["mime_type"]?.stringValue == nil {
                out.append("\(at).attachments[\(n)] needs url and mime_type strings")
            }
        }
        return out
    }

    enum MemberType { case string, bool, array, objects, strings }

    static let topMembers: [String: MemberType] = [
        "version": .string, "title": .string, "home_page_url": .string, "feed_url": .string, "description": .string,
        "user_comment": .string, "next_url": .string, "icon": .string, "favicon": .string, "authors": .objects,
        "author": .objects, "language": .string, "expired": .bool, "hubs": .objects, "items": .array,
    ]

    static let itemMembers: [String: MemberType] = [
        "id": .string, "url": .string, "external_url": .string, "title": .string, "content_html": .string,
        "content_text": .string, "summary": .string, "image": .string, "banner_image": .string, "date_published": .string,
        "date_modified": .string, "authors": .objects, "author": .objects, "tags": .strings, "language": .string,
        "attachments": .objects,
    ]

    static func check(_ value: JSONValue?, _ kind: MemberType, _ name: String, into out: inout [String]) {
        guard let value else { return }
        let ok: Bool
        switch kind {
        case .string: ok = value.stringValue != nil
        case .bool: ok = value == .bool(true) || value == .bool(false)
        case .array: ok = value.arrayValue != nil
        case .objects:
            ok = value.arrayValue.map { $0.allSatisfy { $0.objectValue != nil } } ?? (name.hasSuffix("author") && value.objectValue != nil)
        case .strings: ok = value.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false
        }
        if !ok { out.append("\(name) must be \(kind)") }
    }

    /// RFC 3339 `date-time`: `2026-12-06T09:42:54Z`, with optional fraction and a `Z` or `±hh:mm` offset.
    static func isRFC3339(_ text: String) -> Bool {
        text.wholeMatch(of: /\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})/) != nil
    }
}
