import ArgumentParser
import Foundation
import RelControlAPI

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "reld's control socket (default: $RELD_SOCKET, else your own reld's socket if it runs, else \(DefaultPaths.systemSocket)).",
        valueName: "path"))
    var socket: String?

    @Flag(name: .long, help: "Print machine-readable JSON instead of text.")
    var json = false

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
}
