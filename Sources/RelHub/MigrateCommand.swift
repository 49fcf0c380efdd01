import ArgumentParser
import Foundation
import Logging
import RelService
import RelStore
import RelStorePostgres

/// `relhub migrate`: moves the feed of a SQLite relhub into PostgreSQL.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move a SQLite relhub's feed into PostgreSQL, keeping its id and numbers.",
        discussion: """
            Stop the relhub that uses --from first. The whole feed is copied in one transaction \
            (interrupted, it leaves the database as it was; run it again), checked table by table, \
            then read back from both stores as replicas read it and compared byte for byte. Only \
            then is the SQLite store marked as moved: a relhub started on it refuses to run, and \
            it stays as a backup of the feed at the time of the move. Replicas keep their cursors. \
            Then start relhub with --database URL. Running it again after a move says so and \
            changes nothing.

            Exit status: 0 when the feed was moved (or had been); 1 when it was not (relhub still \
            running on --from, the database unreachable or holding another feed, relhubs \
            connected to it), or when the copy committed but could not be checked (run it again); \
            64 for a bad command line.
            """
    )

    @Option(name: .customLong("from"), help: ArgumentHelp("The SQLite relhub's state directory.", valueName: "dir"))
    var from: String

    @Option(name: .customLong("to"), help: ArgumentHelp("The database: postgres://USER@HOST/DATABASE.", valueName: "url"))
    var to: String

    @OptionGroup var shared: HubSharedOptions

    /// relhub's own options: ArgumentParser hands an option both commands take to the parent.
    @ParentCommand var hub: RelhubCommand

    init() {}

    func validate() throws {
        try DaemonCommand.checkValues(
            ["--from": from, "--to": to], files: ["--from"])
        do { _ = try PostgresLocation(url: to) } catch { throw ValidationError("--to: \(error.description)") }
        for (option, value) in hub.servingOptions where value != nil {
            throw ValidationError("\(option) is an option of relhub itself, not of relhub migrate")
        }
    }

    func run() async throws {
        let location = try PostgresLocation(url: to)
        // As relhub itself: the option, else its default, the systemd credential
        // (`systemd-run -p LoadCredential=database-password:…`).
        let option = (shared.databasePasswordFile ?? hub.databasePasswordFile).map(DaemonCommand.absolute)
        let password: String?
        do {
            password = try (option ?? HubConfig.defaults(environment: ProcessInfo.processInfo.environment).databasePasswordFile)
                .map { try SecretFile.readPassword($0) }
        } catch {
            // 64 for the option's file; a credential that cannot be read is not the command line's fault.
            FileHandle.standardError.write(Data("relhub migrate: error: \(error)\n".utf8))
            throw ExitCode(option != nil ? DaemonCommand.usageStatus : 1)
        }
        // notice: "waiting for the database" is worth seeing while nothing else is said.
        let level = try (shared.logLevel ?? hub.logLevel).map { try DaemonCommand.logLevel($0) } ?? .notice
        let from = DaemonCommand.absolute(self.from)
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level, journal: false) }
        let say: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("relhub migrate: \($0)\n".utf8)) }
        let outcome: HubMigration.Outcome
        do {
            outcome = try await HubMigration(
                stateDirectory: from, location: location, password: password, logger: Logger(label: "relhub"), say: say
            ).run()
        } catch {
            FileHandle.standardError.write(Data("relhub migrate: error: \(Self.describe(error, from: from))\n".utf8))
            throw ExitCode(1)
        }
        switch outcome {
        case .moved(let feedID, let changes, let head):
            print("moved feed \(feedID) (\(changes) changes, head \(head)) from \(from) to \(location)")
        case .alreadyMoved(let feedID, let head):
            print("feed \(feedID) was moved to \(location) already (head \(head) there); nothing to do")
        }
        print("start relhub with --database \(location) (or [storage] url); a relhub on \(from) now refuses to start")
    }

    /// The error in words for the person moving the feed.
    static func describe(_ error: any Error, from: String) -> String {
        switch error {
        case StoreError.locked(_, let pid):
            "a relhub is running on \(from)\(pid.map { " (pid \($0))" } ?? ""); stop it first (systemctl stop relhub)"
        case let error as StoreError: error.hubMessage
        default: "\(error)"
        }
    }
}
