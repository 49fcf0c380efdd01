import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Who is at the other end of a control-socket connection, as the kernel says (SO_PEERCRED and
/// SO_PEERGROUPS), not as the client claims.
struct PeerCredentials: Sendable, Equatable {
    /// The peer's process id when it connected.
    var pid: Int32
    /// The peer's effective user id.
    var uid: UInt32
    /// The peer's effective group id.
    var gid: UInt32
    /// The peer's supplementary groups, ascending. Under `PrivateUsers=yes` unmapped ids read as
    /// 65534, but reld's own group is mapped, so membership of it still shows.
    var groups: [UInt32]

    /// Reads the credentials of the process connected on `channel`.
    static func of(_ channel: any Channel) async throws -> PeerCredentials {
        guard let provider = channel as? any SocketOptionProvider else { throw PeerCredentialsError.unsupported }
        let level = NIOBSDSocket.OptionLevel(rawValue: SOL_SOCKET)
        let cred: KernelCred = try await provider.unsafeGetSocketOption(
            level: level, name: NIOBSDSocket.Option(rawValue: SO_PEERCRED)
        ).get()
        let list: GroupList = try await provider.unsafeGetSocketOption(
            level: level, name: NIOBSDSocket.Option(rawValue: peerGroupsOption)
        ).get()
        return PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid, groups: list.groups)
    }
}

/// Why the peer's credentials could not be read.
enum PeerCredentialsError: Error {
    case unsupported
}

/// `SO_PEERGROUPS` (Linux 4.13); Glibc's module does not export it.
private let peerGroupsOption: Int32 = 59

/// `struct ucred` from <sys/socket.h>, which Glibc's module leaves out (it needs _GNU_SOURCE).
private struct KernelCred: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// Room for 64 supplementary groups. NIO zero-fills the buffer and does not return the length
/// the kernel wrote, so trailing zeros are padding: gid 0 is therefore never read as a
/// supplementary group (root's group still counts as the primary `gid`). A peer with more than
/// 64 groups fails with ERANGE and is refused with a message.
private struct GroupList: Sendable {
    var storage:
        (
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
        ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    var groups: [UInt32] {
        withUnsafeBytes(of: storage) { Array($0.bindMemory(to: UInt32.self)) }.filter { $0 != 0 }
    }
}
