import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// How long a connection may stay quiet and how many may be open at once: what keeps idle or
/// slow connections from using up the process's file descriptors.
public struct ServerLimits: Sendable, Equatable {
    /// Seconds a connection may take to send a complete request header, or stay idle between
    /// requests, before it is closed.
    public var idleTimeoutSeconds: Int
    /// Connections served at once; one more is answered 503 and closed.
    public var maxConnections: Int

    /// Creates limits.
    public init(idleTimeoutSeconds: Int, maxConnections: Int) {
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
    }

    /// Accepted range of `idle_timeout` in a config file.
    public static let idleTimeoutRange = 1...86_400
    /// Accepted range of `max_connections` in a config file.
    public static let maxConnectionsRange = 1...1_000_000

    /// The config-file keys these limits are read from, in reld.toml and relhub.toml alike.
    public static let configKeys: Set<String> = ["idle_timeout", "max_connections"]

    /// Sets the limit that config key `key` names from the file's value (`nil` when it is not a
    /// whole number); returns why the value is refused, or `nil` when it was taken.
    public mutating func set(_ key: String, from value: Int?) -> String? {
        switch key {
        case "idle_timeout":
            guard let value, Self.idleTimeoutRange.contains(value) else { return "must be a whole number of seconds, 1 to 86400" }
            idleTimeoutSeconds = value
        case "max_connections":
            guard let value, Self.maxConnectionsRange.contains(value) else { return "must be a whole number, 1 to 1000000" }
            maxConnections = value
        default:
            return "is not a server limit; known: \(Self.configKeys.sorted().joined(separator: ", "))"
        }
        return nil
    }

    /// The HTTP/1.1 server with these limits, the request framing rules, a JSON answer to
    /// requests the parser cannot read (`errorBody` writes the server's error document for a
    /// message), and `handlers` after them.
    public func server(
        name: String, logger: Logger,
        errorBody: @escaping @Sendable (_ message: String) -> [UInt8],
        additionalChannelHandlers: @escaping @Sendable () -> [any RemovableChannelHandler] = { [] }
    ) -> HTTPServerBuilder {
        let configuration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ParseErrorAnswer(server: name, body: errorBody), RequestFraming(server: name)]
                + additionalChannelHandlers(),
            idleTimeout: TimeAmount.seconds(Int64(idleTimeoutSeconds)))
        let limits = self
        return HTTPServerBuilder { responder in
            LimitedHTTP1Channel(
                inner: HTTP1Channel(responder: responder, configuration: configuration),
                limit: limits.maxConnections, server: name, logger: logger)
        }
    }
}
