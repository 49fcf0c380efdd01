import GRDB

extension AppDatabase {
    /// The schema's history. Never edit a shipped migration: add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
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
                CREATE INDEX records_by_kind ON records (deleted, kind);

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
        return migrator
    }
}
