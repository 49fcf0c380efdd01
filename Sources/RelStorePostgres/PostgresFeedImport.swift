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
public enum PostgresFeedImport {
    /// What the copy did.
    public enum Outcome: Sendable, Equatable {
        /// The feed was copied: this many changes, up to this head.
        case copied(changes: Int64, head: Int64)
        /// The database holds this feed already (an earlier run committed), at this head.
        case alreadyThere(head: Int64)
    }

    /// How many rows are read from SQLite and sent at a time.
    static let chunkRows = 5_000

    /// Copies `source`'s feed, whose id is `feedID` and head `head`, into the database on
    /// `connection`, whose schema is created if needed. Refuses a database that holds another
    /// feed or any change, and one that relhubs are connected to. `progress` hears each table's
    /// name and the rows copied so far.
    public static func run(
        from source: AppDatabase, feedID: String, head: Int64, on connection: PostgresConnection, location: String,
        logger: Logger, progress: @escaping @Sendable (String, Int64) -> Void = { _, _ in }
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
                if thereID == feedID, there >= head { return .alreadyThere(head: there) }
                let others = try await count(
                    """
                    SELECT count(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND application_name = 'relhub' AND pid <> pg_backend_pid()
                    """, connection, logger)
                if others > 0 { throw PostgresImportError.relhubsConnected(count: others) }
                var rows: Int64 = 0
                for table in FeedTable.all {
                    rows += try await count("SELECT count(*) FROM \(table.name)", connection, logger)
                }
                if there > 0 || rows > 0 {
                    throw PostgresImportError.notEmpty(feedID: thereID ?? "none", head: there, rows: rows)
                }
                try await connection.query(
                    "INSERT INTO meta (key, value) VALUES ('feed_id', \(feedID)) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    logger: logger)
                for table in FeedTable.all {
                    try await copy(table, from: source, to: connection, logger: logger, progress: progress)
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
    private static func copy(
        _ table: FeedTable, from source: AppDatabase, to connection: PostgresConnection, logger: Logger,
        progress: @escaping @Sendable (String, Int64) -> Void
    ) async throws {
        var copied: Int64 = 0
        progress(table.name, 0)
        try await connection.copyFrom(table: table.name, columns: table.columns, logger: logger) { writer in
            var after: [FeedCell]? = nil
            while true {
                let rows = try await source.feedRows(table, after: after, limit: chunkRows)
                guard let last = rows.last else { break }
                var text = ""
                for row in rows { CopyText.append(row, to: &text) }
                try await writer.write(ByteBuffer(string: text))
                after = table.keyPositions.map { last[$0] }
                copied += Int64(rows.count)
                progress(table.name, copied)
            }
        }
    }

    /// Checks that the copy of `table` has the source's fingerprint: its row count, and the
    /// sums of its numbers and text lengths.
    private static func compare(_ table: FeedTable, source: AppDatabase, _ connection: PostgresConnection, _ logger: Logger)
        async throws
    {
        let expected = try await source.fingerprint(table)
        var got: [Int64] = []
        let row = try await connection.query(PostgresQuery(unsafeSQL: table.fingerprintSQL(castSums: true)), logger: logger)
        for try await cells in row { got = try cells.map { try $0.decode(Int64.self) } }
        if got != expected {
            throw PostgresImportError.mismatch(table: table.name, expected: expected, got: got)
        }
    }

    private static func count(_ sql: String, _ connection: PostgresConnection, _ logger: Logger) async throws -> Int64 {
        for try await n in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int64.self) { return n }
        return 0
    }
}

/// The text form of `COPY`: tab between columns, a newline after each row, and a backslash
/// escape for the four characters that would break that.
enum CopyText {
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

/// Why a feed was not copied into PostgreSQL.
public enum PostgresImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database holds a feed already, with changes or nodes.
    case notEmpty(feedID: String, head: Int64, rows: Int64)
    /// relhubs are connected to the database, and would serve the copy as it is made.
    case relhubsConnected(count: Int64)
    /// A table's copy differs from its source: nothing was committed.
    case mismatch(table: String, expected: [Int64], got: [Int64])

    /// What is wrong and what to do.
    public var description: String {
        switch self {
        case .notEmpty(let feedID, let head, let rows):
            "the database holds another feed (id \(feedID), head \(head), \(rows) rows); "
                + "copy into an empty database, or drop its schema first (DROP SCHEMA relhub CASCADE) if that feed is not needed"
        case .relhubsConnected(let count):
            "relhub is using the database (\(count) connection\(count == 1 ? "" : "s")); stop every relhub that serves it, then migrate"
        case .mismatch(let table, let expected, let got):
            "the copy of table \(table) differs from the SQLite store (count and sums \(expected) there, \(got) here); "
                + "nothing was committed; please report this"
        }
    }
}
