import Foundation
import GRDB
import RelModel

/// One record that a search found.
public struct SearchHit: Sendable, Equatable {
    /// The record as canonical JSON text.
    public var document: String
    /// FTS5's bm25 score: lower is a better match (scores are negative).
    public var rank: Double
    /// The best-matching stretch of the record's text, each match marked as `[word]`.
    public var snippet: String
    /// Whether the record is deleted (found only when deleted records are asked for).
    public var deleted: Bool
}

extension AppDatabase {
    /// Most words a snippet shows around the matches.
    static let snippetWords = 12

    /// bm25 weights, in the order of ``SearchExpression/columns``: a match in the title counts
    /// most, then tags, actors and parties, then the place, then notes and source.
    static let searchWeights = [10.0, 1.0, 4.0, 3.0, 3.0, 2.0, 1.0]

    /// Records whose indexed text matches `query` (see ``SearchExpression`` for its syntax) and
    /// `filter` (its `text` is not used), best first, with the number that match in all.
    /// Deleted records are found only with `includeDeleted`. A query that cannot be read fails
    /// with ``StoreError/badSearch(query:reason:)``.
    public func search(_ query: String, filter: RecordFilter, includeDeleted: Bool = false) async throws -> (
        hits: [SearchHit], total: Int
    ) {
        let query = query.nfc
        let expression = try SearchExpression(query)
        var (conditions, arguments) = Self.conditions(filter)
        if !includeDeleted { conditions.insert("records.deleted = 0", at: 0) }
        conditions.insert("records_fts MATCH ?", at: 0)
        arguments = [expression.fts] + arguments
        let whereClause = conditions.joined(separator: " AND ")
        // CROSS JOIN keeps the index as the outer loop: left to itself, SQLite walks `records` by
        // `records_by_kind` and runs the full-text query once per record (40x slower at 20,000).
        let from = "records_fts CROSS JOIN records ON records.rid = records_fts.rowid"
        let weights = Self.searchWeights.map { String($0) }.joined(separator: ", ")
        let filterArguments = arguments
        let pageArguments = arguments + [filter.limit, filter.offset]
        return try await read { db in
            do {
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT records.doc, records.deleted, bm25(records_fts, \(weights)) AS rank,
                            snippet(records_fts, -1, '[', ']', '...', \(Self.snippetWords)) AS snippet
                        FROM \(from) WHERE \(whereClause)
                        ORDER BY rank, records.id LIMIT ? OFFSET ?
                        """, arguments: pageArguments)
                let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(from) WHERE \(whereClause)", arguments: filterArguments) ?? 0
                let hits = rows.map { row in
                    SearchHit(document: row["doc"], rank: row["rank"], snippet: row["snippet"], deleted: row["deleted"])
                }
                return (hits, total)
            } catch let error as DatabaseError where Self.isSearchSyntax(error) {
                // SearchExpression checks the shape; this is the backstop for anything it lets by.
                throw StoreError.badSearch(query: query, reason: "FTS5 cannot read it; check its quotes, parentheses and AND, OR, NOT")
            }
        }
    }

    /// Whether SQLite refused a `MATCH` expression (rather than failing for another reason).
    static func isSearchSyntax(_ error: DatabaseError) -> Bool {
        guard error.resultCode == .SQLITE_ERROR, let message = error.message else { return false }
        return message.hasPrefix("fts5:") || message.hasPrefix("no such column") || message.hasPrefix("unknown special query")
    }
}
