/// The control API's routes: one table that the daemon serves and the CLI calls.
public enum Routes {
    /// `GET`: daemon and store status.
    public static let status = "/v1/status"
    /// `GET`: Prometheus metrics (text format 0.0.4).
    public static let metrics = "/metrics"
    /// `GET`: list with filters; `POST`: create.
    public static let records = "/v1/records"
    /// `GET` show, `PATCH` edit, `DELETE` delete one record.
    public static func record(_ id: String) -> String { "/v1/records/" + id }
    /// `POST`: import an array of records, all or nothing.
    public static let importRecords = "/v1/import"
    /// `GET`: every live record, sorted by id.
    public static let export = "/v1/export"
    /// `GET`: full-text search, best match first.
    public static let search = "/v1/search"
    /// `GET`: the whole store as a snapshot feed document.
    public static let snapshot = "/v1/snapshot"
    /// `POST`: run one sync round now.
    public static let sync = "/v1/sync"
    /// `GET`: open conflicts.
    public static let conflicts = "/v1/conflicts"
    /// `POST`: close a field's conflict.
    public static func resolve(_ id: String) -> String { "/v1/records/" + id + "/resolve" }
    /// `POST`: bring back a deleted record.
    public static func restore(_ id: String) -> String { "/v1/records/" + id + "/restore" }
    /// `GET`: a record's changes, oldest first.
    public static func history(_ id: String) -> String { "/v1/records/" + id + "/history" }

    /// Each route pattern with the methods it takes, for `405 Method Not Allowed` answers.
    public static let methods: [(pattern: String, methods: [String])] = [
        (status, ["GET"]),
        (metrics, ["GET"]),
        (records, ["GET", "POST"]),
        ("/v1/records/:id", ["GET", "PATCH", "DELETE"]),
        (importRecords, ["POST"]),
        (export, ["GET"]),
        (search, ["GET"]),
        (snapshot, ["GET"]),
        (sync, ["POST"]),
        (conflicts, ["GET"]),
        ("/v1/records/:id/resolve", ["POST"]),
        ("/v1/records/:id/restore", ["POST"]),
        ("/v1/records/:id/history", ["GET"]),
    ]

    /// The methods `path` takes, or `nil` if no route has this path.
    public static func allowedMethods(for path: String) -> [String]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        for (pattern, methods) in Self.methods {
            let p = pattern.split(separator: "/", omittingEmptySubsequences: false)
            guard p.count == parts.count else { continue }
            if zip(p, parts).allSatisfy({ $0.hasPrefix(":") ? !$1.isEmpty : $0 == $1 }) { return methods }
        }
        return nil
    }
}
