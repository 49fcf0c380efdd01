import Logging
import NIOCore
import PostgresNIO
import RelStore

/// Copies a SQLite hub's feed into PostgreSQL for `relhub migrate`: every table of the feed
/// (``FeedTable/all``) row for row, its id and its head, in **one transaction**. A copy cut off
/// (Ctrl-C, the network, a full disk) leaves the database as it was, and can be run again.
///
/// The numbers stay what they were, so replicas keep their cursors: the feed they pull after
/// the move is the one they pulled before, at the same positions.
package enum PostgresFeedImport {
    /// What the copy did.
    package enum Outcome: Sendable, Equatable {
        /// The feed was copied: this many changes, up to this head.
        case copied(changes: Int64, head: Int64)
        /// The database holds this feed already (an earlier run committed), with the same
        /// changes up to the source's head, and its own head at this position.
        case alreadyThere(head: Int64)
    }

    /// How many rows are read from SQLite at a time.
    static let chunkRows = 5_000
    /// How many bytes of `COPY` text are sent at a time, at most (one row may take it over).
    static let chunkBytes = 4 << 20

    /// Copies `source`'s feed, whose id is `feedID` and head `head`, into the database on
    /// `connection`, whose schema is created if needed. Refuses a database that holds another
    /// feed (even an empty one: a relhub made it, and may serve it under that id) and one that
    /// relhubs are connected to. `movedBefore`: the source is marked as moved to this database,
    /// which must then hold the feed. `progress` hears each table's name as its copy starts.
    package static func run(
        from source: AppDatabase, feedID: String, head: Int64, movedBefore: Bool, on connection: PostgresConnection,
        location: String, logger: Logger, progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> Outcome {
        do {
            return try await connection.withTransaction(logger: logger) { connection in
                // A large feed takes longer than the statement bound relhub keeps for requests.
                try await connection.query("SET LOCAL statement_timeout = 0", logger: logger)
                try await connection.query("SET LOCAL idle_in_transaction_session_timeout = '10min'", logger: logger)
                try await PostgresSchema.upgrade(connection, location: location, logger: logger)
                // Held until the end: a relhub started meanwhile cannot push into a half-made copy.
                let there = try await PostgresFeedStore.head(
                    connection.query("SELECT head FROM feed_state WHERE id = 1 FOR UPDATE", logger: logger))
                let thereID = try await PostgresSchema.feedID(connection, logger: logger)
                if thereID == feedID {
                    // An earlier run committed it; relhubs may have served it since, so only
                    // the log up to the source's head must be the source's.
                    guard there >= head else { throw PostgresImportError.behind(head: there, source: head) }
                    try await compare(FeedTable.all[0], upTo: head, source: source, connection, logger)
                    return .alreadyThere(head: there)
                }
                if movedBefore { throw PostgresImportError.movedFeedMissing(feedID: thereID) }
                let others = try await count(
                    """
                    SELECT count(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND application_name = 'relhub' AND pid <> pg_backend_pid()
                    """, connection, logger)
                if others > 0 { throw PostgresImportError.relhubsConnected(count: others) }
                if let thereID { throw PostgresImportError.notEmpty(feedID: thereID, head: there) }
                try await connection.query("INSERT INTO meta (key, value) VALUES ('feed_id', \(feedID))", logger: logger)
                for table in FeedTable.all {
                    progress(table.name)
                    try await copy(table, from: source, to: connection, logger: logger)
                    try await compare(table, source: source, connection, logger)
                }
                try await connection.query("UPDATE feed_state SET head = \(head) WHERE id = 1", logger: logger)
                return .copied(changes: try await count("SELECT count(*) FROM changes", connection, logger), head: head)
            }
        } catch let error as PostgresTransactionError {
            let cause = error.closureError ?? error.beginError ?? error.commitError ?? error
            if let cause = cause as? PostgresImportError { throw cause }
            throw PostgresFailure.storeError(cause)
        }
    }

    /// Streams `table` from SQLite into a `COPY … FROM STDIN`, a chunk at a time.
    private static func copy(_ table: FeedTable, from source: AppDatabase, to connection: PostgresConnection, logger: Logger) async throws {
        var copied: Int64 = 0
        try await connection.copyFrom(table: table.name, columns: table.columns, logger: logger) { writer in
            var after: [FeedCell]? = nil
            var text = ""
            while true {
                let rows = try await source.feedRows(table, after: after, limit: chunkRows)
                guard let last = rows.last else { break }
                for row in rows {
                    CopyText.append(row, to: &text)
                    if text.utf8.count >= chunkBytes {
                        try await writer.write(ByteBuffer(string: text))
                        text = ""
                    }
                }
                after = table.keyPositions.map { last[$0] }
                copied += Int64(rows.count)
                logger.debug("copied rows", metadata: ["table": "\(table.name)", "rows": "\(copied)"])
            }
            if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
        }
    }

    /// Checks that the copy of `table` (its changes up to `upTo`) has the source's fingerprint:
    /// its row count, and the sums of its numbers and text lengths.
    private static func compare(
        _ table: FeedTable, upTo: Int64? = nil, source: AppDatabase, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let expected = try await source.fingerprint(table, upTo: upTo)
        var got: [Int64] = []
        let sql = table.fingerprintSQL(postgres: true, upTo: upTo)
        for try await cells in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
            got = try cells.map { try $0.decode(Int64.self) }
        }
        if got != expected {
            throw PostgresImportError.mismatch(table: table.name, expected: expected, got: got)
        }
    }

    private static func count(_ sql: String, _ connection: PostgresConnection, _ logger: Logger) async throws -> Int64 {
        for try await n in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int64.self) { return n }
        return 0
    }
}

/// The text form of `COPY`: a tab between columns, a newline after each row, and a backslash
/// escape for the four characters that would break that (so `\.` and `\N` cannot appear).
enum CopyText {
    /// Appends `row` as one line of `COPY` text.
    static func append(_ row: [FeedCell], to text: inout String) {
        for (index, cell) in row.enumerated() {
            if index > 0 { text.append("\t") }
            switch cell {
            case .integer(let number): text.append(String(number))
            case .text(let value):
                for character in value.unicodeScalars {
                    switch character {
                    case "\\": text.append("\\\\")
                    case "\t": text.append("\\t")
                    case "\n": text.append("\\n")
                    case "\r": text.append("\\r")
                    default: text.unicodeScalars.append(character)
                    }
                }
            }
        }
        text.append("\n")
    }
}
