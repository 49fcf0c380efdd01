import Foundation
import Logging
import PostgresNIO
import RelStore

/// relhub's tables in PostgreSQL, in a schema of their own (`relhub`), so that the database
/// may hold others. The same tables as the SQLite hub's, minus what only reld reads (records,
/// search): the change log, each field's value, the versions known to be replaced, the open
/// conflicts, node owners and names, and `feed_state`, whose one row is the feed's head and
/// the lock every push takes first (docs/sync-protocol.md, "Several relhubs on one database").
///
/// Text columns that take part in an order use the `C` collation: stamps order by node id
/// compared as UTF-8 bytes, as SQLite compares them, whatever the database's own collation.
/// Values and bases are `text`, never `jsonb`, which would reorder members and refuse `\u0000`:
/// they go out byte for byte as they came in.
enum PostgresSchema {
    /// Each step, in order; a database that has run a step this build does not know was set up
    /// by a newer relhub.
    static let steps: [(version: Int, sql: [String])] = [
        (
            1,
            [
                "CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)",
                """
                CREATE TABLE feed_state (
                    id smallint PRIMARY KEY CHECK (id = 1),
                    head bigint NOT NULL CHECK (head >= 0))
                """,
                "INSERT INTO feed_state (id, head) VALUES (1, 0)",
                """
                CREATE TABLE changes (
                    seq bigint PRIMARY KEY,
                    record_id text COLLATE "C" NOT NULL,
                    field text COLLATE "C" NOT NULL,
                    value text NOT NULL,
                    hlc bigint NOT NULL,
                    node text COLLATE "C" NOT NULL,
                    node_seq bigint NOT NULL,
                    bases text NOT NULL,
                    CONSTRAINT changes_node_number UNIQUE (node, node_seq))
                """,
                """
                CREATE TABLE winners (
                    record_id text COLLATE "C" NOT NULL, field text COLLATE "C" NOT NULL, seq bigint NOT NULL,
                    PRIMARY KEY (record_id, field))
                """,
                """
                CREATE TABLE conflicts (
                    record_id text COLLATE "C" NOT NULL, field text COLLATE "C" NOT NULL,
                    hlc bigint NOT NULL, node text COLLATE "C" NOT NULL, seq bigint NOT NULL,
                    PRIMARY KEY (record_id, field, hlc, node))
                """,
                """
                CREATE TABLE superseded (
                    record_id text COLLATE "C" NOT NULL, field text COLLATE "C" NOT NULL,
                    hlc bigint NOT NULL, node text COLLATE "C" NOT NULL,
                    PRIMARY KEY (record_id, field, hlc, node))
                """,
                "CREATE TABLE node_owners (node text COLLATE \"C\" PRIMARY KEY, token_sha256 text NOT NULL, bound_at bigint NOT NULL)",
                "CREATE TABLE node_names (node text COLLATE \"C\" PRIMARY KEY, name text NOT NULL)",
            ]
        )
    ]

    /// Brings the schema up to date and returns the feed's id, created on first use. Several
    /// relhubs starting at once take turns (an advisory lock held by the transaction), and all
    /// end up with the same id.
    static func prepare(_ client: PostgresClient, location: String, logger: Logger) async throws -> String {
        try await client.withTransaction(logger: logger) { connection in
            try await upgrade(connection, location: location, logger: logger)
            let fresh = UUID().uuidString.lowercased()
            try await connection.query(
                "INSERT INTO meta (key, value) VALUES ('feed_id', \(fresh)) ON CONFLICT (key) DO NOTHING", logger: logger)
            guard let id = try await feedID(connection, logger: logger) else {
                throw StoreError.internal(reason: "the feed id was written and is not there")
            }
            return id
        }
    }

    /// Creates or upgrades the schema in the transaction on `connection`, after taking the
    /// schema's advisory lock, which the transaction holds until it ends; sets the
    /// transaction's `search_path` to it.
    static func upgrade(_ connection: PostgresConnection, location: String, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext('relhub.schema'))", logger: logger)
        try await connection.query("CREATE SCHEMA IF NOT EXISTS relhub", logger: logger)
        try await connection.query("SET LOCAL search_path = relhub", logger: logger)
        try await connection.query(
            "CREATE TABLE IF NOT EXISTS schema_steps (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            logger: logger)
        var done: Set<Int> = []
        for try await version in try await connection.query("SELECT version FROM schema_steps", logger: logger).decode(Int.self) {
            done.insert(version)
        }
        if let newest = done.max(), newest > steps.last!.version {
            throw StoreError.newerSchema(path: location)
        }
        for step in steps where !done.contains(step.version) {
            logger.info("upgrading the database", metadata: ["step": "\(step.version)"])
            for statement in step.sql { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
            try await connection.query("INSERT INTO schema_steps (version) VALUES (\(step.version))", logger: logger)
        }
    }

    /// The feed's id, if one was made.
    static func feedID(_ connection: PostgresConnection, logger: Logger) async throws -> String? {
        for try await id in try await connection.query("SELECT value FROM meta WHERE key = 'feed_id'", logger: logger).decode(String.self) {
            return id
        }
        return nil
    }
}
