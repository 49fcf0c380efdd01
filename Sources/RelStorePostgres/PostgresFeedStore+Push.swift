import Logging
import PostgresNIO
import RelModel
import RelStore

extension PostgresFeedStore {
    /// Checks and merges a pushed batch in one transaction, as the SQLite hub does
    /// (``AppDatabase/applyPushed(_:writer:declaredNode:declaredName:bound:)``): the values and
    /// clocks first, then node ownership and numbering (``PushRules``), then the merge
    /// (``BatchMerge``). About a dozen statements whatever the batch's size.
    public func applyPushed(
        _ changes: [Change], writer: String, declaredNode: String?, declaredName: String? = nil, bound: ClockBound = .default
    ) async throws -> ApplySummary {
        let checked = try CheckedChanges(changes, bound: bound, nowMillis: WallClock.system.nowMillis()).changes
        let (client, logger, feedID) = (self.client, self.logger, self.feedID)
        return try await PostgresFailure.translating(within: Self.writeDeadline) {
            try await client.withTransaction(logger: logger) { connection in
                // READ COMMITTED whatever the database's default: after the lock, each statement
                // sees what committed before it. A push that stalls (its relhub's machine gone
                // without closing the connection) lets the lock go within seconds, not minutes.
                try await connection.query("SET TRANSACTION ISOLATION LEVEL READ COMMITTED", logger: logger)
                try await connection.query("SET LOCAL idle_in_transaction_session_timeout = '5s'", logger: logger)
                // The feed's lock: pushes from every relhub take turns here (see the type's comment).
                let head = try await Self.head(connection.query("SELECT head FROM feed_state WHERE id = 1 FOR UPDATE", logger: logger))
                var tables = PostgresMergeTables(head: head)
                let nodes = Array(Set(checked.map { $0.node } + (declaredNode.map { [$0] } ?? [])))
                let tops = try await Self.readBatch(checked, nodes: nodes, into: &tables, connection, logger)
                let owners = tops.owners
                let toBind = try PushRules.check(
                    checked, writer: writer, declaredNode: declaredNode,
                    hasNumber: { node, nodeSeq in tables.logged[.init(node: node, nodeSeq: nodeSeq)] != nil },
                    owner: { owners[$0] }, top: { tops.highest[$0] ?? 0 })
                let summary = try BatchMerge.apply(checked, ownNode: feedID, to: &tables)
                try await Self.write(tables, bound: toBind, writer: writer, connection, logger)
                if let node = declaredNode, let name = declaredName, (owners[node] ?? (toBind.contains(node) ? writer : nil)) == writer {
                    try await connection.query(
                        """
                        INSERT INTO node_names (node, name) VALUES (\(node), \(name))
                        ON CONFLICT (node) DO UPDATE SET name = EXCLUDED.name WHERE node_names.name <> EXCLUDED.name
                        """, logger: logger)
                }
                return summary
            }
        }
    }

