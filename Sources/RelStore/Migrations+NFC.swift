import GRDB
import RelModel

extension AppDatabase {
    /// Rewrites the text a store holds in NFC (see `String.nfc`), for stores written before
    /// reld normalised its input: from then on every value comes in composed, and SQL compares
    /// bytes, so a decomposed title left behind would never match a search again.
    ///
    /// The change log, the field values, the open conflicts and the record rows are rewritten
    /// alike, so they keep agreeing: a row is still what its fields make, a conflict still
    /// compares equal to the value it lost to when it did, and a feed page served from the log
    /// carries the same text as the records. Stamps, sequence numbers and bases are left as they
    /// are: a change keeps its identity, and a replica that pulled it before holds the same text
    /// once it is upgraded too (and normalises whatever an older replica still sends).
    ///
    /// Only rows with a byte that may begin a combining mark are parsed; the rest (all ASCII, or
    /// Latin-1 and the like) are read once and left alone.
    static func normalizeStoredText(_ db: Database) throws {
        // Non-ASCII text: SQLite's length() counts characters of text, bytes of a blob.
        let nonASCII = "length(value) <> length(CAST(value AS BLOB))"
        try normalizeJSONColumn(db, table: "changes", key: ["seq"], where: nonASCII)
        try normalizeJSONColumn(db, table: "field_stamps", key: ["record_id", "field"], where: nonASCII)
        try normalizeJSONColumn(db, table: "conflicts", key: ["record_id", "field", "hlc", "node"], where: nonASCII)

        // Read with a cursor, keeping only the rows that change, and write once it is done.
        var records: [(id: String, record: Record)] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, doc FROM records WHERE length(doc) <> length(CAST(doc AS BLOB))")
        while let row = try rows.next() {
            let doc: String = row["doc"]
            guard doc.nfcChanges else { continue }
            // A row that does not decode is damaged already; reading it says so, here as later.
            guard let record = try? decode(doc) else { continue }
            records.append((row["id"], record))
        }
        for (id, record) in records {
            try db.execute(
                sql: "UPDATE records SET doc = ?, title = ?, parties = ?, search = ? WHERE id = ?",
                arguments: [
                    JSONText.compact(record.json), record.title, JSONText.compact(record.fields["parties"] ?? []), record.searchText, id,
                ])
        }
    }

    /// Rewrites the JSON values of `table`.`value` that NFC changes, rows picked by `key`.
    private static func normalizeJSONColumn(_ db: Database, table: String, key: [String], where condition: String) throws {
        let columns = key.joined(separator: ", ")
        var changed: [StatementArguments] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT \(columns), value FROM \(table) WHERE \(condition)")
        while let row = try rows.next() {
            let text: String = row["value"]
            guard text.nfcChanges, let value = try? JSONValue.parse(text) else { continue }  // parsing normalises
            var arguments: StatementArguments = [JSONText.compact(value)]
            for column in key { arguments += [row[column] as DatabaseValue] }
            changed.append(arguments)
        }
        let update = try db.makeStatement(
            sql: """
                UPDATE \(table) SET value = ? WHERE \(key.map { "\($0) = ?" }.joined(separator: " AND "))
                """)
        for arguments in changed { try update.execute(arguments: arguments) }
    }
}

extension String {
    /// Whether NFC changes this text's bytes. (Not `nfc != self`: Swift's `==` already counts
    /// the two forms equal.)
    fileprivate var nfcChanges: Bool {
        utf8.contains(where: String.mayStartComposition) && !nfc.utf8.elementsEqual(utf8)
    }
}
