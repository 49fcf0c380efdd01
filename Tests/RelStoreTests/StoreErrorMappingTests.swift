import Foundation
import GRDB
import RelModel
import Testing

@testable import RelStore

// Only SQLite's verdict that the file is corrupt or not a database may say "damaged" (with its
// advice to restore a backup); a request past SQLite's limits is the request's fault, and any
// other failure is an internal error.
@Suite struct StoreErrorMappingTests {
    func translated(_ code: ResultCode, _ message: String? = nil) -> StoreError {
        AppDatabase.translate(DatabaseError(resultCode: code, message: message), path: "/db")
    }

    @Test func onlyCorruptAndNotADatabaseSayDamaged() {
        #expect(
            translated(.SQLITE_CORRUPT, "database disk image is malformed")
                == .damaged(path: "/db", reason: "database disk image is malformed"))
        #expect(translated(.SQLITE_NOTADB, "file is not a database") == .damaged(path: "/db", reason: "file is not a database"))
        let others: [ResultCode] = [
            .SQLITE_ERROR, .SQLITE_INTERNAL, .SQLITE_NOMEM, .SQLITE_MISMATCH, .SQLITE_CONSTRAINT,
            .SQLITE_RANGE, .SQLITE_MISUSE, .SQLITE_SCHEMA, .SQLITE_IOERR, .SQLITE_CANTOPEN,
            .SQLITE_READONLY, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_PERM, .SQLITE_TOOBIG,
        ]
        for code in others {
            let error = translated(code, "some failure")
            if case .damaged = error { Issue.record("\(code) is reported as damage") }
            #expect(!error.description.contains("damaged ("), "\(code): \(error)")
            #expect(!error.description.contains("backup"), "\(code): \(error)")
        }
        // Not even errors that are not SQLite's.
        if case .damaged = AppDatabase.translate(CocoaError(.fileReadUnknown), path: "/db") {
            Issue.record("a foreign error is reported as damage")
        }
    }

    @Test func statementLimitsAreTheRequestsFault() {
        #expect(translated(.SQLITE_TOOBIG, "string or blob too big") == .requestTooLarge(reason: "string or blob too big"))
        for message in ["Expression tree is too large (maximum depth 1000)", "too many SQL variables"] {
            #expect(translated(.SQLITE_ERROR, message) == .requestTooLarge(reason: message))
        }
        #expect(translated(.SQLITE_ERROR, "no such table: x") == .internal(reason: "no such table: x"))
    }

    // The cause picks each server's advice (RelDaemonTests.StoreAdviceTests); the store names no program.
    @Test func diskFullAndUnusableSayWhatHappened() {
        #expect(translated(.SQLITE_FULL) == .diskFull(path: "/db"))
        let causes: [(ResultCode, StoreError.UnusableCause)] = [
            (.SQLITE_READONLY, .readOnly), (.SQLITE_CANTOPEN, .cannotOpen),
            (.SQLITE_PERM, .cannotOpen), (.SQLITE_IOERR, .ioError), (.SQLITE_BUSY, .locked),
        ]
        for (code, expected) in causes {
            guard case .unusable(_, let reason, let cause) = translated(code, "some failure") else {
                Issue.record("\(code) is not unusable")
                continue
            }
            #expect(cause == expected, "\(code)")
            #expect(reason.contains("some failure"), "\(code): \(reason)")
            #expect(!reason.contains("reld"), "\(code): \(reason)")
        }
        guard case .unusable(_, let reason, _) = translated(.SQLITE_READONLY, "attempt to write a readonly database") else { return }
        #expect(reason.contains("read-only"))
    }

    @Test func noMessageOfTheStoreNamesACommand() {
        let errors: [StoreError] = [
            .locked(path: "/s", pid: 1), .damaged(path: "/db", reason: "r"), .requestTooLarge(reason: "r"), .internal(reason: "r"),
            .deleted(id: "x"), .alreadyExists(id: "x"), .notInList(id: "x", field: "tags", item: "\"a\""), .diskFull(path: "/db"),
            .newerSchema(path: "/db"), .reusedSequence(node: "n", nodeSeq: 1), .nodeNotYours(node: "n", nodeSeq: 1),
            .sequenceGap(node: "n", nodeSeq: 3, expected: 2), .sequenceExhausted(node: "n"), .noConflict(id: "x", field: "title"),
            .badSearch(query: "x AND", reason: "ends with AND: it needs a term after it"),
        ]
        for error in errors {
            for advice in ["relctl", "--state-dir", "restore it from", "upgrade", "report", "docs/", "try again", "Export"] {
                #expect(!error.description.contains(advice), "\(error.description)")
            }
        }
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
