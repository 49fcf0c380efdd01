/// One field of one record set to a value at a time by a node: the unit of the change log,
/// and later of sync and merge.
public struct Change: Sendable, Hashable, Codable {
    /// The record changed.
    public var recordID: String
    /// A top-level field name, or one of the pseudo-fields ``kindField`` and ``deletedField``.
    public var field: String
    /// The new value.
    public var value: JSONValue
    /// When, by the hybrid logical clock.
    public var hlc: HLCTimestamp
    /// Which node made it.
    public var node: String

    /// Records the kind a record was created with (written once, with the record's first fields).
    public static let kindField = "_kind"
    /// A tombstone: `true` once the record is deleted.
    public static let deletedField = "_deleted"

    /// Creates a change.
    public init(recordID: String, field: String, value: JSONValue, hlc: HLCTimestamp, node: String) {
        self.recordID = recordID
        self.field = field
        self.value = value
        self.hlc = hlc
        self.node = node
    }

    enum CodingKeys: String, CodingKey {
        case recordID = "record_id", field, value, hlc, node
    }
}
