import Foundation
import Testing

@testable import RelDaemon

/// Config/reld.toml documents every key: uncommented, it must load and give the defaults.
@Suite struct ShippedConfigTests {
    @Test func uncommentedExampleLoadsAndMatchesDefaults() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/reld.toml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("# ") && $0.contains(" = ") }
            .map { String($0.dropFirst(2)) }
        #expect(keys.count == 7, "every key appears once, commented out: \(keys)")
        let environment = ["STATE_DIRECTORY": "/var/lib/reld", "RUNTIME_DIRECTORY": "/run/reld", "HOME": "/root"]
        var config = DaemonConfig.defaults(environment: environment)
        let defaults = config
        try ConfigFile.apply(text: keys.joined(separator: "\n"), path: url.path, to: &config)
        #expect(config == defaults, "the values shown are the defaults")
    }
}
