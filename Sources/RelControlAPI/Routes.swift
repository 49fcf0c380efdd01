/// The control API's routes: one table that the daemon serves and the CLI calls.
public enum Routes {
    /// `GET`: daemon and store status.
    public static let status = "/v1/status"
    /// `GET`: list with filters; `POST`: create.
    public static let records = "/v1/records"
    /// `GET` show, `PATCH` edit, `DELETE` delete one record.
    public static func record(_ id: String) -> String { "/v1/records/" + id }
    /// `POST`: import an array of records, all or nothing.
    public static let importRecords = "/v1/import"
    /// `GET`: every live record, sorted by id.
    public static let export = "/v1/export"

    /// Each route pattern with the methods it takes, for `405 Method Not Allowed` answers.
    public static let methods: [(pattern: String, methods: [String])] = [
        (status, ["GET"]),
        (records, ["GET", "POST"]),
        ("/v1/records/:id", ["GET", "PATCH", "DELETE"]),
        (importRecords, ["POST"]),
        (export, ["GET"]),
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

/// The version reld and relctl report.
public enum RelVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
