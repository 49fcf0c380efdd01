import ArgumentParser
import Foundation
import RelControlAPI

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "reld's control socket (default: $RELD_SOCKET, else your own reld's socket if it runs, else \(DefaultPaths.systemSocket)).",
            valueName: "path"))
    var socket: String?

    @Flag(name: .long, help: "Print machine-readable JSON instead of text.")
    var json = false

    @Flag(name: .long, help: "Draw no progress on standard error (drawn only when it is a terminal).")
    var quiet = false

    /// The socket to use.
    var socketPath: String {
        if let socket { return socket }
        let environment = ProcessInfo.processInfo.environment
        if let fromEnvironment = environment["RELD_SOCKET"], !fromEnvironment.isEmpty { return fromEnvironment }
        let own = DefaultPaths(environment: environment).socket
        if FileManager.default.fileExists(atPath: own) { return own }
        return DefaultPaths.systemSocket
    }

    var client: ControlClient { ControlClient(socketPath: socketPath) }

    func validate() throws {
        // Every command parses these options before it does any work, so this is the one place.
        ProgressLine.shared.silence(quiet)
        // An empty path would otherwise be taken as "no socket there", far from the mistake.
        if socket?.isEmpty == true {
            throw ValidationError("--socket \"\": give the path of reld's control socket, or leave the option out")
        }
    }
}
