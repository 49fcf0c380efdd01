import Foundation
import GRDB
import RelModel
import Synchronization

/// The node's SQLite database: owns the connection pool, migrates the schema when it opens, and
/// performs every read and write of records and the change log.
///
/// Follows GRDB's `AppDatabase` pattern: one value owns the writer; nothing else opens the file.
public struct AppDatabase: Sendable {
    /// The pool: one writer, concurrent readers (WAL mode).
    let writer: DatabasePool
    /// This node's id, created on first open and kept in the database.
    public let nodeID: String
    /// The database file.
    public let path: String
    let clock: ClockBox
    /// Where the clock reads wall time.
    let wallClock: WallClock

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    /// `wallClock` is the system's; tests give a skewed one. `upgrading` is called, with the
    /// migrations to run, before an existing store is upgraded, which may take minutes for a
    /// large one (a server tells systemd to wait, see `StartTimeoutExtension`).
    public init(
        path: String, wallClock: WallClock = .system, upgrading: (@Sendable (_ migrations: [String]) -> Void)? = nil
    ) throws(StoreError) {
        self.path = path
        self.wallClock = wallClock
        var config = Configuration()
        config.label = "reld"
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            // FULL: a transaction reported as committed survives power loss, not only a crash.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // After a big import, shrink the write-ahead log back to this size at the next checkpoint.
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        do {
            writer = try DatabasePool(path: path, configuration: config)
            // GRDB skips migrations it does not know; an older reld writing a schema it does not
            // understand could lose data, so a database migrated by a newer reld is refused.
            guard try !writer.read({ try Self.migrator.hasBeenSuperseded($0) }) else {
                throw StoreError.newerSchema(path: path)
            }
            let applied = try writer.read { try Self.migrator.appliedMigrations($0) }
            let pending = Self.migrator.migrations.filter { !applied.contains($0) }
            if !applied.isEmpty, !pending.isEmpty { upgrading?(pending) }
            try Self.migrator.migrate(writer)
            if !applied.isEmpty, !pending.isEmpty { Self.reclaimFreedSpace(writer, path: path) }
            let (node, last) = try writer.write { db -> (String, Int64) in
                let node: String
                if let existing = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'node_id'") {
                    node = existing
                } else {
                    node = UUID().uuidString.lowercased()
                    try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('node_id', ?)", arguments: [node])
                }
                let last = try Int64.fetchOne(db, sql: "SELECT max(hlc) FROM changes") ?? 0
                return (node, last)
            }
            nodeID = node
            clock = ClockBox(HybridLogicalClock(last: HLCTimestamp(rawValue: last)))
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Maps SQLite failures to errors that say what happened. Only SQLite's own verdict that the
    /// file is corrupt or not a database says "damaged": the servers then tell people to restore
    /// a backup, advice that destroys work when the database is fine.
    static func translate(_ error: any Error, path: String) -> StoreError {
        guard let db = error as? DatabaseError else {
            return .internal(reason: "\(error)")
        }
        let message = db.message ?? "\(db.resultCode)"
        switch db.resultCode {
        case .SQLITE_FULL: return .diskFull(path: path)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .damaged(path: path, reason: message)
        case .SQLITE_TOOBIG: return .requestTooLarge(reason: message)
        case .SQLITE_ERROR where isStatementLimit(message): return .requestTooLarge(reason: message)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return .unusable(path: path, reason: message, cause: .cannotOpen)
        case .SQLITE_READONLY:
            return .unusable(path: path, reason: "\(message); the file or its file system is read-only", cause: .readOnly)
        case .SQLITE_IOERR:
            return .unusable(path: path, reason: "disk I/O error (\(message))", cause: .ioError)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .unusable(path: path, reason: "\(message): another process keeps it locked", cause: .locked)
        default: return .internal(reason: message)
        }
    }

    /// Whether an `SQLITE_ERROR` message is one of SQLite's per-statement limits (see
    /// https://sqlite.org/limits.html), which a request too big for one statement reaches.
    static func isStatementLimit(_ message: String) -> Bool {
        let limits = [
            "too many SQL variables", "Expression tree is too large", "too many terms in compound SELECT",
            "too many arguments on function", "LIKE or GLOB pattern too complex", "string or blob too big",
            "too many columns", "parser stack overflow",
        ]
        return limits.contains { message.localizedCaseInsensitiveContains($0) }
    }

    /// Whether the work stopped because its task was cancelled (GRDB interrupts the statement),
    /// which is neither the request's nor the database's fault.
    static func isCancellation(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        return (error as? DatabaseError)?.resultCode == .SQLITE_INTERRUPT && Task.isCancelled
    }

    /// Runs `body` in one write transaction, mapping database failures to ``StoreError``.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch let error as StoreError {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch  where Self.isCancellation(error) {
            throw CancellationError()
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Runs `body` on a reader.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Self.translatingErrors(path: path) { try await writer.read(body) }
    }

    /// Runs `body`, mapping a database failure to ``StoreError`` (a cancelled task stays a
    /// cancellation): for reads outside ``read(_:)``, such as a stream's own view.
    static func translatingErrors<T>(path: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw error
        } catch  where isCancellation(error) {
            throw CancellationError()
        } catch {
            throw translate(error, path: path)
        }
    }

    /// Closes every connection; later calls fail.
    public func close() async throws {
        try? await checkpoint()
        try writer.close()
    }

    /// Folds the write-ahead log into the database and truncates it (after large imports).
    public func checkpoint() async throws {
        try await writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    /// The next timestamp of this node's clock.
    func tick() -> HLCTimestamp {
        let now = wallClock.nowMillis()
        return clock.mutex.withLock { $0.tick(nowMillis: now) }
    }
}

/// Where a store reads wall time for its clock and its clock bound.
public struct WallClock: Sendable {
    /// Milliseconds since 1970.
    public var nowMillis: @Sendable () -> Int64

    /// A clock that reads `nowMillis`.
    public init(nowMillis: @escaping @Sendable () -> Int64) { self.nowMillis = nowMillis }

    /// The system's clock.
    public static let system = WallClock { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The system's clock shifted by `millis` (ahead when positive): a machine set wrong.
    public static func skewed(by millis: Int64) -> WallClock {
        WallClock { system.nowMillis() + millis }
    }
}

/// Holds the node's clock behind a lock, shared by every copy of ``AppDatabase``.
final class ClockBox: Sendable {
    let mutex: Mutex<HybridLogicalClock>
    init(_ clock: HybridLogicalClock) { mutex = Mutex(clock) }
}
