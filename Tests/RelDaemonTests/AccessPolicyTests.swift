import Testing

@testable import RelDaemon

// Protects who may use the control socket once connected: the second gate after its file mode.
@Suite struct AccessPolicyTests {
    let policy = AccessPolicy(ownerUID: 990, controlGID: 990, controlGroupName: "reld")

    func peer(uid: UInt32, gid: UInt32, groups: [UInt32] = []) -> PeerCredentials {
        PeerCredentials(pid: 1234, uid: uid, gid: gid, groups: groups)
    }

    @Test func rootOwnerAndGroupMembersMayDoEverything() {
        #expect(policy.allows(peer(uid: 0, gid: 0), .post, "/v1/records"))
        #expect(policy.allows(peer(uid: 990, gid: 990), .delete, "/v1/records/x"))
        #expect(policy.allows(peer(uid: 1000, gid: 990), .get, "/v1/export"), "primary group")
        #expect(policy.allows(peer(uid: 1000, gid: 1000, groups: [27, 990]), .patch, "/v1/records/x"), "supplementary group")
    }

    @Test func othersMayOnlyReadStatus() {
        // 65534 is how PrivateUsers=yes shows every unmapped user and group.
        for other in [peer(uid: 1000, gid: 1000, groups: [27, 100]), peer(uid: 65534, gid: 65534)] {
            #expect(policy.allows(other, .get, "/v1/status"))
            #expect(!policy.allows(other, .post, "/v1/status"))
            for (method, path) in [
                ("GET", "/v1/records"), ("GET", "/v1/export"), ("POST", "/v1/records"),
                ("POST", "/v1/sync"), ("GET", "/v1/snapshot"), ("DELETE", "/v1/records/x"),
            ] {
                #expect(!policy.allows(other, .init(method)!, path), "\(method) \(path)")
            }
        }
    }

    @Test func theRefusalSaysWhoAndHowToGetAccess() {
        let text = policy.refusal(for: peer(uid: 0x7fff_fff0, gid: 1))
        #expect(
            text
                == "uid 2147483632 may only read status and metrics: reading or changing records needs root or membership of group reld; an admin can add that user to group reld (usermod -aG reld USER), then log in again"
        )
        #expect(
            policy.refusal(for: peer(uid: 65534, gid: 65534)).hasPrefix(
                "this user (which reld sees as uid 65534, nobody) may only read status"))
        #expect(policy.refusal(for: peer(uid: 0, gid: 0)).hasPrefix("user root (uid 0) may only read status"))
    }
}
