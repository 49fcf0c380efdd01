import GRDB

/// What `relhub migrate` reads of a SQLite hub, and the mark it leaves once the feed lives
/// elsewhere. The caller holds the state directory's lock, so nothing writes meanwhile and
/// chunks read one after another make one consistent copy.
extension AppDatabase {
    /// Up to `limit` rows of `table` after the key `after` (from the start when `nil`), in key
    /// order, each with ``FeedTable/columns`` in their order.
    package func feedRows(_ table: FeedTable, after: [FeedCell]?, limit: Int) async throws -> [[FeedCell]] {
        try await read { db in
            var sql = "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name)"
            var arguments = StatementArguments()
            if let after {
                // A row value compared with `>` walks a composite key in order, on its index.
                let placeholders = Array(repeating: "?", count: after.count).joined(separator: ", ")
                sql += " WHERE (\(table.key.joined(separator: ", "))) > (\(placeholders))"
                for cell in after {
                    switch cell {
                    case .integer(let value): arguments += [value]
                    case .text(let value): arguments += [value]
                    }
                }
            }
            sql += " ORDER BY \(table.key.joined(separator: ", ")) LIMIT \(limit)"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                try table.columns.indices.map { index -> FeedCell in
                    let value = row[index] as DatabaseValue
                    switch value.storage {
                    case .int64(let number): return .integer(number)
                    case .string(let text): return .text(text)
                    default:
                        throw StoreError.internal(
                            reason: "\(table.name).\(table.columns[index]) holds \(value), neither an integer nor text")
                    }
                }
            }
        }
    }

    /// The fingerprint of `table` (``FeedTable/fingerprintSQL(postgres:upTo:)``).
    package func fingerprint(_ table: FeedTable, upTo: Int64? = nil) async throws -> [Int64] {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: table.fingerprintSQL(postgres: false, upTo: upTo)) else { return [] }
            return (0..<row.count).map { row[$0] as Int64 }
        }
    }

    /// The feed's head as its replicas know it, and the number SQLite would give the next
    /// change (never lower): the copy's head is the greater, so that no number is handed out twice.
    package func headForMove() async throws -> Int64 {
        try await read { db in
            let head = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM changes") ?? 0
            let given = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'changes'") ?? 0
            return max(head, given)
        }
    }

    /// Where the feed was moved by `relhub migrate`, if it was: a relhub refuses to serve a
    /// store whose feed lives on elsewhere, which would split the feed in two.
    package func movedTo() async throws -> String? {
        try await read { db in try Self.meta(db, "moved_to") }
    }

    /// Marks the store as moved to `location` (a URL without a password).
    package func markMoved(to location: String) async throws {
        try await write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('moved_to', ?)", arguments: [location])
        }
    }
}
