import Foundation
import RelModel
import RelStore

#if canImport(Glibc)
    import Glibc
#endif

/// One generated case: replicas that make random edits offline, a hub, and a random schedule of
/// edits and sync steps with pushes lost, repeated and reordered, pages dropped, repeated and
/// swapped, and clocks set wrong; then a quiet end in which everyone pushes and pulls
/// everything. The case passes if every replica ends with the records, conflicts and histories
/// of a replica that only read the feed, and those agree with ``Oracle`` over the hub's log.
///
/// The hub is an SQLite store; with a ``FeedMirror``, every push goes to the mirror too (it
/// must answer alike), the replicas pull from the mirror, and at the end the mirror's log must
/// hold the SQLite hub's changes in the same order, and its snapshot the same records and
/// conflicts: so they converge through the mirror's store.
public enum Simulation {
    static let ids = ["r1", "r2", "r3", "r4"]
    static let titles = ["Visit", "Coup", "Delivery", "Statement"]
    static let categories = ["diplomatic", "military", "economic"]
    static let hour: Int64 = 3_600_000

    /// How a case ended: how many conflicts stayed open and how many deletions its log holds,
    /// which tell whether the generator reaches the interesting cases.
    public struct Outcome: Sendable {
        /// Conflicts open at the end.
        public var conflicts: Int
        /// Deletions in the hub's log.
        public var deleted: Int
    }

    /// One replica of a case: its store, and the writer (a token's fingerprint) it pushes under.
    struct Replica {
        var store: AppDatabase
        let writer: String
    }

