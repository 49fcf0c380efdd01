import GRDB

extension AppDatabase {
    /// `v9-one-copy`: each value is stored once, in the change log.
    ///
    /// Until v8 a value was kept three times: in the log, beside its stamp in `field_stamps`
    /// (and `conflicts`), and in the search index's own copy of the text. From v9:
    /// - `winners` points at the change that is each field's value, by `seq`; `conflicts` points
    ///   at the changes that lost, by `seq`. Stamp and value are the log row's.
    /// - `records` is keyed by an `INTEGER PRIMARY KEY` (`rid`), which `VACUUM` never renumbers,
    ///   and the search index keys its rows by it. (It was keyed by the implicit rowid of a
    ///   table with a TEXT key, which `VACUUM` may renumber, leaving the index pointing at other
    ///   records.)
    /// - The search index keeps no text of its own: it reads it from the `records_text` view.
    ///
    /// Old rowids become rids, so the index rebuilt here finds what it found before. A winner or
    /// conflict is mapped to the logged change with its record, field and stamp; every one has
    /// such a change, because only logged changes are ever made a value or a conflict. The one
    /// exception is a hub whose operator removed changes from its log (see sync-protocol.md,
    /// "Change numbers"): a winner left without its change points at the greatest version still
    /// logged, and a conflict without its change (or left as the value) is dropped, as the merge
    /// would have it with those changes never received.
    static func storeEachValueOnce(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP TRIGGER records_fts_insert;
                DROP TRIGGER records_fts_update;
                DROP TRIGGER records_fts_delete;
                DROP TABLE records_fts;

                CREATE TABLE records_v9 (
                    rid INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL CHECK (kind IN ('event', 'agreement')),
                    doc TEXT NOT NULL,
                    title TEXT NOT NULL,
                    category TEXT NOT NULL,
                    date_lo TEXT,
                    date_hi TEXT,
                    parties TEXT NOT NULL,
                    deleted INTEGER NOT NULL DEFAULT 0,
                    created_hlc INTEGER NOT NULL,
                    updated_hlc INTEGER NOT NULL
                );
                INSERT INTO records_v9 (rid, id, kind, doc, title, category, date_lo, date_hi, parties, deleted, created_hlc, updated_hlc)
                    SELECT rowid, id, kind, doc, title, category, date_lo, date_hi, parties, deleted, created_hlc, updated_hlc
                    FROM records ORDER BY rowid;
                DROP TABLE records;
                ALTER TABLE records_v9 RENAME TO records;
                CREATE INDEX records_by_date ON records (deleted, date_lo, id);
                CREATE INDEX records_by_kind ON records (deleted, kind);

                -- Each field's value: the change that wrote it, by its place in the log.
                CREATE TABLE winners (
                    record_id TEXT NOT NULL,
                    field TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (record_id, field)
                ) WITHOUT ROWID;
                INSERT INTO winners (record_id, field, seq)
                    SELECT record_id, field, seq FROM (
                        SELECT s.record_id, s.field, coalesce(
                            (SELECT min(c.seq) FROM changes c
                             WHERE c.record_id = s.record_id AND c.field = s.field AND c.hlc = s.hlc AND c.node = s.node
                               AND c.value = s.value),
                            (SELECT min(c.seq) FROM changes c
                             WHERE c.record_id = s.record_id AND c.field = s.field AND c.hlc = s.hlc AND c.node = s.node),
                            (SELECT c.seq FROM changes c WHERE c.record_id = s.record_id AND c.field = s.field
                             ORDER BY c.hlc DESC, c.node DESC LIMIT 1)) AS seq
                        FROM field_stamps s)
                    WHERE seq IS NOT NULL;
                DROP TABLE field_stamps;

                -- Concurrent versions that lost to the field's value and nobody has replaced yet,
                -- by their stamp (what a later change names as its base) and their place in the log.
                CREATE TABLE conflicts_v9 (
                    record_id TEXT NOT NULL,
                    field TEXT NOT NULL,
                    hlc INTEGER NOT NULL,
                    node TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (record_id, field, hlc, node)
                ) WITHOUT ROWID;
                INSERT INTO conflicts_v9 (record_id, field, hlc, node, seq)
                    SELECT record_id, field, hlc, node, seq FROM (
                        SELECT k.record_id, k.field, k.hlc, k.node, coalesce(
                            (SELECT min(c.seq) FROM changes c
                             WHERE c.record_id = k.record_id AND c.field = k.field AND c.hlc = k.hlc AND c.node = k.node
                               AND c.value = k.value),
                            (SELECT min(c.seq) FROM changes c
                             WHERE c.record_id = k.record_id AND c.field = k.field AND c.hlc = k.hlc AND c.node = k.node)) AS seq
                        FROM conflicts k)
                    WHERE seq IS NOT NULL;
                DELETE FROM conflicts_v9 WHERE seq IN (SELECT seq FROM winners);
                DROP TABLE conflicts;
                ALTER TABLE conflicts_v9 RENAME TO conflicts;
                """)
        try createTextSearch(db)
    }
}
