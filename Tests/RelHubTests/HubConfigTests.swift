import Foundation
import Hummingbird
import RelStorePostgres
import Testing

@testable import RelHub

@Suite struct HubConfigTests {
    @Test func shippedConfigUncommentedLoadsAndMatchesDefaults() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/relhub.toml")
        let text = try String(contentsOf: url, encoding: .utf8)
        // Every key, and the table header before the keys of [storage], commented out.
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("# ") && ($0.contains(" = ") || $0 == "# [storage]") }
            .map { String($0.dropFirst(2)) }
        #expect(
            Set(keys.compactMap { $0.split(separator: " ").first.map(String.init) }.filter { !$0.hasPrefix("[") })
                == Set(HubConfigFile.keys + HubConfigFile.storageKeys),
            "every key appears, commented out")
        #expect(
            keys.last(where: { $0.hasPrefix("[") }) == "[storage]" && keys.firstIndex(of: "[storage]") == keys.count - 4,
            "[storage] comes last, with its three keys")
        var config = HubConfig.defaults(environment: ["HOME": "/root", "STATE_DIRECTORY": "/var/lib/relhub"])
        var expected = config
        try HubConfigFile.apply(text: keys.joined(separator: "\n"), path: url.path, to: &config)
        expected.tokenFile = config.tokenFile  // an example path: there is no default
        // So is the database: without one, the feed stays in SQLite.
        expected.database = try PostgresLocation(url: "postgres://relhub@db.example.org/relhub?sslmode=verify-full")
        expected.databasePasswordFile = "/etc/relhub/database-password"
        // Example URLs: they have no default either.
        expected.jsonFeedInfo.homePageURL = config.jsonFeedInfo.homePageURL
        expected.jsonFeedInfo.feedURL = config.jsonFeedInfo.feedURL
        #expect(config.jsonFeedInfo.feedURL != nil)
        #expect(config.tokenFile != nil)
        #expect(config == expected, "the values shown are the defaults")
    }

    @Test func badValuesNameFileLineAndKey() {
        var config = HubConfig(stateDirectory: "/tmp/x")
        #expect(
            throws: HubConfigError(
                "/etc/relhub/relhub.toml:2: key \"listen\": listen \"8470\": must be HOST:PORT, such as 127.0.0.1:8470 or [::1]:8470 (port 0 picks a free one)"
            )
        ) {
            try HubConfigFile.apply(text: "log_level = \"info\"\nlisten = \"8470\"\n", path: "/etc/relhub/relhub.toml", to: &config)
        }
        #expect(throws: HubConfigError.self) { try HubConfigFile.apply(text: "tokens = \"x\"", path: "f", to: &config) }
        #expect(throws: HubConfigError.self) { try HubConfigFile.apply(text: "max_page_size = 0", path: "f", to: &config) }
        #expect(throws: HubConfigError.self) { try HubConfigFile.apply(text: "token_file = \"relative\"", path: "f", to: &config) }
    }

    @Test func syntaxErrorsNameTheKeyAndTheFix() {
        var config = HubConfig(stateDirectory: "/tmp/x")
        #expect(
            throws: HubConfigError("f:2: key \"max_page_size\": 0100 is not a TOML number (no leading zeros); write max_page_size = 100")
        ) {
            try HubConfigFile.apply(text: "# relhub\nmax_page_size = 0100\n", path: "f", to: &config)
        }
    }

    @Test func listenTakesIPv4IPv6AndAFreePort() throws {
        var config = HubConfig(stateDirectory: "/tmp/x")
        try config.setListen("[::1]:9000")
        #expect(config.host == "::1" && config.port == 9000)
        try config.setListen("0.0.0.0:0")
        #expect(config.host == "0.0.0.0" && config.port == 0)
        #expect(throws: HubConfigError.self) { try config.setListen("host:70000") }
        #expect(throws: HubConfigError.self) { try config.setListen(":80") }
    }

    @Test func tokensCompareInFull() {
        #expect(BearerAuth<BasicRequestContext>.equal(Array("abc".utf8), Array("abc".utf8)))
        #expect(!BearerAuth<BasicRequestContext>.equal(Array("abc".utf8), Array("abd".utf8)))
        #expect(!BearerAuth<BasicRequestContext>.equal(Array("abc".utf8), Array("abcd".utf8)))
    }
}
