/// One field of one record set to a value at a time by a node: the unit of the change log, of
/// sync and of merge.
public struct Change: Sendable, Hashable {
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
    /// The node's own number for it: 1, 2, 3... with no gaps. With `node` it identifies the
    /// change, so a change delivered twice is recognised.
    public var nodeSeq: Int64
    /// The versions of the field its writer saw and replaced (see ``MergeRules``).
    public var bases: [Stamp]

    /// Records the kind a record was created with (written once, with the record's first fields).
    public static let kindField = "_kind"
    /// A tombstone: `true` once the record is deleted, `false` when it is restored.
    public static let deletedField = "_deleted"

    /// Creates a change.
    public init(
        recordID: String, field: String, value: JSONValue, hlc: HLCTimestamp, node: String,
        nodeSeq: Int64 = 0, bases: [Stamp] = []
    ) {
        self.recordID = recordID
        self.field = field
        self.value = value
        self.hlc = hlc
        self.node = node
        self.nodeSeq = nodeSeq
        self.bases = bases
    }

    /// Who wrote it, and when.
    public var stamp: Stamp { Stamp(hlc: hlc, node: node) }
}
