import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to a server on loopback, for tests of raw HTTP traffic;
/// `receiveBuffer` sets a small receive window (set before connecting, so the window is small
/// from the start) for tests of a client that reads slowly.
func connectTCP(port: Int, receiveBuffer: Int32? = nil) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HarnessError("socket() failed") }
    if var size = receiveBuffer {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard result == 0 else {
        close(fd)
        throw HarnessError("connect(127.0.0.1:\(port)) failed: \(String(cString: strerror(errno)))")
    }
    return fd
}

/// Sends `text` on `fd` and reads until the peer closes or `timeout` seconds pass.
func exchange(_ fd: Int32, _ text: String, timeout: Int = 5) -> String {
    exchange(fd, Array(text.utf8), timeout: timeout)
}

/// One request on a fresh TCP connection (`Connection: close`), returning the whole answer.
func tcpRequest(port: Int, _ request: String, timeout: Int = 5) throws -> String {
    let fd = try connectTCP(port: port)
    defer { close(fd) }
    return exchange(fd, request, timeout: timeout)
}

/// Whether the server closed `fd` within `timeout` seconds (read returns end of file or a reset),
/// discarding whatever it sent first.
func closedByPeer(_ fd: Int32, within timeout: TimeInterval) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    var buffer = [UInt8](repeating: 0, count: 4096)
    while Date() < deadline {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let left = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
        guard poll(&poller, 1, left) > 0 else { continue }
        let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) { return true }
    }
    return false
}

/// CPU time (user + system) `pid` has used so far, in clock ticks, from /proc/PID/stat.
func cpuTicks(_ pid: Int32) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = text.lastIndex(of: ")")
    else { return 0 }
    // Fields after the command name: state is field 3, utime 14, stime 15.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return 0 }
    return user + system
}