    /// Reads what the merge of `changes` will ask: the numbers the log holds, each field's
    /// value, which of the batch's stamps are already replaced; and, for the push checks, each
    /// node's owner and highest number.
    private static func readBatch(
        _ changes: [Change], nodes: [String], into tables: inout PostgresMergeTables,
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> (owners: [String: String], highest: [String: Int64]) {
        let logged = try await connection.query(
            """
            SELECT b.node, b.node_seq, c.hlc, c.record_id, c.field
            FROM unnest(\(changes.map(\.node))::text[], \(changes.map(\.nodeSeq))::bigint[]) AS b(node, node_seq)
            JOIN changes c ON c.node = b.node AND c.node_seq = b.node_seq
            """, logger: logger)
        for try await (node, nodeSeq, hlc, recordID, field) in logged.decode((String, Int64, Int64, String, String).self) {
            tables.logged[.init(node: node, nodeSeq: nodeSeq)] = LoggedNumber(
                hlc: HLCTimestamp(rawValue: hlc), recordID: recordID, field: field)
        }
        let fields = Array(Set(changes.map { PostgresMergeTables.Field(recordID: $0.recordID, field: $0.field) }))
        let winners = try await connection.query(
            """
            SELECT f.record_id, f.field, c.hlc, c.node, c.value, c.seq
            FROM unnest(\(fields.map(\.recordID))::text[], \(fields.map(\.field))::text[]) AS f(record_id, field)
            JOIN winners w ON w.record_id = f.record_id AND w.field = f.field JOIN changes c ON c.seq = w.seq
            """, logger: logger)
        for try await (recordID, field, hlc, node, value, seq) in winners.decode((String, String, Int64, String, String, Int64).self) {
            tables.winners[.init(recordID: recordID, field: field)] = FieldVersionRow(
                stamp: Stamp(hlc: HLCTimestamp(rawValue: hlc), node: node), value: value, seq: seq)
        }
        let superseded = try await connection.query(
            """
            SELECT s.record_id, s.field, s.hlc, s.node
            FROM unnest(\(changes.map(\.recordID))::text[], \(changes.map(\.field))::text[],
                        \(changes.map(\.hlc.rawValue))::bigint[], \(changes.map(\.node))::text[]) AS q(record_id, field, hlc, node)
            JOIN superseded s ON s.record_id = q.record_id AND s.field = q.field AND s.hlc = q.hlc AND s.node = q.node
            """, logger: logger)
        for try await (recordID, field, hlc, node) in superseded.decode((String, String, Int64, String).self) {
            tables.superseded.insert(
                .init(field: .init(recordID: recordID, field: field), stamp: Stamp(hlc: HLCTimestamp(rawValue: hlc), node: node)))
        }
        var owners: [String: String] = [:]
        var highest: [String: Int64] = [:]
        let known = try await connection.query(
            """
            SELECT n.node, o.token_sha256, (SELECT max(c.node_seq) FROM changes c WHERE c.node = n.node)
            FROM unnest(\(nodes)::text[]) AS n(node) LEFT JOIN node_owners o ON o.node = n.node
            """, logger: logger)
        for try await (node, owner, top) in known.decode((String, String?, Int64?).self) {
            owners[node] = owner
            highest[node] = top
        }
        return (owners, highest)
    }

    /// Writes what the merge changed, and binds `bound` to `writer`.
    private static func write(
        _ tables: PostgresMergeTables, bound: [String], writer: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        if !bound.isEmpty {
            try await connection.query(
                """
                INSERT INTO node_owners (node, token_sha256, bound_at)
                SELECT n, \(writer), \(WallClock.system.nowMillis()) FROM unnest(\(bound)::text[]) AS n
                """, logger: logger)
        }
        let writes = tables.writes
        guard !writes.changes.isEmpty else { return }
        let rows = writes.changes
        try await connection.query(
            """
            INSERT INTO changes (seq, record_id, field, value, hlc, node, node_seq, bases)
            SELECT * FROM unnest(\(rows.map(\.seq))::bigint[], \(rows.map(\.recordID))::text[], \(rows.map(\.field))::text[],
                                 \(rows.map(\.value))::text[], \(rows.map(\.hlc))::bigint[], \(rows.map(\.node))::text[],
                                 \(rows.map(\.nodeSeq))::bigint[], \(rows.map(\.bases))::text[])
            """, logger: logger)
        let replaced = writes.superseded
        if !replaced.isEmpty {
            try await connection.query(
                """
                INSERT INTO superseded (record_id, field, hlc, node)
                SELECT * FROM unnest(\(replaced.map(\.field.recordID))::text[], \(replaced.map(\.field.field))::text[],
                                     \(replaced.map(\.stamp.hlc.rawValue))::bigint[], \(replaced.map(\.stamp.node))::text[])
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        let deleted = writes.deletedConflicts
        if !deleted.isEmpty {
            try await connection.query(
                """
                DELETE FROM conflicts k
                USING unnest(\(deleted.map(\.field.recordID))::text[], \(deleted.map(\.field.field))::text[],
                             \(deleted.map(\.stamp.hlc.rawValue))::bigint[], \(deleted.map(\.stamp.node))::text[]) AS d(record_id, field, hlc, node)
                WHERE k.record_id = d.record_id AND k.field = d.field AND k.hlc = d.hlc AND k.node = d.node
                """, logger: logger)
        }
        let kept = writes.conflictOrder.compactMap { key in writes.conflicts[key]!.map { (key, $0) } }
        if !kept.isEmpty {
            try await connection.query(
                """
                INSERT INTO conflicts (record_id, field, hlc, node, seq)
                SELECT * FROM unnest(\(kept.map(\.0.field.recordID))::text[], \(kept.map(\.0.field.field))::text[],
                                     \(kept.map(\.0.stamp.hlc.rawValue))::bigint[], \(kept.map(\.0.stamp.node))::text[],
                                     \(kept.map(\.1))::bigint[])
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        // Each field once: PostgreSQL refuses an upsert that touches a row twice.
        let winners = Array(writes.winners)
        if !winners.isEmpty {
            try await connection.query(
                """
                INSERT INTO winners (record_id, field, seq)
                SELECT * FROM unnest(\(winners.map(\.key.recordID))::text[], \(winners.map(\.key.field))::text[], \(winners.map(\.value))::bigint[])
                ON CONFLICT (record_id, field) DO UPDATE SET seq = EXCLUDED.seq
                """, logger: logger)
        }
        try await connection.query("UPDATE feed_state SET head = \(tables.head) WHERE id = 1", logger: logger)
    }
}
