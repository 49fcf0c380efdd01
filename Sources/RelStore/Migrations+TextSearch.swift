import GRDB

extension AppDatabase {
    /// The full-text index of records from `v9-one-copy` on: one FTS5 row per records row, keyed
    /// by its `rid`, holding no text of its own. FTS5 reads the text (for `snippet()` and
    /// `rebuild`) from the `records_text` view, which computes it from the row as the index did.
    ///
    /// Triggers on `records` keep the index, so every statement that writes a record row updates
    /// it in the same transaction: the two cannot drift apart, even after a crash. An index over
    /// another table's content must be told the old text of a row to forget it, so the update and
    /// delete triggers hand it the old row's text, computed by the same expressions.
    ///
    /// While an import or a merged batch runs, `meta` holds ``deferredIndexKey`` with the highest
    /// rid from before it (set and cleared inside its transaction, so no other connection sees
    /// it): rows above it are left to ``indexRecords(_:after:)``, which indexes them in one
    /// statement at the end, about four times faster than row by row between the writes of the
    /// change log (see ``deferringSearchIndex(_:_:)``).
    static func createTextSearch(_ db: Database) throws {
        let columns = "title, notes, tags, actors, parties, place, source"
        let deferredAfter = "coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = '\(deferredIndexKey)'), old.rid)"
        try db.execute(
            sql: """
                CREATE VIEW records_text (rid, \(columns)) AS SELECT rid, \(searchText(of: "records")) FROM records;
                CREATE VIRTUAL TABLE records_fts USING fts5(
                    \(columns),
                    content = 'records_text', content_rowid = 'rid',
                    tokenize = 'unicode61 remove_diacritics 2');

                CREATE TRIGGER records_fts_insert AFTER INSERT ON records
                WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = '\(deferredIndexKey)') BEGIN
                    INSERT INTO records_fts (rowid, \(columns)) VALUES (new.rid, \(searchText(of: "new")));
                END;
                CREATE TRIGGER records_fts_update AFTER UPDATE OF doc, title, parties ON records
                WHEN old.rid <= \(deferredAfter) BEGIN
                    INSERT INTO records_fts (records_fts, rowid, \(columns)) VALUES ('delete', old.rid, \(searchText(of: "old")));
                    INSERT INTO records_fts (rowid, \(columns)) VALUES (new.rid, \(searchText(of: "new")));
                END;
                CREATE TRIGGER records_fts_delete AFTER DELETE ON records
                WHEN old.rid <= \(deferredAfter) BEGIN
                    INSERT INTO records_fts (records_fts, rowid, \(columns)) VALUES ('delete', old.rid, \(searchText(of: "old")));
                END;

                INSERT INTO records_fts (records_fts) VALUES ('rebuild');
                """)
    }

    /// The indexed text of the records row `row`, from its columns and its document: lists joined
    /// by commas, the actors by their names, the place as its name, country and region, the
    /// source as its title and quote (not its genre or part, which every source of a kind shares).
    ///
    /// FTS5 reads an external content table with virtual tables barred (`SQLITE_PREPARE_NO_VTAB`),
    /// so `json_each` cannot join a list here: a recursive CTE walks its indexes instead.
    static func searchText(of row: String) -> String {
        [
            "\(row).title",
            "coalesce(\(row).doc ->> '$.notes', '')",
            joined(row + ".doc", "$.tags", type: "text", member: ""),
            joined(row + ".doc", "$.actors", type: "object", member: ".name"),
            joined(row + ".parties", "$", type: "text", member: ""),
            """
            trim(coalesce(\(row).doc ->> '$.location.name', '') || coalesce(', ' || (\(row).doc ->> '$.location.country'), '')
                || coalesce(', ' || (\(row).doc ->> '$.location.admin1'), ''), ', ')
            """,
            "trim(coalesce(\(row).doc ->> '$.source.title', '') || ' — ' || coalesce(\(row).doc ->> '$.source.quote', ''), ' —')",
        ].joined(separator: ", ")
    }

    /// The items of the JSON list at `path` in `json` of type `type` (their `member`, if given),
    /// joined by commas; `''` for an empty or missing list.
    private static func joined(_ json: String, _ path: String, type: String, member: String) -> String {
        let item = "'\(path)[' || n || ']'"
        return """
            coalesce((WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n + 1 < json_array_length(\(json), '\(path)'))
                SELECT group_concat(\(json) ->> (\(item) || '\(member)'), ', ') FROM i WHERE json_type(\(json), \(item)) = '\(type)'), '')
            """
    }

    /// The `meta` key an import or a merged batch sets, to the highest rid before it, while its
    /// new rows wait to be indexed.
    static let deferredIndexKey = "search_index_deferred"

    /// Runs `body`, a part of a write transaction that creates many records rows (an import, a
    /// pulled page), with the search index of the rows it creates left to one statement at its
    /// end: the triggers skip rows above the mark, even rows `body` goes on to update.
    static func deferringSearchIndex<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        let lastRid = try Int64.fetchOne(db, sql: "SELECT coalesce(max(rid), 0) FROM records") ?? 0
        try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [deferredIndexKey, String(lastRid)])
        let result = try body()
        try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [deferredIndexKey])
        try indexRecords(db, after: lastRid)
        return result
    }

    /// Indexes the records rows with a rid above `rid`: the rows an import or a merged batch
    /// created. New rows take rids above every earlier one (`records` has no AUTOINCREMENT, but
    /// no row is ever deleted), and the triggers left every one of them, even one the same
    /// transaction went on to update, to this.
    static func indexRecords(_ db: Database, after rid: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO records_fts (rowid, title, notes, tags, actors, parties, place, source)
                SELECT rid, \(searchText(of: "records")) FROM records WHERE rid > ?
                """, arguments: [rid])
    }
}
