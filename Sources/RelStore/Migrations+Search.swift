import GRDB

extension AppDatabase {
    /// The full-text index of records as `v6-search` made it: one FTS5 row per records row, same
    /// rowid, with its own copy of the text (`v9-one-copy` replaces it, see `createTextSearch`).
    ///
    /// Triggers on `records` keep it, so every statement that writes a record row (a local
    /// write, a merge from the feed, a migration) updates the index in its own transaction: the
    /// two cannot drift apart, even after a crash. Deleted records stay indexed; searches filter
    /// them out by `records.deleted` unless asked for them.
    ///
    /// `unicode61 remove_diacritics 2` folds case and diacritics (`Goita` finds `Goïta`) and
    /// treats both the ASCII and the typographic apostrophe as separators, so `d'Ivoire` and
    /// `d’Ivoire` index the same tokens.
    static func createSearchIndex(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE VIRTUAL TABLE records_fts USING fts5(
                    title, notes, tags, actors, parties, place, source,
                    tokenize = 'unicode61 remove_diacritics 2');

                CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
                    \(insertIndexRow);
                END;
                CREATE TRIGGER records_fts_update AFTER UPDATE OF doc, title, parties ON records BEGIN
                    DELETE FROM records_fts WHERE rowid = old.rowid;
                    \(insertIndexRow);
                END;
                CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
                    DELETE FROM records_fts WHERE rowid = old.rowid;
                END;
                """)
        try db.execute(sql: "INSERT INTO records_fts (\(indexColumns)) SELECT \(indexValues(of: "records")) FROM records")
    }

    /// `v8-search-deferred`: the insert trigger stands aside while `meta` holds
    /// ``deferredIndexKey``, which a write sets inside its own transaction (an import, and from
    /// v9 on a merged batch), then indexes its new rows in one statement (see `createTextSearch`).
    static func deferSearchIndexInserts(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP TRIGGER records_fts_insert;
                CREATE TRIGGER records_fts_insert AFTER INSERT ON records
                WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = '\(deferredIndexKey)') BEGIN
                    \(insertIndexRow);
                END;
                """)
    }

    private static let indexColumns = "rowid, title, notes, tags, actors, parties, place, source"

    private static var insertIndexRow: String {
        "INSERT INTO records_fts (\(indexColumns)) VALUES (\(indexValues(of: "new")))"
    }

    /// The indexed text of a records row, from its columns and its document: lists joined by
    /// commas, the place as all its text members (name, country, admin areas), the source as its
    /// title and quote (not its genre or part, which every source of a kind shares).
    private static func indexValues(of row: String) -> String {
        return [
            "\(row).rowid",
            "\(row).title",
            "coalesce(\(row).doc ->> '$.notes', '')",
            "coalesce((SELECT group_concat(value, ', ') FROM json_each(\(row).doc, '$.tags') WHERE type = 'text'), '')",
            "coalesce((SELECT group_concat(value ->> '$.name', ', ') FROM json_each(\(row).doc, '$.actors') WHERE type = 'object'), '')",
            "coalesce((SELECT group_concat(value, ', ') FROM json_each(\(row).parties) WHERE type = 'text'), '')",
            "coalesce((SELECT group_concat(value, ', ') FROM json_each(\(row).doc, '$.location') WHERE type = 'text'), '')",
            "trim(coalesce(\(row).doc ->> '$.source.title', '') || ' — ' || coalesce(\(row).doc ->> '$.source.quote', ''), ' —')",
        ].joined(separator: ", ")
    }
}
