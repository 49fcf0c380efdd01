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
        let databasePath = stateDirectory + "/relhub.sqlite"
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw MigrateError.noStore(path: stateDirectory)
        }
        let directory = try StateDirectory(path: stateDirectory, name: "relhub")
        let source = try AppDatabase(path: directory.databasePath)
        defer { withExtendedLifetime(directory) {} }
        if let moved = try await source.movedTo(), moved != location.description {
            throw MigrateError.movedElsewhere(path: stateDirectory, location: moved)
        }
        let head = try await source.headForMove()
        let connection = try await PostgresProbe.connect(
            location, password: password, applicationName: "relhub migrate", patience: .seconds(10), logger: logger)
        let outcome: PostgresFeedImport.Outcome
        do {
            outcome = try await PostgresFeedImport.run(
                from: source, feedID: source.nodeID, head: head, on: connection, location: location.description, logger: logger,
                progress: { table, rows in if rows == 0 { say("copying \(table)") } })
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        if case .alreadyThere(let there) = outcome, there > head {
            // An earlier run moved it, and relhub has served it since: it has moved on.
        } else {
            say("comparing the feed as replicas read it from both stores")
            try await compare(source)
        }
        try await source.markMoved(to: location.description)
        try await source.close()
        switch outcome {
        case .copied(let changes, let head): return .moved(feedID: source.nodeID, changes: changes, head: head)
        case .alreadyThere(let head): return .alreadyMoved(feedID: source.nodeID, head: head)
        }
    }

    /// Reads every page of the feed and its snapshot from both stores and compares them.
    private func compare(_ source: AppDatabase) async throws {
        var configuration = try location.configuration(password: password)
        configuration.options.additionalStartupParameters = PostgresFeedStore.startupParameters.map {
            $0.0 == "application_name" ? ($0.0, "relhub migrate") : $0
        }
        configuration.options.maximumConnections = 2
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let copy = try await PostgresFeedStore.open(client: client, location: location.description, logger: logger)
            try await Self.compare(source, copy, upTo: try await source.feedHead())
        }
    }

    /// Compares what `a` and `b` serve: each page from 0 up to `head`, then the snapshot.
    static func compare(_ a: any FeedStore, _ b: any FeedStore, upTo head: Int64) async throws {
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

/// A snapshot's text read a chunk at a time, compared as bytes: the two stores may cut their
/// chunks at different places.
private struct SnapshotReader {
    let stream: any FeedSnapshotStream
    var position: SnapshotStream.Position? = .start
    /// What was read and not compared yet.
    var unread: ArraySlice<UInt8> = []

    init(_ stream: any FeedSnapshotStream) { self.stream = stream }

    /// Reads the next chunk when all before it was compared; `unread` stays empty at the end.
    mutating func fill() async throws {
        while unread.isEmpty, let at = position {
            let (text, next) = try await stream.chunk(at: at)
            (unread, position) = (ArraySlice(text.utf8), next)
        }
    }
}

/// Why `relhub migrate` did not move the feed.
enum MigrateError: Error, CustomStringConvertible {
    /// No SQLite hub store in the directory.
    case noStore(path: String)
    /// The store was moved to another database before.
    case movedElsewhere(path: String, location: String)
    /// The copy, read back, differs from the source.
    case differs(what: String)

    var description: String {
        switch self {
        case .noStore(let path):
            "--from \(path): no relhub store there (relhub.sqlite); give the state directory of the SQLite relhub to move"
        case .movedElsewhere(let path, let location):
            "the feed in \(path) was moved to \(location) already: it lives there now, and the store here is a backup "
                + "of it as it was at the move"
        case .differs(let what):
            "the copy differs from the SQLite store in \(what); the SQLite store is unchanged and still serves the feed; "
                + "drop the copy (DROP SCHEMA relhub CASCADE) and please report this"
        }
    }
}
