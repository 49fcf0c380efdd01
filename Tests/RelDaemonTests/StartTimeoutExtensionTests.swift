import Foundation
import RelService
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What systemd receives while a store is upgraded at start: more time, again and again, and
/// nothing once the upgrade is over.
@Suite struct StartTimeoutExtensionTests {
    /// A datagram socket standing in for systemd's notify socket.
    final class NotifySocket {
        let path: String
        let fd: Int32

        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))").path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            try #require(bound == 0)
        }

        deinit {
            close(fd)
            unlink(path)
        }

        /// The next message, or `nil` if none comes within `seconds`.
        func next(within seconds: Int) -> String? {
            var timeout = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 512)
            let n = recv(fd, &buffer, buffer.count, 0)
            return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : nil
        }
    }

    @Test func anUpgradeAsksForMoreTimeUntilItIsOver() throws {
        let systemd = try NotifySocket()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": systemd.path])
        let upgrade = StartTimeoutExtension(notifier: notifier, interval: .seconds(1), margin: .seconds(2))
        upgrade.begin(status: "Upgrading the store")
        #expect(systemd.next(within: 5) == "EXTEND_TIMEOUT_USEC=3000000\nSTATUS=Upgrading the store")
        #expect(systemd.next(within: 5) == "EXTEND_TIMEOUT_USEC=3000000")
        upgrade.stop()
        // At most one extension was already on its way when it stopped.
        _ = systemd.next(within: 1)
        #expect(systemd.next(within: 2) == nil)
        // Begun once: a second upgrade callback starts nothing new.
        upgrade.begin(status: "again")
        #expect(systemd.next(within: 2) == nil)
    }
}
