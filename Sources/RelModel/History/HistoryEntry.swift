/// One change of a record as its history tells it; see ``RecordHistory``.
public struct HistoryEntry: Sendable, Hashable {
    /// What the change did.
    public enum Action: String, Sendable, CaseIterable {
        /// The record's first change: its kind.
        case created
        /// A field set to a new value.
        case changed
        /// A field set over two or more versions at once: a conflict resolved.
        case resolved
        /// The record deleted (a tombstone).
        case deleted
        /// The record brought back.
        case restored
    }

    /// Who wrote it, and when.
    public var stamp: Stamp
    /// The field, or a pseudo-field of ``Change`` for created, deleted and restored.
    public var field: String
    /// What it did.
    public var action: Action
    /// The versions it replaced, as its writer saw them (empty for a field's first value, and for
    /// a value written without seeing another).
    public var replaced: [FieldVersion]
    /// The new value.
    public var value: JSONValue
    /// Other versions of the field, with other values, that stood beside it without being
    /// replaced: a conflict. This change has the greater stamp, so it won and they were kept as
    /// conflicts (until a later entry resolves them).
    public var concurrent: [FieldVersion]
    /// Replaced by a change stamped before it (that writer's clock ran behind): history only; it
    /// never was the field's value.
    public var superseded: Bool

    /// Creates an entry.
    public init(
        stamp: Stamp, field: String, action: Action, replaced: [FieldVersion], value: JSONValue,
        concurrent: [FieldVersion], superseded: Bool
    ) {
        self.stamp = stamp
        self.field = field
        self.action = action
        self.replaced = replaced
        self.value = value
        self.concurrent = concurrent
        self.superseded = superseded
    }
}
