import Foundation
import RelControlAPI
import RelDaemon
import Testing

// Protects where reld looks by default: systemd's directories first, then root or XDG paths.
// Tests run as root in CI, so expectations branch on geteuid().
@Suite struct DefaultPathsTests {
    let isRoot = geteuid() == 0

    @Test func systemdDirectoriesWin() {
        let p = DefaultPaths(environment: [
            "STATE_DIRECTORY": "/var/lib/reld-test", "RUNTIME_DIRECTORY": "/run/reld-test",
            "CONFIGURATION_DIRECTORY": "/etc/reld-test", "HOME": "/home/u", "XDG_STATE_HOME": "/home/u/st",
        ])
        #expect(p.stateDirectory == "/var/lib/reld-test")
        #expect(p.socket == "/run/reld-test/reld.sock")
        #expect(p.configFile == "/etc/reld-test/reld.toml")
        #expect(p.isSystem)
    }

    @Test func firstOfSeveralSystemdDirectories() {
        let p = DefaultPaths(environment: ["STATE_DIRECTORY": "/var/lib/a:/var/lib/b", "RUNTIME_DIRECTORY": "/run/a:/run/b"])
        #expect(p.stateDirectory == "/var/lib/a")
        #expect(p.socket == "/run/a/reld.sock")
    }

    @Test func withoutSystemd() {
        let p = DefaultPaths(environment: ["HOME": "/home/u"])
        if isRoot {
            #expect(p.stateDirectory == "/var/lib/reld")
            #expect(p.socket == "/run/reld/reld.sock")
            #expect(p.configFile == "/etc/reld/reld.toml")
            #expect(p.isSystem)
        } else {
            #expect(p.stateDirectory == "/home/u/.local/state/reld")
            #expect(p.socket == "/tmp/reld-\(geteuid())/reld.sock")
            #expect(p.configFile == "/home/u/.config/reld/reld.toml")
            #expect(!p.isSystem)
        }
    }

    @Test func xdgDirectories() {
        let p = DefaultPaths(environment: [
            "HOME": "/home/u", "XDG_STATE_HOME": "/x/state", "XDG_RUNTIME_DIR": "/run/user/1000", "XDG_CONFIG_HOME": "/x/config",
        ])
        if isRoot {  // root ignores XDG
            #expect(p.stateDirectory == "/var/lib/reld")
            #expect(p.socket == "/run/reld/reld.sock")
            #expect(p.configFile == "/etc/reld/reld.toml")
        } else {
            #expect(p.stateDirectory == "/x/state/reld")
            #expect(p.socket == "/run/user/1000/reld/reld.sock")
            #expect(p.configFile == "/x/config/reld/reld.toml")
        }
    }

    @Test func emptyVariablesAreIgnored() {
        let p = DefaultPaths(environment: ["HOME": "/home/u", "RUNTIME_DIRECTORY": "", "CONFIGURATION_DIRECTORY": "", "XDG_STATE_HOME": ""])
        #expect(p.socket == (isRoot ? "/run/reld/reld.sock" : "/tmp/reld-\(geteuid())/reld.sock"))
        #expect(p.configFile == (isRoot ? "/etc/reld/reld.toml" : "/home/u/.config/reld/reld.toml"))
        #expect(p.stateDirectory == (isRoot ? "/var/lib/reld" : "/home/u/.local/state/reld"))
    }

    @Test func daemonDefaults() {
        let system = DaemonConfig.defaults(environment: ["STATE_DIRECTORY": "/var/lib/r", "RUNTIME_DIRECTORY": "/run/r"])
        #expect(system.stateDirectory == "/var/lib/r")
        #expect(system.socketPath == "/run/r/reld.sock")
        #expect(system.socketGroup == "reld")
        #expect(system.socketMode == 0o660)
        #expect(system.logLevel == .info)
        #expect(system.maxRequestBytes == 1 << 20)
        #expect(system.maxImportBytes == 4 << 30)

        let user = DaemonConfig.defaults(environment: ["HOME": "/home/u"])
        #expect(user.socketGroup == (isRoot ? "reld" : nil))
        #expect(user.stateDirectory == (isRoot ? "/var/lib/reld" : "/home/u/.local/state/reld"))
    }
}
