import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Why relhub cannot listen where it was told to, said with the address and the fix, in place
/// of NIO's `bind(descriptor:ptr:bytes:) failed (errno: 98)`.
struct ListenError: Error, Sendable, CustomStringConvertible {
    /// The message.
    var description: String

    /// The error for a failure to bind `host:port`, or `nil` when `error` is not about binding.
    init?(_ error: any Error, host: String, port: Int) {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let fix = "choose another with --listen HOST:PORT or listen in relhub.toml"
        switch error {
        case let e as IOError where "\(e)".contains("bind"):
            let reason =
                switch e.errnoCode {
                case EADDRINUSE: "address already in use; stop the other server there, or \(fix)"
                case EACCES, EPERM: "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE); \(fix)"
                case EADDRNOTAVAIL: "this machine has no such address; \(fix)"
                default: "\(String(cString: strerror(e.errnoCode)).lowercased()); \(fix)"
                }
            description = "cannot listen on \(address): \(reason)"
        case is SocketAddressError:
            description = "cannot listen on \(address): the host name cannot be resolved; \(fix)"
        default:
            return nil
        }
    }
}
