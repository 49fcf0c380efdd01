import GRDB

extension AppDatabase {
    /// `v10-record-counts`: how many records of each kind are live and deleted, kept by triggers
    /// on `records` in the same statement as the row. `status` and every sync round's answer
    /// read them; counting the index instead took 18 ms at 100,000 records, and grew with them.
    static func keepRecordCounts(_ db: Database) throws {
        let add = """
            INSERT INTO record_counts (kind, deleted, n) VALUES (new.kind, new.deleted, 1)
                ON CONFLICT (kind, deleted) DO UPDATE SET n = n + 1
            """
        let remove = "UPDATE record_counts SET n = n - 1 WHERE kind = old.kind AND deleted = old.deleted"
        try db.execute(
            sql: """
                CREATE TABLE record_counts (
                    kind TEXT NOT NULL,
                    deleted INTEGER NOT NULL,
                    n INTEGER NOT NULL,
                    PRIMARY KEY (kind, deleted)
                ) WITHOUT ROWID;
                INSERT INTO record_counts (kind, deleted, n) SELECT kind, deleted, count(*) FROM records GROUP BY kind, deleted;

                CREATE TRIGGER record_counts_insert AFTER INSERT ON records BEGIN
                    \(add);
                END;
                CREATE TRIGGER record_counts_update AFTER UPDATE OF kind, deleted ON records
                WHEN old.kind IS NOT new.kind OR old.deleted IS NOT new.deleted BEGIN
                    \(remove);
                    \(add);
                END;
                CREATE TRIGGER record_counts_delete AFTER DELETE ON records BEGIN
                    \(remove);
                END;
                """)
    }
}
