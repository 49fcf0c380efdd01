import Foundation

/// Runs many cases of ``Simulation``, a few at once, and tallies them: the seeds come from
/// `RELD_PROPERTY_SEED` (one case) or from the clock (`RELD_PROPERTY_CASES` of them, or
/// `defaultCases`).
public struct CaseRunner {
    /// The seeds to run.
    public let seeds: [UInt64]
    /// How many cases run at once; each gets a slot number below it.
    public let concurrency: Int

    /// What the cases came to: the first failure, and how many reached conflicts and deletions.
    public struct Tally: Sendable {
        /// The seed that failed first, and why; nil if none did.
        public var failure: (seed: UInt64, error: any Error)?
        /// Cases that ended with an open conflict.
        public var withConflicts = 0
        /// Cases whose log holds a deletion.
        public var withDeletions = 0
        /// How many cases ran to their end.
        public var finished = 0

        /// What to report: the failed case and how to replay it; or, from 100 cases on, what
        /// the generator reached too seldom (a fifth of the cases must end with an open
        /// conflict, and a fifth must delete a record, or passing means little).
        public var problems: [String] {
            if let (seed, error) = failure { return ["replay with RELD_PROPERTY_SEED=\(seed): \(error)"] }
            guard finished >= 100 else { return [] }
            var said: [String] = []
            if withConflicts * 5 < finished { said.append("only \(withConflicts) of \(finished) cases ended with a conflict") }
            if withDeletions * 5 < finished { said.append("only \(withDeletions) of \(finished) cases deleted a record") }
            return said
        }
    }

    /// A runner for the environment's seeds.
    public init(defaultCases: Int, concurrency: Int = 4, environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let one = environment["RELD_PROPERTY_SEED"].flatMap(UInt64.init) {
            seeds = [one]
        } else {
            let cases = environment["RELD_PROPERTY_CASES"].flatMap(Int.init) ?? defaultCases
            var master = SplitMix64(seed: UInt64(Date().timeIntervalSince1970 * 1000))
            seeds = (0..<cases).map { _ in master.next() }
        }
        self.concurrency = concurrency
    }

    /// Runs every seed, `concurrency` at a time, each through the mirror `mirror(slot)` gives
    /// (nil: SQLite only); stops at the first failure.
    public func run(mirror: @escaping @Sendable (_ slot: Int) async throws -> FeedMirror?) async -> Tally {
        Simulation.removeLeftovers()
        var tally = Tally()
        await withTaskGroup(of: (UInt64, Int, Result<Simulation.Outcome, any Error>).self) { group in
            var pending = seeds[...]
            func start(in slot: Int) {
                guard let seed = pending.popFirst() else { return }
                group.addTask {
                    do {
                        return (seed, slot, .success(try await Simulation.run(seed: seed, mirror: try await mirror(slot))))
                    } catch {
                        return (seed, slot, .failure(error))
                    }
                }
            }
            for slot in 0..<concurrency { start(in: slot) }
            while let (seed, slot, result) = await group.next() {
                switch result {
                case .success(let outcome):
                    tally.finished += 1
                    if outcome.conflicts > 0 { tally.withConflicts += 1 }
                    if outcome.deleted > 0 { tally.withDeletions += 1 }
                    start(in: slot)
                case .failure(let error):
                    tally.failure = (seed, error)
                    group.cancelAll()
                    return
                }
            }
        }
        return tally
    }
}
