import Logging
import PostgresNIO
import RelModel
import RelStore

extension PostgresFeedStore {
    /// Checks and merges a pushed batch in one transaction, as the SQLite hub does
    /// (``AppDatabase/applyPushed(_:writer:declaredNode:declaredName:bound:)``): the values and
    /// clocks first, then node ownership and numbering (``PushRules``), then the merge
    /// (``BatchMerge``). Whatever the batch's size, four round trips hold the feed's lock: the
    /// lock itself, one read, one write (two more when conflicts close or open), the commit.
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
                // A name is kept only for the token's own node.
                var names: [(node: String, name: String)] = []
                if let node = declaredNode, let name = declaredName, (owners[node] ?? (toBind.contains(node) ? writer : nil)) == writer {
                    names.append((node, name))
                }
                try await Self.write(tables, bound: toBind, writer: writer, names: names, connection, logger)
                return summary
            }
        }
    }

    /// Reads what the merge of `changes` will ask, in one statement (one round trip while the
    /// feed is locked): the numbers the log holds, each field's value, which of the batch's
    /// stamps are already replaced; and, for the push checks, each node's owner and highest
    /// number. Each row says which of the four it answers in its first column.
    private static func readBatch(
        _ changes: [Change], nodes: [String], into tables: inout PostgresMergeTables,
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> (owners: [String: String], highest: [String: Int64]) {
        let fields = Array(Set(changes.map { PostgresMergeTables.Field(recordID: $0.recordID, field: $0.field) }))
        let rows = try await connection.query(
            """
            SELECT 0, b.node, c.record_id, c.field, NULL::text, b.node_seq, c.hlc
            FROM unnest(\(changes.map(\.node))::text[], \(changes.map(\.nodeSeq))::bigint[]) AS b(node, node_seq)
            JOIN changes c ON c.node = b.node AND c.node_seq = b.node_seq
            UNION ALL
            SELECT 1, f.record_id, f.field, c.node, c.value, c.seq, c.hlc
            FROM unnest(\(fields.map(\.recordID))::text[], \(fields.map(\.field))::text[]) AS f(record_id, field)
            JOIN winners w ON w.record_id = f.record_id AND w.field = f.field JOIN changes c ON c.seq = w.seq
            UNION ALL
            SELECT 2, s.record_id, s.field, s.node, NULL, NULL, s.hlc
            FROM unnest(\(changes.map(\.recordID))::text[], \(changes.map(\.field))::text[],
                        \(changes.map(\.hlc.rawValue))::bigint[], \(changes.map(\.node))::text[]) AS q(record_id, field, hlc, node)
            JOIN superseded s ON s.record_id = q.record_id AND s.field = q.field AND s.hlc = q.hlc AND s.node = q.node
            UNION ALL
            SELECT 3, n.node, o.token_sha256, NULL, NULL, (SELECT max(c.node_seq) FROM changes c WHERE c.node = n.node), NULL
            FROM unnest(\(nodes)::text[]) AS n(node) LEFT JOIN node_owners o ON o.node = n.node
            """, logger: logger)
        var owners: [String: String] = [:]
        var highest: [String: Int64] = [:]
        for try await (kind, a, b, c, value, number, hlc)
            in rows.decode((Int, String, String?, String?, String?, Int64?, Int64?).self)
        {
            switch (kind, b, c, value, number, hlc) {
            case (0, let recordID?, let field?, _, let nodeSeq?, let hlc?):
                tables.logged[.init(node: a, nodeSeq: nodeSeq)] = LoggedNumber(
                    hlc: HLCTimestamp(rawValue: hlc), recordID: recordID, field: field)
            case (1, let field?, let node?, let value?, let seq?, let hlc?):
                tables.winners[.init(recordID: a, field: field)] = FieldVersionRow(
                    stamp: Stamp(hlc: HLCTimestamp(rawValue: hlc), node: node), value: value, seq: seq)
            case (2, let field?, let node?, _, _, let hlc?):
                tables.superseded.insert(
                    .init(field: .init(recordID: a, field: field), stamp: Stamp(hlc: HLCTimestamp(rawValue: hlc), node: node)))
            case (3, let owner, _, _, let top, _):
                owners[a] = owner
                highest[a] = top
            default:
                throw StoreError.internal(reason: "an unexpected row of kind \(kind) while reading a push's tables")
            }
        }
        return (owners, highest)
    }

    /// Writes what the merge changed, binds `bound` to `writer` and keeps `names`: one statement
    /// for the tables written once each (data-modifying `WITH`s on different tables), then, only
    /// when conflicts close or open, one for each of those (one statement must not touch a row
    /// twice, and a conflict may close and reopen in one batch).
    private static func write(
        _ tables: PostgresMergeTables, bound: [String], writer: String, names: [(node: String, name: String)],
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let writes = tables.writes
        let rows = writes.changes
        let replaced = writes.superseded
        // Each field once: PostgreSQL refuses an upsert that touches a row twice.
        let winners = Array(writes.winners)
        if !bound.isEmpty || !rows.isEmpty || !names.isEmpty {
            try await connection.query(
                """
                WITH owners AS (
                    INSERT INTO node_owners (node, token_sha256, bound_at)
                    SELECT n, \(writer), \(WallClock.system.nowMillis()) FROM unnest(\(bound)::text[]) AS n),
                logged AS (
                    INSERT INTO changes (seq, record_id, field, value, hlc, node, node_seq, bases)
                    SELECT * FROM unnest(\(rows.map(\.seq))::bigint[], \(rows.map(\.recordID))::text[], \(rows.map(\.field))::text[],
                                         \(rows.map(\.value))::text[], \(rows.map(\.hlc))::bigint[], \(rows.map(\.node))::text[],
                                         \(rows.map(\.nodeSeq))::bigint[], \(rows.map(\.bases))::text[])),
                replaced AS (
                    INSERT INTO superseded (record_id, field, hlc, node)
                    SELECT * FROM unnest(\(replaced.map(\.field.recordID))::text[], \(replaced.map(\.field.field))::text[],
                                         \(replaced.map(\.stamp.hlc.rawValue))::bigint[], \(replaced.map(\.stamp.node))::text[])
                    ON CONFLICT DO NOTHING),
                won AS (
                    INSERT INTO winners (record_id, field, seq)
                    SELECT * FROM unnest(\(winners.map(\.key.recordID))::text[], \(winners.map(\.key.field))::text[],
                                         \(winners.map(\.value))::bigint[])
                    ON CONFLICT (record_id, field) DO UPDATE SET seq = EXCLUDED.seq),
                named AS (
                    INSERT INTO node_names (node, name)
                    SELECT * FROM unnest(\(names.map(\.node))::text[], \(names.map(\.name))::text[])
                    ON CONFLICT (node) DO UPDATE SET name = EXCLUDED.name WHERE node_names.name <> EXCLUDED.name)
                UPDATE feed_state SET head = \(tables.head) WHERE id = 1
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
    }
}
