import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Sends bytes exactly as written to a server on loopback and reads until it closes the
/// connection (or 10 s pass): for framing an HTTP client would not send (a `Transfer-Encoding`
/// it does not know, a header past the parser's limit). Runs on a thread of its own, so that the
/// blocking calls never hold one of Swift's cooperative threads.
enum RawHTTP {
    static func exchange(port: Int, _ request: String) async -> String {
        let bytes = Array(request.utf8)
        return await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: blockingExchange(port: port, bytes)) }.start()
        }
    }

    /// The status code of a raw answer's first line.
    static func status(_ answer: String) -> Int? {
        let parts = answer.prefix { $0 != "\r" }.split(separator: " ")
        return parts.count >= 2 ? Int(parts[1]) : nil
    }

    /// The body of a raw answer (after the blank line).
    static func body(_ answer: String) -> String {
        guard let range = answer.range(of: "\r\n\r\n") else { return "" }
        return String(answer[range.upperBound...])
    }

    private static func blockingExchange(port: Int, _ bytes: [UInt8]) -> String {
        // The live test server listens on "localhost", which may be either family.
        for family in [AF_INET, AF_INET6] {
            let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            guard connectLoopback(fd, family: family, port: port) else { continue }
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                sent += n
            }
            var answer: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 { break }
                answer.append(contentsOf: buffer[0..<n])
            }
            return String(decoding: answer, as: UTF8.self)
        }
        return ""
    }

    private static func connectLoopback(_ fd: Int32, family: Int32, port: Int) -> Bool {
        if family == AF_INET {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
        }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = in_port_t(UInt16(port).bigEndian)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0 }
        }
    }
}
