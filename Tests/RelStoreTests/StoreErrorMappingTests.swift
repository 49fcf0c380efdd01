import Foundation
import GRDB
import Testing
import RelModel
@testable import RelStore

// Only SQLite's verdict that the file is corrupt or not a database may say "damaged" (with its
// advice to restore a backup); a request past SQLite's limits is the request's fault, and any
// other failure is an internal error.
@Suite struct StoreErrorMappingTests {
    func translated(_ code: ResultCode, _ message: String? = nil) -> StoreError {
        AppDatabase.translate(DatabaseError(resultCode: code, message: message), path: "/db")
    }

    @Test func onlyCorruptAndNotADatabaseSayDamaged() {
        #expect(translated(.SQLITE_CORRUPT, "database disk image is malformed") == .damaged(path: "/db", reason: "database disk image is malformed"))
        #expect(translated(.SQLITE_NOTADB, "file is not a database") == .damaged(path: "/db", reason: "file is not a database"))
        let others: [ResultCode] = [.SQLITE_ERROR, .SQLITE_INTERNAL, .SQLITE_NOMEM, .SQLITE_MISMATCH, .SQLITE_CONSTRAINT,
                                    .SQLITE_RANGE, .SQLITE_MISUSE, .SQLITE_SCHEMA, .SQLITE_IOERR, .SQLITE_CANTOPEN,
                                    .SQLITE_READONLY, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_PERM, .SQLITE_TOOBIG]
        for code in others {
            let error = translated(code, "some failure")
            if case .damaged = error { Issue.record("\(code) is reported as damage") }
            #expect(!error.description.contains("damaged ("), "\(code): \(error)")
            #expect(!error.description.contains("backup"), "\(code): \(error)")
        }
        // Not even errors that are not SQLite's.
        if case .damaged = AppDatabase.translate(CocoaError(.fileReadUnknown), path: "/db") { Issue.record("a foreign error is reported as damage") }
    }

    @Test func statementLimitsAreTheRequestsFault() {
        #expect(translated(.SQLITE_TOOBIG, "string or blob too big") == .requestTooLarge(reason: "string or blob too big"))
        for message in ["Expression tree is too large (maximum depth 1000)", "too many SQL variables"] {
            #expect(translated(.SQLITE_ERROR, message) == .requestTooLarge(reason: message))
        }
        #expect(translated(.SQLITE_ERROR, "no such table: x") == .internal(reason: "no such table: x"))
    }

    @Test func diskFullAndUnusableKeepTheirOwnAdvice() {
        #expect(translated(.SQLITE_FULL) == .diskFull(path: "/db"))
        guard case .unusable(_, let reason) = translated(.SQLITE_READONLY, "attempt to write a readonly database") else {
            Issue.record("read-only is not unusable")
            return
        }
        #expect(reason.contains("write access"))
    }

    // The case from the field: 996 party filters reach SQLite's expression depth limit. The
    // control API refuses that many first (ListQuery.maxParties); the store still says whose fault it is.
    @Test func aFilterTooBigForOneStatementIsNotDamage() async throws {
        try await withStore { db, _ in
            var filter = RecordFilter()
            filter.parties = (0..<996).map { "O\($0)" }
            await #expect {
                _ = try await db.list(filter)
            } throws: { error in
                guard case StoreError.requestTooLarge(let reason) = error else { return false }
                return reason.contains("Expression tree is too large")
            }
            // The database is fine afterwards.
            let (_, total) = try await db.list(RecordFilter())
            #expect(total == 0)
        }
    }
}
