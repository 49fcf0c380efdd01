import GRDB

extension AppDatabase {
    /// The schema's history. Never edit a shipped migration: add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (
                        key TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    ) WITHOUT ROWID;

                    -- The current state of each record: its canonical JSON plus columns to filter and sort on.
                    CREATE TABLE records (
                        id TEXT PRIMARY KEY NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('event', 'agreement')),
                        doc TEXT NOT NULL,
                        title TEXT NOT NULL,
                        category TEXT NOT NULL,
                        date_lo TEXT,
                        date_hi TEXT,
                        parties TEXT NOT NULL,
                        search TEXT NOT NULL,
                        deleted INTEGER NOT NULL DEFAULT 0,
                        created_hlc INTEGER NOT NULL,
                        updated_hlc INTEGER NOT NULL
                    );
                    CREATE INDEX records_by_date ON records (deleted, date_lo, id);

                    -- Who last wrote each field, and when: what per-field merge compares against.
                    CREATE TABLE field_stamps (
                        record_id TEXT NOT NULL,
                        field TEXT NOT NULL,
                        hlc INTEGER NOT NULL,
                        node TEXT NOT NULL,
                        PRIMARY KEY (record_id, field)
                    ) WITHOUT ROWID;

                    -- Every change ever made here or received, in arrival order. Local changes get
                    -- increasing node_seq numbers, so a replayed batch is recognised and ignored.
                    CREATE TABLE changes (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        record_id TEXT NOT NULL,
                        field TEXT NOT NULL,
                        value TEXT NOT NULL,
                        hlc INTEGER NOT NULL,
                        node TEXT NOT NULL,
                        node_seq INTEGER NOT NULL,
                        UNIQUE (node, node_seq)
                    );
                    CREATE INDEX changes_by_record ON changes (record_id);
                    """)
        }
        migrator.registerMigration("v2-merge") { db in
            try db.execute(
                sql: """
                    -- The versions each change replaced, as a JSON array of [hlc, node]: what tells a
                    -- concurrent edit (a conflict) from one made knowingly over another.
                    ALTER TABLE changes ADD COLUMN bases TEXT NOT NULL DEFAULT '[]';
                    -- The winning value beside its stamp, so a record can be rebuilt from its fields.
                    ALTER TABLE field_stamps ADD COLUMN value TEXT NOT NULL DEFAULT 'null';
                    UPDATE field_stamps SET value = (
                        SELECT c.value FROM changes c
                        WHERE c.record_id = field_stamps.record_id AND c.field = field_stamps.field
                          AND c.hlc = field_stamps.hlc AND c.node = field_stamps.node);

                    -- Field versions that some known change replaced: a late arrival found here is
                    -- history, not a conflict.
                    CREATE TABLE superseded (
                        record_id TEXT NOT NULL,
                        field TEXT NOT NULL,
                        hlc INTEGER NOT NULL,
                        node TEXT NOT NULL,
                        PRIMARY KEY (record_id, field, hlc, node)
                    ) WITHOUT ROWID;

                    -- Concurrent versions that lost to the field's value and nobody has replaced yet.
                    CREATE TABLE conflicts (
                        record_id TEXT NOT NULL,
                        field TEXT NOT NULL,
                        hlc INTEGER NOT NULL,
                        node TEXT NOT NULL,
                        value TEXT NOT NULL,
                        PRIMARY KEY (record_id, field, hlc, node)
                    ) WITHOUT ROWID;

                    -- Before this migration only this node wrote, one change after another: each
                    -- change replaced the previous one of its field.
                    WITH ordered AS (
                        SELECT seq, lag(hlc) OVER w AS base_hlc, lag(node) OVER w AS base_node
                        FROM changes WINDOW w AS (PARTITION BY record_id, field ORDER BY hlc, node))
                    UPDATE changes SET bases = json_array(json_array(ordered.base_hlc, ordered.base_node))
                    FROM ordered WHERE ordered.seq = changes.seq AND ordered.base_hlc IS NOT NULL;
                    INSERT OR IGNORE INTO superseded (record_id, field, hlc, node)
                        SELECT c.record_id, c.field, b.value ->> 0, b.value ->> 1
                        FROM changes c, json_each(c.bases) b;
                    """)
        }
        migrator.registerMigration("v3-nfc") { db in
            // Text is stored in NFC from this version on; rewrite what earlier ones stored as typed.
            try normalizeStoredText(db)
        }
        migrator.registerMigration("v4-node-owners") { db in
            try db.execute(
                sql: """
                    -- relhub: which token (by its SHA-256, never the token) owns each node id, bound
                    -- by the first push of new changes under it; empty in a reld store.
                    CREATE TABLE node_owners (
                        node TEXT PRIMARY KEY NOT NULL,
                        token_sha256 TEXT NOT NULL,
                        bound_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v5-records-by-kind") { db in
            // Status counts live records by kind from this index instead of the table. Earlier
            // builds created it inside v1, after v1 had shipped: stores made before that have v1
            // without it, stores made after have it already, hence IF NOT EXISTS.
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS records_by_kind ON records (deleted, kind)")
        }
        migrator.registerMigration("v6-search") { db in
            try createSearchIndex(db)
        }
        migrator.registerMigration("v7-node-names") { db in
            try db.execute(
                sql: """
                    -- Human names of nodes (`[node] name`), for history: this node's own from its
                    -- config, others' as the feed carries them. Labels only; ids stay the identity.
                    CREATE TABLE node_names (
                        node TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v8-search-deferred") { db in
            try deferSearchIndexInserts(db)
        }
        migrator.registerMigration("v9-one-copy") { db in
            try storeEachValueOnce(db)
        }
        migrator.registerMigration("v10-record-counts") { db in
            try keepRecordCounts(db)
        }
        return migrator
    }
}
