import Logging
import PostgresNIO

extension PostgresFeedStore {
    /// Runs `body` with a client of its own on `location`, running until `body` returns: the
    /// connection settings every relhub connection has (``startupParameters(applicationName:)``),
    /// at most `maximumConnections`, each given 5 s to connect.
    ///
    /// The pool logs each failed connection attempt at info, every few seconds while the
    /// database is down; requests that fail say so already (503, and the error log), so its
    /// own log is kept to warnings and worse.
    package static func withClient(
        _ location: PostgresLocation, password: String?, applicationName: String = "relhub", maximumConnections: Int,
        logger: Logger, _ body: (PostgresClient) async throws -> Void
    ) async throws {
        var configuration = try location.configuration(password: password)
        configuration.options.additionalStartupParameters = startupParameters(applicationName: applicationName)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await body(client)
        }
    }
}
