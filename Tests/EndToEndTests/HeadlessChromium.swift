import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's `chromium`, run headless on a file with every request it makes sent to a
/// ``ProxyTrap``, so that a test sees whether a page asked for anything.
enum HeadlessChromium {
    /// The browser, if installed (`apt-get install chromium`; scripts/install-deps does).
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Whether the browser tests run: when the browser is there, or under CI (where its absence
    /// is a failure, not a reason to skip).
    static var shouldRun: Bool { path != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    /// Hosts Chromium itself calls (component and time updates, sign-in) even with the flags
    /// that turn its background work off; a request to any other host came from the page.
    static let ownHosts: Set = [
        "update.googleapis.com", "accounts.google.com", "clients1.google.com", "clients2.google.com", "redirector.gvt1.com",
        "edgedl.me.gvt1.com",
    ]

    /// Runs the browser on `arguments` (after the flags that keep it quiet and send every
    /// request to `proxyPort`), bounded by `timeout`; the browser is killed by pid on every path.
    static func run(_ arguments: [String], proxyPort: Int, profile: String, timeout: TimeInterval = 90) throws -> Output {
        guard let path else { throw HarnessError("chromium is not installed (apt-get install chromium)") }
        let flags = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync", "--disable-extensions", "--disable-default-apps", "--disable-domain-reliability",
            "--no-pings", "--disable-client-side-phishing-detection", "--disable-component-extensions-with-background-pages",
            "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
            "--hide-scrollbars", "--user-data-dir=\(profile)", "--proxy-server=127.0.0.1:\(proxyPort)",
        ]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = flags + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        defer {
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            kill(pid, SIGKILL)
            throw HarnessError("chromium \(arguments) did not finish within \(timeout)s")
        }
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A TCP listener on loopback that takes the place of an HTTP proxy: it accepts every
/// connection, notes the host its first request line names (`GET http://host/...` or
/// `CONNECT host:443`), and closes it. Nothing is ever fetched.
final class ProxyTrap: @unchecked Sendable {  // state under `lock`
    let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var seen: [String] = []
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed") }
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 64) == 0 else {
            close(fd)
            throw HarnessError("cannot listen on 127.0.0.1: \(String(cString: strerror(errno)))")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// The hosts asked for so far, one entry per connection.
    var hosts: [String] { lock.withLock { seen } }

    /// Stops listening; waits (bounded) for the accepting thread to end.
    func stop() {
        lock.withLock { stopped = true }
        _ = done.wait(timeout: .now() + 5)
        close(fd)
    }

    private func acceptLoop() {
        defer { done.signal() }
        while !lock.withLock({ stopped }) {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let client = accept(fd, nil, nil)
            guard client >= 0 else { continue }
            let host = Self.host(readHead(client))
            close(client)
            lock.withLock { seen.append(host) }
        }
    }

    /// The request's first line, at most 4 KiB, waiting at most 2 s for it.
    private func readHead(_ client: Int32) -> String {
        var tv = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(client, &buffer, buffer.count, 0)
        guard n > 0 else { return "" }
        return String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? ""
    }

    /// `example.org` from `GET http://example.org/x HTTP/1.1` or `CONNECT example.org:443 HTTP/1.1`.
    static func host(_ line: String) -> String {
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { return "(unreadable: \(line.prefix(80)))" }
        var target = Substring(parts[1])
        if let scheme = target.range(of: "://") { target = target[scheme.upperBound...] }
        return String(target.prefix { $0 != "/" && $0 != ":" })
    }
}
