import Foundation
import RelDaemon
import RelModel
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// Protects reld.toml reading: every key, its types, and errors that give the file, line and key.
@Suite struct ConfigFileTests {
    let path = "/etc/reld/reld.toml"

    func base() -> DaemonConfig {
        DaemonConfig(stateDirectory: "/var/lib/reld", socketPath: "/run/reld/reld.sock", socketGroup: "reld")
    }

    func applied(_ text: String) throws(ConfigError) -> DaemonConfig {
        var config = base()
        try ConfigFile.apply(text: text, path: path, to: &config)
        return config
    }

    func error(_ text: String) -> ConfigError? {
        do {
            _ = try applied(text)
            return nil
        } catch {
            return error
        }
    }

    /// A group that exists on this machine: this process's own.
    static let existingGroup = String(cString: getgrgid(getgid())!.pointee.gr_name)

    @Test func everyKeyIsAccepted() throws {
        let config = try applied(
            """
            # reld configuration
            state_dir = "/srv/reld/state"
            socket = "/srv/reld/reld.sock"
            socket_group = "\(Self.existingGroup)"

            socket_mode = "0600"
            log_level = "debug"   # while testing
            max_request_bytes = 2048
            max_import_bytes = 4294967296
            """)
        #expect(config.stateDirectory == "/srv/reld/state")
        #expect(config.socketPath == "/srv/reld/reld.sock")
        #expect(config.socketGroup == Self.existingGroup)
        #expect(config.socketMode == 0o600)
        #expect(config.logLevel == .debug)
        #expect(config.maxRequestBytes == 2048)
        #expect(config.maxImportBytes == 4 << 30)
    }

    @Test func emptyFileKeepsTheDefaults() throws {
        #expect(try applied("") == base())
        #expect(try applied("# only a comment\n\n") == base())
    }

    @Test func aNodeNameIsCheckedAndAnEmptyOnePublishesNone() throws {
        var named = base()
        named.nodeName = "someone@somewhere"
        #expect(try ConfigFileTests.apply("[node]\nname = \" Bó Ségou \"", to: named).nodeName == "Bó Ségou")
        #expect(try ConfigFileTests.apply("[node]\nname = \"\"", to: named).nodeName == nil)
        #expect(error("[node]\nname = \"ana\u{202E}x\"")?.reason == NodeName.rule + ", or \"\" for none")
        #expect(error("[node]\nname = 7")?.reason.hasPrefix("must be a name in quotes") == true)
    }

    static func apply(_ text: String, to config: DaemonConfig) throws(ConfigError) -> DaemonConfig {
        var config = config
        try ConfigFile.apply(text: text, path: "/etc/reld/reld.toml", to: &config)
        return config
    }

    @Test func emptySocketGroupMeansOwnGroup() throws {
        #expect(try applied(#"socket_group = """#).socketGroup == nil)
    }

    @Test("socket modes", arguments: [("0660", UInt16(0o660)), ("0600", 0o600), ("640", 0o640), ("0", 0), ("0770", 0o770)])
    func socketModes(text: String, mode: UInt16) throws {
        #expect(try applied("socket_mode = \"\(text)\"").socketMode == mode)
    }

    @Test("log levels", arguments: ["trace", "debug", "info", "notice", "warning", "error", "critical"])
    func logLevels(level: String) throws {
        #expect(try applied("log_level = \"\(level)\"").logLevel.rawValue == level)
    }

    @Test func byteLimitsAtTheirBounds() throws {
        #expect(try applied("max_request_bytes = 1024").maxRequestBytes == 1024)
        #expect(try applied("max_import_bytes = 4294967296").maxImportBytes == 4_294_967_296)
    }

