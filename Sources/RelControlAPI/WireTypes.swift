import RelModel

/// `GET /v1/status`.
public struct StatusResponse: Codable, Sendable, Equatable {
    /// reld's version.
    public var version: String
    /// When this reld started, ISO 8601 UTC.
    public var startedAt: String
    /// Seconds since start.
    public var uptimeSeconds: Double
    /// This node's id.
    public var nodeID: String
    /// Live records by kind, and tombstones.
    public var records: RecordCounts
    /// Changes made here that no feed has yet.
    public var pendingChanges: Int
    /// Where the database is and how big.
    public var database: DatabaseInfo
    /// The control socket's path.
    public var socket: String
    /// Fields edited concurrently to different values, waiting for `relctl resolve`.
    public var openConflicts: Int
    /// The feed and how syncing goes; absent when no feed is configured.
    public var sync: SyncInfo?

    /// Creates a status.
    public init(
        version: String, startedAt: String, uptimeSeconds: Double, nodeID: String, records: RecordCounts,
        pendingChanges: Int, database: DatabaseInfo, socket: String, openConflicts: Int = 0, sync: SyncInfo? = nil
    ) {
        self.openConflicts = openConflicts
        self.sync = sync
        self.version = version
        self.startedAt = startedAt
        self.uptimeSeconds = uptimeSeconds
        self.nodeID = nodeID
        self.records = records
        self.pendingChanges = pendingChanges
        self.database = database
        self.socket = socket
    }

    enum CodingKeys: String, CodingKey {
        case version
        case startedAt = "started_at"
        case uptimeSeconds = "uptime_seconds"
        case nodeID = "node_id"
        case records
        case pendingChanges = "pending_changes"
        case database, socket
        case openConflicts = "open_conflicts"
        case sync
    }
}

/// Record counts in a status.
public struct RecordCounts: Codable, Sendable, Equatable {
    /// Live events.
    public var event: Int
    /// Live agreements.
    public var agreement: Int
    /// Deleted records kept as tombstones.
    public var deleted: Int

    /// Creates counts.
    public init(event: Int, agreement: Int, deleted: Int) {
        self.event = event
        self.agreement = agreement
        self.deleted = deleted
    }
}

/// The database's place and size in a status.
public struct DatabaseInfo: Codable, Sendable, Equatable {
    /// Path of the SQLite file.
    public var path: String
    /// Bytes used by the file and its write-ahead log.
    public var sizeBytes: Int64

    /// Creates the info.
    public init(path: String, sizeBytes: Int64) {
        self.path = path
        self.sizeBytes = sizeBytes
    }

    enum CodingKeys: String, CodingKey {
        case path
        case sizeBytes = "size_bytes"
    }
}

/// `GET /v1/records`: one page of records.
public struct RecordsPage: Codable, Sendable {
    /// The records, in canonical form.
    public var records: [JSONValue]
    /// How many records match in all.
    public var total: Int
}

/// `POST /v1/records`: the new record's id.
public struct CreatedResponse: Codable, Sendable, Equatable {
    /// The id.
    public var id: String
    /// Creates the response.
    public init(id: String) { self.id = id }
}

/// `DELETE /v1/records/{id}`.
public struct DeletedResponse: Codable, Sendable, Equatable {
    /// The id.
    public var id: String
    /// Always true.
    public var deleted: Bool
    /// Creates the response.
    public init(id: String) {
        self.id = id
        deleted = true
    }
}

/// `POST /v1/import`: what the import did.
public struct ImportResponse: Codable, Sendable, Equatable {
    /// New records.
    public var created: Int
    /// Records with changed fields.
    public var updated: Int
    /// Records that were already so.
    public var unchanged: Int

    /// Creates the response.
    public init(created: Int, updated: Int, unchanged: Int) {
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
    }
}

/// The body of every error response.
public struct ErrorResponse: Codable, Sendable, Equatable {
    /// The error.
    public var error: APIErrorBody

    /// Wraps an error.
    public init(_ error: APIErrorBody) { self.error = error }
}

/// What went wrong, for people (`message`) and programs (`code`, `field`, ...).
public struct APIErrorBody: Codable, Sendable, Equatable {
    /// A stable code, e.g. `validation_failed`.
    public var code: String
    /// A message for people that names what is wrong and how to fix it.
    public var message: String
    /// The field at fault, as a path.
    public var field: String?
    /// The offending value, as text.
    public var value: String?
    /// Index (0-based) of the record at fault in an imported array.
    public var recordIndex: Int?
    /// Id of the record at fault.
    public var recordID: String?

    /// Creates an error body.
    public init(
        code: String, message: String, field: String? = nil, value: String? = nil,
        recordIndex: Int? = nil, recordID: String? = nil
    ) {
        self.code = code
        self.message = message
        self.field = field
        self.value = value
        self.recordIndex = recordIndex
        self.recordID = recordID
    }

    enum CodingKeys: String, CodingKey {
        case code, message, field, value
        case recordIndex = "record_index"
        case recordID = "record_id"
    }

    /// Always writes every key, `null` where unset, so clients can rely on the shape.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(message, forKey: .message)
        try c.encode(field, forKey: .field)
        try c.encode(value, forKey: .value)
        try c.encode(recordIndex, forKey: .recordIndex)
        try c.encode(recordID, forKey: .recordID)
    }
}
