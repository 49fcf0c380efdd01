import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// One connection opened outside a client's pool, to learn at once whether the database can be
/// used: the pool retries a refused login or a missing database for as long as it is asked
/// to, and says only that no connection came. relhub probes before it opens its port;
/// `relhub migrate` does its work on the connection.
public enum PostgresProbe {
    /// Connects to `location`, waiting up to `patience` while the server is not there yet (not
    /// listening, starting up, out of connections) and failing at once when it refuses relhub
    /// (the password, the role, the database, TLS): waiting would not help those.
    public static func connect(
        _ location: PostgresLocation, password: String?, applicationName: String, patience: Duration, logger: Logger
    ) async throws -> PostgresConnection {
        var configuration = try location.connectionConfiguration(password: password)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = PostgresFeedStore.startupParameters.map {
            $0.0 == "application_name" ? ($0.0, applicationName) : $0
        }
        let clock = ContinuousClock()
        let deadline = clock.now + patience
        var said = false
        while true {
            do {
                return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            } catch {
                let failure = PostgresConnectError(location: location, error: error)
                guard failure.isTransient, clock.now < deadline else { throw failure }
                if !said {
                    logger.notice(
                        "waiting for the database", metadata: ["database": "\(location)", "reason": "\(failure.reason)"])
                    said = true
                }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}

/// The database could not be reached or refused relhub, said as PostgreSQL or the network put it.
public struct PostgresConnectError: Error, Sendable, CustomStringConvertible {
    /// The database URL, without a password.
    public let location: String
    /// What went wrong.
    public let reason: String
    /// What to do about it.
    public let advice: String
    /// Whether waiting may help: the server is not listening yet, starting up or out of connections.
    let isTransient: Bool

    init(location: PostgresLocation, error: any Error) {
        self.location = location.description
        guard let error = error as? PSQLError else {
            // TLS and socket-address errors come as they are: they say what is wrong.
            (reason, advice, isTransient) = ("\(error)", "check the URL's host and TLS settings (sslmode, sslrootcert)", false)
            return
        }
        if error.code == .server {
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? "no message"
            reason = "PostgreSQL \(state): \(message)"
            isTransient = ["57P03", "53300", "57P01"].contains(state)
            switch state {
            case "28P01": advice = "check the password in --database-password-file (or [storage] password_file)"
            case "28000": advice = "allow relhub's role in the server's pg_hba.conf, or check the role's name in the URL"
            case "3D000": advice = "create the database (createdb -O ROLE DATABASE), or fix its name in the URL"
            default: advice = isTransient ? "the server is starting or full; relhub tries again" : "see the server's log"
            }
        } else {
            let endpoint: String
            switch location.endpoint {
            case .tcp(let host, let port): endpoint = "\(host):\(port)"
            case .socket: endpoint = location.socketPath ?? ""
            }
            let io =
                error.underlying as? IOError ?? (error.underlying as? NIOConnectionError)?.connectionErrors.last?.error as? IOError
            if let io {
                reason = "cannot connect to \(endpoint): \(String(cString: strerror(io.errnoCode)))"
            } else {
                reason = "cannot connect to \(endpoint): \(error.underlying.map { "\($0)" } ?? "\(error.code)")"
            }
            isTransient = error.code == .connectionError
            advice = "check that PostgreSQL is running and listening where the URL says"
        }
    }

    /// `cannot use the database URL: REASON; ADVICE`.
    public var description: String {
        "cannot use the database \(location): \(reason); \(advice)"
    }
}
