import HTTPTypes
import RelControlAPI

#if canImport(Glibc)
    import Glibc
#endif

/// Who may do what over the control socket.
///
/// The socket's mode (0660) and directory (0750) are the first gate; this is the second, so that
/// a socket loosened by hand, or reached through a bind mount, still does not let any local user
/// read or change the ledger. Root, reld's own user and members of the control group may do
/// everything; any other user who can connect may read `status` and `metrics` only, which hold
/// counts and paths but no record.
struct AccessPolicy: Sendable {
    /// reld's own effective user id.
    var ownerUID: UInt32
    /// The control group's id: `socket_group`, or reld's own group.
    var controlGID: UInt32
    /// The control group's name, for messages.
    var controlGroupName: String

    /// The policy for this process, with `socketGroup` from the config (nil: reld's own group).
    static func current(socketGroup: String?) -> AccessPolicy {
        if let socketGroup, let entry = getgrnam(socketGroup) {
            return AccessPolicy(ownerUID: geteuid(), controlGID: entry.pointee.gr_gid, controlGroupName: socketGroup)
        }
        let gid = getegid()
        let name = getgrgid(gid).map { String(cString: $0.pointee.gr_name) } ?? String(gid)
        return AccessPolicy(ownerUID: geteuid(), controlGID: gid, controlGroupName: name)
    }

    /// Whether `peer` may use every route.
    func isTrusted(_ peer: PeerCredentials) -> Bool {
        peer.uid == 0 || peer.uid == ownerUID || peer.gid == controlGID || peer.groups.contains(controlGID)
    }

    /// Whether `peer` may call `method` on `path`.
    func allows(_ peer: PeerCredentials, _ method: HTTPRequest.Method, _ path: String) -> Bool {
        isTrusted(peer) || (method == .get && (path == Routes.status || path == Routes.metrics))
    }

    /// What a refused peer is told: who they are, what they may do, and how to get more.
    func refusal(for peer: PeerCredentials) -> String {
        // Under PrivateUsers=yes every user but root and reld's own shows as the overflow uid,
        // so the name reld sees is not the caller's; do not tell them to add "nobody" to a group.
        let name = peer.uid == Self.overflowUID ? nil : getpwuid(peer.uid).map { String(cString: $0.pointee.pw_name) }
        let who =
            name.map { "user \($0) (uid \(peer.uid))" }
            ?? (peer.uid == Self.overflowUID ? "this user (which reld sees as uid \(peer.uid), nobody)" : "uid \(peer.uid)")
        let fix =
            name.map { "an admin can run `usermod -aG \(controlGroupName) \($0)`, then log in again" }
            ?? "an admin can add that user to group \(controlGroupName) (usermod -aG \(controlGroupName) USER), then log in again"
        return
            "\(who) may only read status and metrics: reading or changing records needs root or membership of group \(controlGroupName); \(fix)"
    }

    /// The kernel's overflow uid: how a user namespace shows unmapped users.
    static let overflowUID: UInt32 = 65534
}
