import Foundation
import Logging
import PostgresNIO
import RelModel
import RelStore
import RelStorePostgres

/// `relhub migrate`: moves a SQLite hub's feed into PostgreSQL without losing a change or
/// renumbering one, so that replicas keep their cursors.
///
/// In order, each step leaving things usable if the next fails:
/// 1. take the state directory's lock (the SQLite relhub must be stopped) and open its store;
/// 2. copy every table, the feed id and the head in one PostgreSQL transaction, checked table
///    by table against the source before it commits (``PostgresFeedImport``);
/// 3. read the feed back from both stores as replicas read it, page by page and as a
///    snapshot, and compare the text byte for byte;
/// 4. only then mark the SQLite store as moved, so that a relhub started on it by mistake
///    refuses to serve a second copy of the feed.
struct HubMigration {
    /// The SQLite hub's state directory.
    let stateDirectory: String
    /// The database to move to.
    let location: PostgresLocation
    /// The database role's password.
    let password: String?
    /// Where relhub logs.
    let logger: Logger
    /// Tells the person running it how it goes.
    let say: @Sendable (String) -> Void

    /// What the move did.
    enum Outcome: Equatable {
        /// Moved: the feed's id, its changes and its head.
        case moved(feedID: String, changes: Int64, head: Int64)
        /// An earlier run had moved it already.
        case alreadyMoved(feedID: String, head: Int64)
    }

    /// Moves the feed; see the type's steps.
    func run() async throws -> Outcome {
        guard FileManager.default.fileExists(atPath: stateDirectory + "/relhub.sqlite") else {
            throw MigrateError.noStore(path: stateDirectory)
        }
        let directory = try StateDirectory(path: stateDirectory, name: "relhub")
        defer { withExtendedLifetime(directory) {} }
        let source = try AppDatabase(path: directory.databasePath)
        do {
            let outcome = try await move(source)
            try await source.close()
            return outcome
        } catch {
            try? await source.close()
            throw error
        }
    }

    private func move(_ source: AppDatabase) async throws -> Outcome {
        let moved = try await source.movedTo()
        if let moved, moved != location.description {
            throw MigrateError.movedElsewhere(path: stateDirectory, location: moved)
        }
        let head = try await source.headForMove()
        let connection = try await PostgresProbe.connect(
            location, password: password, applicationName: "relhub migrate", patience: .seconds(10), logger: logger)
        let outcome: PostgresFeedImport.Outcome
        do {
            outcome = try await PostgresFeedImport.run(
                from: source, feedID: source.nodeID, head: head, movedBefore: moved != nil, on: connection,
                location: location.description, logger: logger, progress: { say("copying \($0)") })
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        // The copy is committed from here on: a failure must not read as "nothing happened".
        do {
            if case .alreadyThere(let there) = outcome, there > head {
                // An earlier run moved it, and relhub has served it since: only its log up to
                // the source's head was compared, in the copy's transaction.
            } else {
                say("comparing the feed as replicas read it from both stores")
                try await compare(source)
            }
            try await source.markMoved(to: location.description)
        } catch let error as MigrateError {
            throw error
        } catch {
            throw MigrateError.unfinished(location: location.description, cause: (error as? StoreError)?.description ?? "\(error)")
        }
        switch outcome {
        case .copied(let changes, let head): return .moved(feedID: source.nodeID, changes: changes, head: head)
        case .alreadyThere(let head): return .alreadyMoved(feedID: source.nodeID, head: head)
        }
    }

    /// Reads every page of the feed and its snapshot from both stores and compares them.
    private func compare(_ source: AppDatabase) async throws {
        try await PostgresFeedStore.withClient(
            location, password: password, applicationName: "relhub migrate", maximumConnections: 2, logger: logger
        ) { client in
            let copy = try await PostgresFeedStore.open(client: client, location: location.description, logger: logger)
            try await Self.compare(source, copy)
        }
    }

    /// Compares what `a` and `b` serve: every page, then the snapshot.
    static func compare(_ a: any FeedStore, _ b: any FeedStore) async throws {
        var since: Int64 = 0
        while true {
            let (pageA, pageB) = (
                try await a.feedPageText(since: since, limit: 1000, hlc: .integer, known: nil),
                try await b.feedPageText(since: since, limit: 1000, hlc: .integer, known: nil)
            )
            guard pageA.text == pageB.text else { throw MigrateError.differs(what: "the page of changes after \(since)") }
            guard pageA.more, pageA.next > since else { break }
            since = pageA.next
        }
        let (snapshotA, snapshotB) = (try await a.openSnapshot(hlc: .integer), try await b.openSnapshot(hlc: .integer))
        var (textA, textB) = (SnapshotReader(snapshotA), SnapshotReader(snapshotB))
        while true {
            try await textA.fill()
            try await textB.fill()
            let n = min(textA.unread.count, textB.unread.count)
            guard n > 0 else {
                guard textA.unread.isEmpty, textB.unread.isEmpty else { throw MigrateError.differs(what: "the snapshot") }
                break
            }
            guard textA.unread.prefix(n) == textB.unread.prefix(n) else { throw MigrateError.differs(what: "the snapshot") }
            textA.unread.removeFirst(n)
            textB.unread.removeFirst(n)
        }
    }
}