    /// Removes the stores of runs whose process has gone (killed mid-case, so no `defer` ran).
    public static func removeLeftovers() {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: "/dev/shm")) ?? [] where name.hasPrefix("reld-convergence-") {
            let parts = name.split(separator: "-")
            guard parts.count == 4, let pid = Int32(parts[2]), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? fm.removeItem(atPath: "/dev/shm/" + name)
        }
    }

    /// Runs the case `seed` (through `mirror`, if given); throws ``PropertyFailure`` if it breaks
    /// the property.
    public static func run(seed: UInt64, mirror: FeedMirror? = nil) async throws -> Outcome {
        var rng = SplitMix64(seed: seed)
        let dir = "/dev/shm/reld-convergence-\(getpid())-\(seed)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hub = Hub(store: try AppDatabase(path: dir + "/hub.sqlite"), mirror: mirror)
        var replicas: [Replica] = []
        for i in 0..<Int.random(in: 3...5, using: &rng) {
            let store = try AppDatabase(path: dir + "/r\(i).sqlite", wallClock: .skewed(by: skew(&rng)))
            replicas.append(Replica(store: store, writer: String(repeating: "\(i)", count: 64)))
        }

        for _ in 0..<Int.random(in: 10...40, using: &rng) {
            let i = Int.random(in: 0..<replicas.count, using: &rng)
            let r = replicas[i]
            switch Int.random(in: 0..<20, using: &rng) {
            case 0...9: try await edit(r.store, &rng)
            case 10...13: try await hub.push(r, &rng)
            case 14...18: try await hub.pull(r.store, &rng, faulty: true)
            default:
                // A restart with the clock set back (or on): the log's stamps must carry the clock.
                try await r.store.close()
                replicas[i].store = try AppDatabase(path: r.store.path, wallClock: .skewed(by: skew(&rng) - 3 * hour))
            }
        }
        // Quiet: everyone pushes everything, then everyone pulls everything.
        for r in replicas {
            while try await !r.store.changesToPush(limit: 1).changes.isEmpty { try await hub.push(r, &rng, faulty: false) }
        }
        for r in replicas { try await hub.pull(r.store, &rng, faulty: false) }
        try await hub.checkMirrorHoldsTheSameLog()
        // relhub keeps the log, not the records: a replica that made no edits of its own reads
        // them from the feed, and is what the others are held to.
        let observer = try AppDatabase(path: dir + "/observer.sqlite")
        try await hub.pull(observer, &rng, faulty: false)
        let outcome = try await check(log: hub.store.changes(after: 0, limit: .max), observer: observer, replicas.map(\.store))
        // A replica that follows the snapshot document rather than the log holds the same
        // records and conflicts (not the history: the snapshot has the versions that stand).
        // The hub's winners and open conflicts are in the snapshot, not in the log.
        if let snapshot = try await hub.snapshot() {
            let follower = try AppDatabase(path: dir + "/follower.sqlite")
            _ = try await follower.applyPulled(snapshot.changes, feedID: snapshot.feedID, next: 0, etag: nil, lastModified: nil)
            guard try await follower.exportDocuments() == observer.exportDocuments() else {
                throw PropertyFailure("a replica following the snapshot holds other records than one following the log")
            }
            guard try await follower.conflicts() == observer.conflicts() else {
                throw PropertyFailure("a replica following the snapshot lists other conflicts than one following the log")
            }
        }
        return outcome
    }

    /// The end state: what the observer read against ``Oracle`` of the hub's `log`, and every
    /// replica against the observer.
    static func check(log: [Change], observer: AppDatabase, _ replicas: [AppDatabase]) async throws -> Outcome {
        let expected = try await observer.exportDocuments()
        let expectedConflicts = try await observer.conflicts()
        let oracle = Oracle(changes: log)
        let openConflicts = Set(expectedConflicts.flatMap { c in c.losers.map { "\(c.recordID).\(c.field)@\($0.stamp)" } })
        guard openConflicts == oracle.openConflicts else {
            throw PropertyFailure(
                "conflicts \(openConflicts.sorted()) but the losers of the hub's log are \(oracle.openConflicts.sorted())")
        }
        for doc in expected {
            guard case .object(let fields) = try JSONValue.parse(doc), let id = fields["id"]?.stringValue else { continue }
            for (field, value) in fields where oracle.values["\(id).\(field)"].map({ $0 != value }) ?? false {
                throw PropertyFailure(
                    "\(id).\(field) is \(JSONText.compact(value)) but its log's greatest head is \(JSONText.compact(oracle.values["\(id).\(field)"]!))"
                )
            }
        }
        var histories: [String: Set<HistoryEntry>] = [:]
        for id in ids { histories[id] = try await observer.history(id: id).map { Set($0.history.entries()) } ?? [] }
        for (i, r) in replicas.enumerated() {
            let docs = try await r.exportDocuments()
            guard docs == expected else {
                throw PropertyFailure("replica \(i) holds \(docs.count) records that differ from the feed's \(expected.count)")
            }
            guard try await r.conflicts() == expectedConflicts else {
                throw PropertyFailure("replica \(i) lists other conflicts than the feed")
            }
            for id in ids where try await r.history(id: id).map({ Set($0.history.entries()) }) ?? [] != histories[id] {
                throw PropertyFailure("replica \(i) tells another history of \(id) than the feed")
            }
        }
        return Outcome(conflicts: expectedConflicts.count, deleted: log.filter { $0.field == Change.deletedField }.count)
    }

    /// A machine's clock error: mostly right, sometimes hours ahead or behind (within the one-day
    /// bound that pushes and pulls accept), sometimes a few milliseconds off.
    static func skew(_ rng: inout SplitMix64) -> Int64 {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: 2 * hour
        case 1: -2 * hour
        case 2: Int64.random(in: -50...50, using: &rng)
        default: 0
        }
    }

    /// A random edit of one of the case's records: create or restore, delete, resolve a
    /// conflict, or change a field.
    static func edit(_ r: AppDatabase, _ rng: inout SplitMix64) async throws {
        let id = ids.randomElement(using: &rng)!
        let live = (try? await r.record(id: id)) != nil
        let roll = Int.random(in: 0..<20, using: &rng)
        if !live {
            guard roll < 12 else { return }
            if (try? await r.restore(id: id)) == nil {
                try await r.create(try event(id, date: "2023", title: titles.randomElement(using: &rng)!))
            }
        } else if roll < 3 {
            try await r.delete(id: id)
        } else if roll < 6 {
            if let c = try await r.conflicts(recordID: id).first {
                let choices: [ResolveChoice] = [.local, .remote, .value(.string(titles.randomElement(using: &rng)!))]
                let choice = choices.randomElement(using: &rng)!
                _ = try? await r.resolve(id: id, field: c.field, choice: c.field == "title" ? choice : .local)
            }
        } else {
            let edit: (String, JSONValue) =
                Bool.random(using: &rng)
                ? ("title", .string(titles.randomElement(using: &rng)!))
                : ("category", .string(categories.randomElement(using: &rng)!))
            _ = try await r.update(id: id, edits: [edit.0: edit.1])
        }
    }

    /// An event with an id, a title and a date, made as a user would make it.
    static func event(_ id: String, date: String, title: String) throws -> Record {
        let text = """
            {"id":"\(id)","kind":"event","title":\(JSONText.quoted(title)),"category":"military","date":"\(date)","parties":["ML"]}
            """
        return try RecordValidator.record(from: try JSONValue.parse(text)) { id }
    }
}
