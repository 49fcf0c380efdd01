/// One version of a field: a value and who wrote it when, as conflicts and history show it.
public struct FieldVersion: Sendable, Hashable {
    /// The value.
    public var value: JSONValue
    /// Who wrote it, and when.
    public var stamp: Stamp

    /// Creates a version.
    public init(value: JSONValue, stamp: Stamp) {
        self.value = value
        self.stamp = stamp
    }
}
