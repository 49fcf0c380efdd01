import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// One connection opened outside a client's pool, to learn at once whether the database can be
/// used: the pool retries a refused login or a missing database for as long as it is asked
/// to, and says only that no connection came. relhub probes before it opens its port;
/// `relhub migrate` does its work on the connection.
package enum PostgresProbe {
    /// Connects to `location`, waiting up to `patience` while the server is not there yet (not
    /// listening, starting up, out of connections) and failing at once when it refuses relhub
    /// (the password, the role, the database, TLS): waiting would not help those.
    package static func connect(
        _ location: PostgresLocation, password: String?, applicationName: String, patience: Duration, logger: Logger
    ) async throws -> PostgresConnection {
        var configuration = try location.connectionConfiguration(password: password)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = PostgresFeedStore.startupParameters(applicationName: applicationName)
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
package struct PostgresConnectError: Error, Sendable, CustomStringConvertible {
    /// The database URL, without a password.
    package let location: String
    /// What went wrong.
    package let reason: String
    /// What to do about it.
    package let advice: String
    /// Whether waiting may help: the server is not listening yet, starting up or out of connections.
    let isTransient: Bool

    init(location: PostgresLocation, error: any Error) {
        self.location = location.description
        // postgres-nio wraps every failure in a PSQLError; the rest is said as it is.
        guard let error = error as? PSQLError else {
            (reason, advice, isTransient) = ("\(error)", "check the URL", false)
            return
        }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            reason = "PostgreSQL \(state): \(error.serverInfo?[.message] ?? "no message")"
            isTransient = ["57P03", "53300", "57P01"].contains(state)
            switch state {
            case "28P01":
                advice = "check the role's password (--database-password-file, [storage] password_file or the credential database-password)"
            case "28000": advice = "allow the role in the server's pg_hba.conf, or check the role's name in the URL"
            case "3D000": advice = "create the database (createdb -O ROLE DATABASE), or fix its name in the URL"
            default: advice = isTransient ? "the server is starting, stopping or full; try again shortly" : "see the server's log"
            }
        case .authMechanismRequiresPassword:
            (reason, isTransient) = ("the server asks for a password, and none was given", false)
            advice = "give the role's password: --database-password-file, [storage] password_file or the credential database-password"
        case .sslUnsupported:
            (reason, isTransient) = ("the server does not offer TLS, and the URL requires it", false)
            advice = "turn on ssl in the server's postgresql.conf, or use sslmode=disable on a trusted network"
        case .unsupportedAuthMechanism, .saslError:
            (reason, isTransient) = ("the server asked for a way of logging in that relhub cannot use (\(error.code))", false)
            advice = "use scram-sha-256, md5, password or trust for the role in the server's pg_hba.conf"
        default:
            // The socket: refused, no such file, unreachable, timed out, or TLS failing.
            let underlying = error.underlying
            let io = underlying as? IOError ?? (underlying as? NIOConnectionError)?.connectionErrors.last?.error as? IOError
            let timedOut = (underlying as? ChannelError).map { if case .connectTimeout = $0 { true } else { false } } ?? false
            let endpoint = location.endpointDescription
            if let io {
                reason = "cannot connect to \(endpoint): \(String(cString: strerror(io.errnoCode)))"
            } else {
                reason = "cannot connect to \(endpoint): \(underlying.map { "\($0)" } ?? "\(error.code)")"
            }
            isTransient = io != nil || timedOut || underlying is NIOConnectionError
            advice =
                isTransient
                ? "check that PostgreSQL is running and listening where the URL says"
                : "check the URL's host and its TLS settings (sslmode, sslrootcert)"
        }
    }

    /// `cannot use the database URL: REASON; ADVICE`.
    package var description: String {
        "cannot use the database \(location): \(reason); \(advice)"
    }
}
