import RelModel

/// `POST /v1/records/{id}/restore`: whether the record was deleted and has come back.
public struct RestoreResponse: Codable, Sendable, Equatable {
    /// The id.
    public var id: String
    /// True if the record was deleted and is live again; false if it was live and nothing was written.
    public var restored: Bool

    /// Creates the response.
    public init(id: String, restored: Bool) {
        self.id = id
        self.restored = restored
    }
}

/// `GET /v1/records/{id}?include_deleted=true`: a record, live or deleted, and which it is.
public struct RecordStateResponse: Codable, Sendable, Equatable {
    /// True if the record is deleted: `record` is its tombstone, with the last values it had.
    public var deleted: Bool
    /// The record in canonical form.
    public var record: JSONValue

    /// Creates the response.
    public init(deleted: Bool, record: JSONValue) {
        self.deleted = deleted
        self.record = record
    }
}

/// The query parameter of `GET /v1/records/{id}` that also returns a deleted record's tombstone.
public enum RecordQuery {
    /// `include_deleted=true`.
    public static let includeDeleted = "include_deleted"
    /// `as_of=TIME`: the record as it stood then (``RelModel/AsOfTime``).
    public static let asOf = "as_of"
}