    @Test func unknownKeyNamesItsLine() throws {
        let e = try #require(
            error(
                """
                state_dir = "/srv/reld"

                socket_path = "/run/reld.sock"
                """))
        #expect(e.file == path)
        #expect(e.line == 3)
        #expect(e.key == "socket_path")
        #expect(
            e.reason
                == "unknown key; known keys are: state_dir, socket, socket_group, socket_mode, log_level, max_request_bytes, max_import_bytes, idle_timeout, max_connections, and the tables [node], [sync]"
        )
        #expect(
            e.description
                == #"/etc/reld/reld.toml:3: key "socket_path": unknown key; known keys are: state_dir, socket, socket_group, socket_mode, log_level, max_request_bytes, max_import_bytes, idle_timeout, max_connections, and the tables [node], [sync]"#
        )
    }

    @Test func aMissingSocketGroupIsRefusedWithTheFix() throws {
        let e = try #require(error("socket_group = \"no-such-group-reld\"\n"))
        #expect(e.key == "socket_group")
        #expect(e.line == 1)
        #expect(e.reason.hasPrefix(#"group "no-such-group-reld" does not exist; create it (groupadd no-such-group-reld"#))
    }

    @Test(
        "a TOML syntax error names the key and, for an unquoted mode, the fix",
        arguments: [
            (
                "socket_mode = 0660", "socket_mode",
                #"0660 is not a TOML number (no leading zeros); write it in quotes: socket_mode = "0660""#
            ),
            (
                "socket_mode = 0660   # rw for the group", "socket_mode",
                #"0660 is not a TOML number (no leading zeros); write it in quotes: socket_mode = "0660""#
            ),
        ])
    func syntaxErrorNamesTheKey(line: String, key: String, reason: String) throws {
        let e = try #require(error("# reld.toml\n\n\(line)\n"))
        #expect(e.key == key)
        #expect(e.line == 3)
        #expect(e.reason == reason)
        #expect(e.description == "/etc/reld/reld.toml:3: key \"\(key)\": \(reason)")
    }

    @Test func lineOfAKeyThatIsAPrefixOfAnother() throws {
        let e = try #require(error("socket_mode = \"0660\"\n  socket = \"relative.sock\"\n"))
        #expect(e.key == "socket")
        #expect(e.line == 2)
    }

    @Test(
        "bad values are refused with the key and line",
        arguments: [
            ("state_dir = 5", "state_dir", "must be an absolute path in quotes"),
            (#"state_dir = "var/lib/reld""#, "state_dir", "must be an absolute path in quotes"),
            (#"state_dir = "~/reld""#, "state_dir", "must be an absolute path in quotes"),
            (#"socket = "reld.sock""#, "socket", "must be an absolute path in quotes"),
            (#"socket = """#, "socket", "must be an absolute path in quotes"),
            ("socket_group = 100", "socket_group", "must be a string (a group name)"),
            ("socket_mode = 660", "socket_mode", #"must be an octal mode in quotes, such as "0660""#),
            (#"socket_mode = "0999""#, "socket_mode", #"must be an octal mode in quotes, such as "0660""#),
            (#"socket_mode = "1777""#, "socket_mode", #"must be an octal mode in quotes, such as "0660""#),
            (#"socket_mode = "rw-rw----""#, "socket_mode", #"must be an octal mode in quotes, such as "0660""#),
            (#"socket_mode = "0666""#, "socket_mode", "must not let every user write to the socket (drop the last digit's write bit)"),
            (#"socket_mode = "0662""#, "socket_mode", "must not let every user write to the socket (drop the last digit's write bit)"),
            (#"socket_mode = "777""#, "socket_mode", "must not let every user write to the socket (drop the last digit's write bit)"),
            (#"log_level = "verbose""#, "log_level", "must be one of: trace, debug, info, notice, warning, error, critical"),
            (#"log_level = "DEBUG""#, "log_level", "must be one of: trace, debug, info, notice, warning, error, critical"),
            ("log_level = 3", "log_level", "must be one of: trace, debug, info, notice, warning, error, critical"),
            ("max_request_bytes = 1023", "max_request_bytes", "must be a whole number of bytes, 1024 to 4294967296"),
            ("max_request_bytes = -1", "max_request_bytes", "must be a whole number of bytes, 1024 to 4294967296"),
            (#"max_request_bytes = "2048""#, "max_request_bytes", "must be a whole number of bytes, 1024 to 4294967296"),
            ("max_import_bytes = 4294967297", "max_import_bytes", "must be a whole number of bytes, 1024 to 4294967296"),
            ("max_import_bytes = 1.5e6", "max_import_bytes", "must be a whole number of bytes, 1024 to 4294967296"),
            ("max_import_bytes = true", "max_import_bytes", "must be a whole number of bytes, 1024 to 4294967296"),
        ])
    func badValue(line: String, key: String, reason: String) throws {
        let e = try #require(error("# reld.toml\n\n\(line)\n"))
        #expect(e.key == key)
        #expect(e.line == 3)
        #expect(e.reason == reason)
        #expect(e.file == path)
    }

    @Test(
        "a bad value leaves the rest of the file unread, and its error names that key",
        arguments: [
            "log_level = \"loud\"\nsocket = \"/ok.sock\"", "socket = \"/ok.sock\"\nlog_level = \"loud\"",
        ])
    func firstBadValueIsReported(text: String) throws {
        #expect(error(text)?.key == "log_level")
    }

    @Test(
        "syntax errors give the parse line, and the key set on it",
        arguments: [
            ("state_dir = \"/x\"\nlog_level = \n", 2, "log_level"),
            ("# comment\n\nstate_dir = \"/unterminated\n", 3, "state_dir"),
            ("state_dir = \"/a\"\nstate_dir = \"/b\"\n", 2, "state_dir"),
            ("= 5\n", 1, nil),
            ("\nsocket_mode = 0660\n", 2, "socket_mode"),  // TOML forbids leading zeros: the mode must be quoted
            ("log_level = \"info\"\n[reld\n", 2, nil),
        ] as [(String, Int, String?)])
    func syntaxError(text: String, line: Int, key: String?) throws {
        let e = try #require(error(text))
        #expect(e.line == line)
        #expect(e.key == key)
        #expect(e.file == path)
        #expect(!e.reason.isEmpty)
        #expect(e.description.hasPrefix("\(path):\(line): "))
    }

    @Test func tableHeadersAreUnknownKeys() throws {
        let e = try #require(error("log_level = \"info\"\n[reld]\nstate_dir = \"/x\"\n"))
        #expect(e.key == "reld")
        #expect(e.reason.hasPrefix("unknown key"))
        #expect(e.line == 2)
    }

    @Test func windowsLineEndings() throws {
        let config = try applied("log_level = \"debug\"\r\nsocket_mode = \"0600\"\r\n")
        #expect(config.logLevel == .debug)
        #expect(config.socketMode == 0o600)
        let e = try #require(error("log_level = \"debug\"\r\nbogus = 1\r\n"))
        #expect(e.key == "bogus")
        #expect(e.line == 2)
    }

    @Test func readsAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reld-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("reld.toml").path
        try "state_dir = \"/data/reld\"\nlog_level = \"warning\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        var config = base()
        try ConfigFile.apply(path: file, to: &config)
        #expect(config.stateDirectory == "/data/reld")
        #expect(config.logLevel == .warning)

        try "\nmax_request_bytes = 12\n".write(toFile: file, atomically: true, encoding: .utf8)
        let e = #expect(throws: ConfigError.self) { try ConfigFile.apply(path: file, to: &config) }
        #expect(e?.description == "\(file):2: key \"max_request_bytes\": must be a whole number of bytes, 1024 to 4294967296")
    }

    @Test func missingFile() throws {
        var config = base()
        let missing = "/nonexistent-\(UUID().uuidString)/reld.toml"
        let e = #expect(throws: ConfigError.self) { try ConfigFile.apply(path: missing, to: &config) }
        #expect(e?.file == missing)
        #expect(e?.line == nil && e?.key == nil)
        #expect(e?.reason.hasPrefix("cannot read it: ") == true)
        #expect(config == base())
    }
}
