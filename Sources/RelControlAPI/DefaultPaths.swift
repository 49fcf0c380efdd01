import Foundation

/// Where reld and relctl look for things when nothing says otherwise.
public struct DefaultPaths: Sendable {
    /// The state directory.
    public var stateDirectory: String
    /// The control socket.
    public var socket: String
    /// The config file read when `--config` is not given (it may not exist).
    public var configFile: String
    /// Whether these are the system-wide paths (root, or a systemd unit).
    public var isSystem: Bool

    /// The system socket, used by relctl when the user has no reld of their own.
    public static let systemSocket = "/run/reld/reld.sock"

    /// Works the paths out from the environment: systemd's `STATE_DIRECTORY`, `RUNTIME_DIRECTORY`
    /// and `CONFIGURATION_DIRECTORY` first; then `/var/lib/reld`, `/run/reld` and `/etc/reld` for
    /// root; otherwise the XDG base directories.
    public init(environment env: [String: String]) {
        let root = geteuid() == 0
        let home = env["HOME"] ?? NSHomeDirectory()
        func first(_ value: String?) -> String? {
            value?.split(separator: ":").first.map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        }
        let runtimeBase =
            root
            ? "/run/reld"
            : (first(env["XDG_RUNTIME_DIR"]).map { $0 + "/reld" } ?? "/tmp/reld-\(geteuid())")
        stateDirectory =
            first(env["STATE_DIRECTORY"])
            ?? (root ? "/var/lib/reld" : (first(env["XDG_STATE_HOME"]) ?? home + "/.local/state") + "/reld")
        socket = (first(env["RUNTIME_DIRECTORY"]) ?? runtimeBase) + "/reld.sock"
        configFile =
            (first(env["CONFIGURATION_DIRECTORY"])
                ?? (root ? "/etc/reld" : (first(env["XDG_CONFIG_HOME"]) ?? home + "/.config") + "/reld")) + "/reld.toml"
        isSystem = root || first(env["STATE_DIRECTORY"]) != nil
    }
}
