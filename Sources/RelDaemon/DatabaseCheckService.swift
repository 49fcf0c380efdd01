import Foundation
import Logging
import RelStore
import ServiceLifecycle

/// Checks the whole database file once, in the background after start.
///
/// Opening the store only reads its header and schema, so a page damaged deep in a table (a
/// failing disk, a bad copy) would otherwise go unnoticed until a read happens to touch it. A
/// full check before readiness would delay start by about a second per 100,000 records, so it
/// runs beside the service instead, and says loudly what it found.
struct DatabaseCheckService: Service {
    let database: AppDatabase
    let logger: Logger

    func run() async throws {
        let started = ContinuousClock.now
        let problems: [String]
        do {
            problems = try await cancelWhenGracefulShutdown { try await database.quickCheck() }
        } catch is CancellationError {
            return
        } catch StoreError.damaged(_, let reason) {
            // SQLite may stop the check at the first broken page instead of listing it.
            problems = [reason]
        } catch {
            if Task.isCancelled { return }
            logger.error("database check could not run: \(error)")
            return
        }
        let seconds = (ContinuousClock.now - started) / .milliseconds(1) / 1000
        if problems.isEmpty {
            logger.info("database check ok", metadata: ["seconds": "\(String(format: "%.2f", seconds))"])
        } else {
            logger.critical(
                "database \(database.path) is damaged: \(problems.prefix(5).joined(separator: "; ")); reld goes on serving what it can read, but export what you need now (relctl export) and restore the file from a backup",
                metadata: ["problems": "\(problems.count)"])
        }
    }
}
