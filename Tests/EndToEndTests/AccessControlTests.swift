import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The control socket's two gates, tried by real local users created for the test: the socket
/// file's mode and group, and reld's own check of the peer's credentials (SO_PEERCRED).
@Suite("Access control", .serialized)
struct AccessControlTests {
    @Test func onlyRootOwnerAndControlGroupMayReadOrWrite() throws {
        // Creating users and running relctl as them needs root (CI runs as root).
        guard geteuid() == 0 else { return }
        let users = try LocalUsers()
        defer { users.remove() }

        let dir = try TempDir()
        defer { dir.remove() }
        // Other users must reach the socket and a relctl they can run: not under the test's 0700
        // directory or a build folder in root's home.
        chmod(dir.path, 0o755)
        let relctlCopy = dir.file("relctl")
        try FileManager.default.copyItem(atPath: Binaries.relctl, toPath: relctlCopy)
        chmod(relctlCopy, 0o755)
        let config = dir.file("reld.toml")
        try "socket_group = \"\(users.group)\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let reld = try Daemon(dir: dir, extraArguments: ["--config", config])
        defer { _ = try? reld.stop(SIGKILL) }

        func relctl(as user: String, _ arguments: String...) throws -> Output { try relctl(as: user, arguments) }
        func relctl(as user: String, _ arguments: [String]) throws -> Output {
            try run(
                "/usr/bin/setpriv",
                [
                    "--reuid=\(user)", "--regid=\(user)", "--init-groups", relctlCopy,
                    "--socket", reld.socket,
                ] + arguments)
        }
        let add = ["add-event", "--title", "Added by a member", "--category", "diplomatic"]

        // A member of the control group may do everything.
        let added = try relctl(as: users.member, add)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try relctl(as: users.member, "list", "--json").stdout.contains("Added by a member"))

        // Anyone else cannot even connect through the 0660 socket.
        let denied = try relctl(as: users.other, "status")
        #expect(denied.status == 3, "\(denied.stdout)\(denied.stderr)")
        #expect(denied.stderr.contains("permission denied"), "\(denied.stderr)")

        // With the socket loosened by hand, reld's own check still stops them: status only.
        chmod(reld.socket, 0o666)
        let status = try relctl(as: users.other, "status", "--json")
        #expect(status.status == 0, "\(status.stderr)")
        for arguments in [["list"], ["export"], add, ["delete", "whatever"], ["sync"]] {
            let refused = try relctl(as: users.other, arguments)
            #expect(refused.status == 3, "\(arguments): \(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("user \(users.other) (uid \(users.otherUID)) may only read status"), "\(refused.stderr)")
            #expect(refused.stderr.contains("usermod -aG \(users.group) \(users.other)"), "\(refused.stderr)")
        }
        #expect(reld.log.contains("request refused"), "refusals are logged")
        #expect(reld.log.contains("uid=\(users.otherUID)"), "\(reld.log)")

        // Nothing the refused user tried was written; root still has full access.
        let list = try reld.relctl("list", "--json")
        #expect(list.status == 0)
        #expect(list.stdout.contains("\"total\":1") || list.stdout.contains("\"total\" : 1"), "\(list.stdout)")
    }
}

/// A control group with one member and one user outside it, removed by `remove()`. Names carry
/// the test's pid so parallel runs do not collide.
private struct LocalUsers {
    let group: String
    let member: String
    let other: String
    private(set) var otherUID = ""

    init() throws {
        let suffix = String(getpid())
        group = "rtg\(suffix)"
        member = "rtm\(suffix)"
        other = "rto\(suffix)"
        let add = "/usr/sbin/useradd"
        for (program, arguments) in [
            ("/usr/sbin/groupadd", ["--system", group]),
            (add, ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group", "-G", group, member]),
            (add, ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group", other]),
        ] {
            let out = try run(program, arguments)
            guard out.status == 0 else {
                remove()
                throw HarnessError("\(program) \(arguments): \(out.stderr)")
            }
        }
        otherUID = try run("/usr/bin/id", ["-u", other]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func remove() {
        for user in [member, other] { _ = try? run("/usr/sbin/userdel", [user]) }
        _ = try? run("/usr/sbin/groupdel", [group])
    }
}
