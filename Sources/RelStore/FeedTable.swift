/// One of the tables that make a hub's feed, as both of relhub's stores lay it out: the same
/// names and columns in SQLite and in PostgreSQL, so that `relhub migrate` copies each row as
/// it is. What only reld reads (records, search) is not part of a feed.
package struct FeedTable: Sendable, Equatable {
    /// The table's name in either store.
    package let name: String
    /// Its columns, in the order rows are read and written.
    package let columns: [String]
    /// The columns of a unique key: rows are read in this order, a chunk at a time.
    package let key: [String]
    /// The columns that hold integers; the rest hold text.
    package let integers: Set<String>

    /// Every table of a feed, in the order they are copied.
    package static let all: [FeedTable] = [
        FeedTable(
            name: "changes", columns: ["seq", "record_id", "field", "value", "hlc", "node", "node_seq", "bases"],
            key: ["seq"], integers: ["seq", "hlc", "node_seq"]),
        FeedTable(name: "winners", columns: ["record_id", "field", "seq"], key: ["record_id", "field"], integers: ["seq"]),
        FeedTable(
            name: "conflicts", columns: ["record_id", "field", "hlc", "node", "seq"], key: ["record_id", "field", "hlc", "node"],
            integers: ["hlc", "seq"]),
        FeedTable(
            name: "superseded", columns: ["record_id", "field", "hlc", "node"], key: ["record_id", "field", "hlc", "node"],
            integers: ["hlc"]),
        FeedTable(name: "node_owners", columns: ["node", "token_sha256", "bound_at"], key: ["node"], integers: ["bound_at"]),
        FeedTable(name: "node_names", columns: ["node", "name"], key: ["node"], integers: []),
    ]

    /// Where the key's columns are among ``columns``.
    package var keyPositions: [Int] { key.map { columns.firstIndex(of: $0)! } }

    /// A query giving the table's fingerprint as one row of integers: its row count, then for
    /// each column the sum of its integers modulo a prime, or of its texts' lengths in bytes
    /// (UTF-8 in both stores, whatever a PostgreSQL database's own encoding counts as a
    /// character). `postgres` picks that engine's spelling; `upTo` keeps only the changes up to
    /// that position (for ``FeedTable/all``'s first table, whose key is `seq`).
    package func fingerprintSQL(postgres: Bool, upTo: Int64? = nil) -> String {
        let sums = columns.map { column in
            let term =
                integers.contains(column)
                ? "\(column) % 1000000007" : postgres ? "octet_length(\(column))" : "length(CAST(\(column) AS BLOB))"
            return "coalesce(sum(\(term)), 0)" + (postgres ? "::bigint" : "")
        }
        let bound = upTo.map { " WHERE seq <= \($0)" } ?? ""
        return "SELECT count(*)\(postgres ? "::bigint" : ""), \(sums.joined(separator: ", ")) FROM \(name)\(bound)"
    }
}

/// One value of a feed table's row.
package enum FeedCell: Sendable, Equatable {
    /// An integer column's value.
    case integer(Int64)
    /// A text column's value.
    case text(String)
}
