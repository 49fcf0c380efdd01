import ArgumentParser

/// The options relhub and `relhub migrate` both take. (ArgumentParser gives an option both a
/// command and its subcommand declare to the parent, so `relhub migrate` reads either.)
struct HubSharedOptions: ParsableArguments {
    @Option(
        name: .customLong("database-password-file"),
        help: ArgumentHelp("File whose first line is the database role's password.", valueName: "file"))
    var databasePasswordFile: String?

    @Option(
        name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String?

    init() {}
}
