import Foundation
import NIOSSL
import PostgresNIO

/// Where relhub's PostgreSQL database is, read from a `postgres://` URL in libpq's form:
/// `postgres://USER@HOST:PORT/DATABASE?sslmode=…`, or a Unix socket directory as the host
/// (`postgres://relhub@/relhub?host=/run/postgresql`, or `%2Frun%2Fpostgresql` in its place).
///
/// The password never comes from the URL (command lines and config files are read by many);
/// it is read from its own file. ``description`` is the URL as it was given, safe to log.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// How to reach the server.
    public enum Endpoint: Sendable, Equatable {
        /// A host name or address and a TCP port.
        case tcp(host: String, port: Int)
        /// A directory holding the server's socket, `.s.PGSQL.PORT`.
        case socket(directory: String, port: Int)
    }

    /// Whether to speak TLS on a TCP connection.
    public enum TLSMode: String, Sendable, Equatable {
        /// Never.
        case disable
        /// When the server offers it (libpq's default); the certificate is then verified.
        case prefer
        /// Always, with the server's certificate verified (`require`, `verify-ca`, `verify-full`).
        case require
    }

    /// The server.
    public var endpoint: Endpoint
    /// The role relhub logs in as.
    public var user: String
    /// The database.
    public var database: String
    /// TLS on TCP.
    public var tls: TLSMode
    /// A PEM file of authorities to trust besides the system's (`sslrootcert`).
    public var rootCertificate: String?
    /// The URL as given: it holds no password, so it may be logged.
    public let description: String

    /// Reads `url`; the error says what is wrong and how to write it.
    public init(url: String) throws(PostgresLocationError) {
        func fail(_ reason: String) -> PostgresLocationError { PostgresLocationError(url: Self.redacted(url), reason: reason) }
        if Self.redacted(url) != url {
            // Not even echoed: the error goes to the terminal and the journal.
            throw PostgresLocationError(
                url: nil, reason: "the database URL holds a password; put it in a file of its own (--database-password-file) instead")
        }
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased() else {
            throw fail("not a URL; write postgres://USER@HOST/DATABASE")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw fail("the scheme must be postgres://, not \(scheme)://")
        }
        if parts.password != nil {
            throw PostgresLocationError(
                url: nil, reason: "the database URL holds a password; put it in a file of its own (--database-password-file) instead")
        }
        guard let user = parts.user, !user.isEmpty else {
            throw fail("name the role relhub logs in as, before an @: postgres://relhub@HOST/DATABASE")
        }
        var query: [String: String] = [:]
        for item in parts.queryItems ?? [] {
            guard Self.parameters.contains(item.name) else {
                throw fail("unknown parameter \(item.name); known: \(Self.parameters.sorted().joined(separator: ", "))")
            }
            guard let value = item.value, !value.isEmpty else { throw fail("parameter \(item.name) has no value") }
            query[item.name] = value
        }
        var host = parts.host.map { $0.hasPrefix("[") && $0.hasSuffix("]") ? String($0.dropFirst().dropLast()) : $0 } ?? ""
        host = host.removingPercentEncoding ?? host
        if let given = query["host"] { host = given }
        var port = parts.port ?? 5432
        if let given = query["port"] {
            guard let number = Int(given) else { throw fail("port \(given) is not a number") }
            port = number
        }
        guard (1...65535).contains(port) else { throw fail("port \(port) is not from 1 to 65535") }
        var database = String(parts.path.drop { $0 == "/" })
        if let given = query["dbname"] { database = given }
        self.user = user
        self.database = database.isEmpty ? user : database
        if host.isEmpty || host.hasPrefix("/") {
            endpoint = .socket(directory: host.isEmpty ? "/var/run/postgresql" : host, port: port)
        } else {
            endpoint = .tcp(host: host, port: port)
        }
        switch query["sslmode"] {
        case nil: tls = .prefer
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer
        case "require", "verify-ca", "verify-full": tls = .require
        case let other?: throw fail("sslmode \(other): use disable, prefer, require, verify-ca or verify-full")
        }
        rootCertificate = query["sslrootcert"]
        if case .socket = endpoint, query["sslmode"] != nil || rootCertificate != nil {
            throw fail("sslmode and sslrootcert are for TCP; a Unix socket is not encrypted")
        }
        description = url
    }

    /// `url` with any password taken out: whatever follows `user:` up to the last `@` (read on
    /// the raw text, since a password with `#`, `/`, `?` or a space makes no valid URL; taking
    /// too much out is safe), and libpq's `password=`.
    static func redacted(_ url: String) -> String {
        var text = url
        if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].lastIndex(of: "@"),
            let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
        {
            text.replaceSubrange(text.index(after: colon)..<at, with: "***")
        }
        return text.replacing(/([?&]password=)[^&]*/, with: { "\($0.output.1)***" })
    }

    /// The query parameters a URL may carry.
    static let parameters: Set<String> = ["host", "port", "dbname", "sslmode", "sslrootcert"]

    /// The path of the server's socket file, for a socket endpoint.
    public var socketPath: String? {
        guard case .socket(let directory, let port) = endpoint else { return nil }
        return directory + "/.s.PGSQL.\(port)"
    }

    /// The client's configuration, logging in with `password` (`nil`: none, as peer or trust
    /// authentication on a socket need).
    public func configuration(password: String?) throws -> PostgresClient.Configuration {
        switch endpoint {
        case .tcp(let host, let port):
            let mode: PostgresClient.Configuration.TLS
            switch tls {
            case .disable: mode = .disable
            case .prefer: mode = .prefer(tlsSettings)
            case .require: mode = .require(tlsSettings)
            }
            return .init(host: host, port: port, username: user, password: password, database: database, tls: mode)
        case .socket:
            return .init(unixSocketPath: socketPath!, username: user, password: password, database: database)
        }
    }

    /// The configuration of one connection of its own (outside a client's pool), for checking
    /// at start-up that the database can be reached and for `relhub migrate`: the same server,
    /// role and TLS as ``configuration(password:)``, in the types a lone connection takes.
    package func connectionConfiguration(password: String?) throws -> PostgresConnection.Configuration {
        switch endpoint {
        case .tcp(let host, let port):
            let mode: PostgresConnection.Configuration.TLS
            switch tls {
            case .disable: mode = .disable
            case .prefer: mode = .prefer(try NIOSSLContext(configuration: tlsSettings))
            case .require: mode = .require(try NIOSSLContext(configuration: tlsSettings))
            }
            return .init(host: host, port: port, username: user, password: password, database: database, tls: mode)
        case .socket:
            return .init(unixSocketPath: socketPath!, username: user, password: password, database: database)
        }
    }

    /// TLS on TCP: certificates are always verified; a team CA is added, never a bypass.
    private var tlsSettings: TLSConfiguration {
        var settings = TLSConfiguration.makeClientConfiguration()
        if let rootCertificate { settings.trustRoots = .file(rootCertificate) }
        return settings
    }

    /// The server as a person names it: `HOST:PORT`, or the socket file's path.
    package var endpointDescription: String {
        switch endpoint {
        case .tcp(let host, let port): "\(host):\(port)"
        case .socket: socketPath ?? ""
        }
    }
}

/// A database URL that cannot be used, and why.
public struct PostgresLocationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL, unless it held a password.
    public var url: String?
    /// What is wrong and how to write it.
    public var reason: String

    /// `database URL "URL": REASON`, or the reason alone when the URL held a password.
    public var description: String {
        url.map { "database URL \"\($0)\": \(reason)" } ?? reason
    }
}
