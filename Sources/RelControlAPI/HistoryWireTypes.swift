import RelModel

/// One change in `GET /v1/records/{id}/history`; see ``RelModel/HistoryEntry``.
public struct HistoryEntryInfo: Codable, Sendable, Equatable {
    /// When, ISO 8601 UTC, from the writer's clock stamp.
    public var time: String
    /// The packed clock stamp, as a decimal string.
    public var hlc: String
    /// The node that wrote it.
    public var node: String
    /// That node's human name, where known.
    public var nodeName: String?
    /// Whether that node is this one.
    public var local: Bool
    /// The field; `_kind` for created, `_deleted` for deleted and restored.
    public var field: String
    /// `created`, `changed`, `resolved`, `deleted` or `restored`.
    public var action: String
    /// The versions it replaced, as its writer saw them.
    public var old: [VersionInfo]
    /// The new value.
    public var value: JSONValue
    /// Versions with other values that stood beside it without being replaced: a conflict this
    /// change won by its greater stamp; they were kept as conflicts.
    public var concurrent: [VersionInfo]
    /// Replaced by a change stamped before it (that writer's clock ran behind): it never was the
    /// field's value.
    public var superseded: Bool

    /// Creates the info.
    public init(
        time: String, hlc: HLCTimestamp, node: String, nodeName: String?, local: Bool, field: String, action: String,
        old: [VersionInfo], value: JSONValue, concurrent: [VersionInfo], superseded: Bool
    ) {
        self.time = time
        self.hlc = String(hlc.rawValue)
        self.node = node
        self.nodeName = nodeName
        self.local = local
        self.field = field
        self.action = action
        self.old = old
        self.value = value
        self.concurrent = concurrent
        self.superseded = superseded
    }

    enum CodingKeys: String, CodingKey {
        case time, hlc, node, local, field, action, old, value, concurrent, superseded
        case nodeName = "node_name"
    }
}

/// `GET /v1/records/{id}/history`: a record's changes, oldest first.
public struct HistoryResponse: Codable, Sendable, Equatable {
    /// The record.
    public var id: String
    /// The entries of this page.
    public var entries: [HistoryEntryInfo]
    /// Entries in the whole history (of the field, with `field`).
    public var total: Int

    /// Creates the response.
    public init(id: String, entries: [HistoryEntryInfo], total: Int) {
        self.id = id
        self.entries = entries
        self.total = total
    }
}

/// The query of `GET /v1/records/{id}/history`: `field`, `limit`, `offset`.
public struct HistoryQuery: Sendable, Equatable {
    /// Only this field's changes (`deleted` for deletes and restores).
    public var field: String?
    /// At most this many entries, 1-100000.
    public var limit = 1000
    /// Skip this many first.
    public var offset = 0

    /// An unfiltered query.
    public init() {}

    /// The query as name/value pairs.
    public var items: [(String, String)] {
        var items: [(String, String)] = []
        if let field { items.append(("field", field)) }
        items.append(("limit", String(limit)))
        if offset > 0 { items.append(("offset", String(offset))) }
        return items
    }

    /// Every field name `field` takes: those of either kind, and `deleted`.
    public static let fieldNames: [String] = {
        var names = RecordKind.allCases.flatMap { RecordSchema.fields(for: $0).map(\.name) }
        names.append("deleted")
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }()

    /// The change-log field that `field` stands for.
    public var logField: String? { field == "deleted" ? Change.deletedField : field }

    /// Reads name/value pairs; the error names the parameter and says what it takes.
    public init(items: [(String, String)]) throws(QueryError) {
        for (name, value) in items {
            guard value.utf8.count <= ListQuery.maxOtherBytes else {
                throw QueryError(name, value, "is \(value.utf8.count) bytes long; at most \(ListQuery.maxOtherBytes) bytes are allowed")
            }
            switch name {
            case "field":
                guard Self.fieldNames.contains(value) else {
                    throw QueryError(name, value, "is not a field; fields: \(Self.fieldNames.joined(separator: ", "))")
                }
                field = value
            case "limit", "offset":
                guard let n = Int(value), name == "limit" ? (1...100_000).contains(n) : n >= 0 else {
                    throw QueryError(name, value, name == "limit" ? "must be a whole number 1-100000" : "must be a whole number 0 or more")
                }
                if name == "limit" { limit = n } else { offset = n }
            default:
                throw QueryError(name, value, "is not a known parameter; known: field, limit, offset")
            }
        }
    }
}
