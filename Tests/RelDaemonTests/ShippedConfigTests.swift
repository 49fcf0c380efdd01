import Foundation
import Testing

@testable import RelDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// Config/reld.toml documents every key: uncommented, it must load and give the defaults.
@Suite struct ShippedConfigTests {
    @Test func uncommentedExampleLoadsAndMatchesDefaults() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/reld.toml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("# ") && ($0.contains(" = ") || $0.hasPrefix("# [")) }
            .map { String($0.dropFirst(2)) }
        let keys = lines.filter { !$0.hasPrefix("[") }
        #expect(keys.count == 16, "every key appears once, commented out: \(keys)")
        #expect(lines.filter { $0.hasPrefix("[") } == ["[node]", "[sync]"])
        let environment = ["STATE_DIRECTORY": "/var/lib/reld", "RUNTIME_DIRECTORY": "/run/reld", "HOME": "/root"]
        var config = DaemonConfig.defaults(environment: environment)
        var expected = config
        // feed, token_file and ca_file have no default: the file shows examples.
        expected.feed = "https://hub.example.org"
        expected.tokenFile = "/etc/reld/feed-token"
        expected.caFile = "/etc/reld/feed-ca.pem"
        // The default name is the user's and the machine's: the file shows an example.
        expected.nodeName = "ana@laptop"
        // reld refuses a socket_group that does not exist; where the reld group is missing (no
        // systemd-sysusers run here), a group that exists stands in for it.
        var shown = lines
        if getgrnam("reld") == nil, let i = shown.firstIndex(of: #"socket_group = "reld""#) {
            let own = String(cString: getgrgid(getgid())!.pointee.gr_name)
            shown[i] = "socket_group = \"\(own)\""
            expected.socketGroup = own
        }
        try ConfigFile.apply(text: shown.joined(separator: "\n"), path: url.path, to: &config)
        #expect(config == expected, "the values shown are the defaults (examples for feed and token_file)")
    }
}
