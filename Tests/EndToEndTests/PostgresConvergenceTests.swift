import ConvergenceSimulation
import Foundation
import Logging
import PostgresNIO
import RelStore
import RelStorePostgres
import Testing

/// The convergence property (`ConvergenceTests` in RelStoreTests) with the hub's feed in
/// PostgreSQL: the same generated cases, in process, every push given to a `PostgresFeedStore`
/// as well as to the SQLite hub and answered alike, and every page the replicas pull read from
/// PostgreSQL. So the replicas converge through the PostgreSQL store; at the end its log holds
/// the SQLite hub's changes in the same order (positions differ: SQLite's skip numbers on
/// replays), and a replica following its snapshot holds the same records and conflicts.
///
/// Each case running at once has a database of its own (`convergence_N`); a case starts on an
/// empty one, as the schema is dropped and the feed opened anew.
///
/// `RELD_PROPERTY_SEED=N` replays one case; `RELD_PROPERTY_CASES=N` sets how many run (100 here).
@Suite("Convergence through PostgreSQL (property)")
struct PostgresConvergenceTests {
    @Test func replicasConvergeThroughAHubOnPostgres() async throws {
        let cluster = try PostgresCluster()
        defer { withExtendedLifetime(cluster) {} }
        let runner = CaseRunner(defaultCases: 100)
        let names = (0..<runner.concurrency).map { "convergence_\($0)" }
        _ = try cluster.psql(names.map { "CREATE DATABASE \($0) OWNER \(cluster.user);" }.joined(separator: "\n"), asSuperuser: true)
        let logger = {
            var logger = Logger(label: "convergence")
            logger.logLevel = .warning
            return logger
        }()
        let locations = try names.map {
            try PostgresLocation(url: "postgres://\(cluster.user)@localhost:\(cluster.port)/\($0)?host=\(cluster.socketDirectory)")
        }
        var outcome: CaseRunner.Tally?
        try await Self.withClients(locations[...], password: cluster.password, logger: logger) { clients in
            outcome = await runner.run { slot in
                let client = clients[slot]
                try await client.query("DROP SCHEMA IF EXISTS relhub CASCADE", logger: logger)
                let store = try await PostgresFeedStore.open(client: client, location: "convergence_\(slot)", logger: logger)
                return FeedMirror(
                    push: { try await store.applyPushed($0, writer: $1, declaredNode: $2) },
                    pageText: { try await store.feedPageText(since: $0, limit: $1, hlc: .integer, known: $2).text },
                    snapshotText: {
                        let stream = try await store.snapshotStream()
                        var (text, position): (String, SnapshotStream.Position?) = ("", .start)
                        while let at = position {
                            let chunk = try await stream.chunk(at: at)
                            (text, position) = (text + chunk.text, chunk.next)
                        }
                        return text
                    })
            }
        }
        let tally = try #require(outcome)
        for problem in tally.problems { Issue.record("\(problem)") }
    }

    /// Runs `body` with a client on each location, all running until it returns.
    static func withClients(
        _ locations: ArraySlice<PostgresLocation>, password: String, logger: Logger, opened: [PostgresClient] = [],
        _ body: ([PostgresClient]) async throws -> Void
    ) async throws {
        guard let first = locations.first else { return try await body(opened) }
        try await PostgresFeedStore.withClient(first, password: password, maximumConnections: 2, logger: logger) { client in
            try await withClients(locations.dropFirst(), password: password, logger: logger, opened: opened + [client], body)
        }
    }
}
