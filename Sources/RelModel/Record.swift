import OrderedCollections

/// A validated record in canonical form: every field of its kind present, in schema order.
///
/// Only ``RecordValidator`` makes records, so holding a `Record` means holding valid data.
public struct Record: Sendable, Hashable {
    /// Stable id: a UUID, or an id given on import.
    public let id: String
    /// Event or agreement; fixed for the life of the record.
    public let kind: RecordKind
    /// Every field but `id` and `kind`, in schema order.
    public private(set) var fields: OrderedDictionary<String, JSONValue>

    init(id: String, kind: RecordKind, fields: OrderedDictionary<String, JSONValue>) {
        self.id = id
        self.kind = kind
        self.fields = fields
    }

    /// The record as one JSON object, `id` and `kind` first.
    public var json: JSONValue {
        var o = OrderedDictionary<String, JSONValue>(minimumCapacity: fields.count + 2)
        o["id"] = .string(id)
        o["kind"] = .string(kind.rawValue)
        o.merge(fields) { a, _ in a }
        return .object(o)
    }

    /// The title.
    public var title: String { fields["title"]?.stringValue ?? "" }
    /// The main category.
    public var category: String { fields["category"]?.stringValue ?? "" }
    /// The date.
    public var date: DateSpec { fields["date"].flatMap(DateSpec.init(json:)) ?? .unknown }
    /// Parties: country codes and organisation names.
    public var parties: [String] { fields["parties"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    /// Claim status.
    public var claimStatus: String { fields["claim_status"]?.stringValue ?? "" }

    /// Lower-cased title, notes, tags, actors, place and source: what the `search` column of
    /// stores before `v6-search` held (migration `v3-nfc` still writes it); searches now use the
    /// full-text index.
    public var searchText: String {
        var parts = [title, fields["notes"]?.stringValue ?? ""]
        parts += fields["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
        parts += fields["actors"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        parts.append(fields["location"]?["name"]?.stringValue ?? "")
        parts.append(fields["source"]?["title"]?.stringValue ?? "")
        parts.append(fields["source"]?["quote"]?.stringValue ?? "")
        return parts.joined(separator: "\n").lowercased()
    }

    /// Names of the fields whose values differ from `other`'s.
    public func changedFields(from other: Record) -> [String] {
        fields.keys.filter { fields[$0] != other.fields[$0] }
    }
}
