import ConvergenceSimulation
import Testing

/// Property: replicas that make random edits offline and sync through a hub in any order, with
/// pushes lost, repeated and reordered, pages dropped, repeated and reordered, and clocks set
/// wrong (hours ahead or behind, jumping back when a replica restarts), end with the same
/// records, the same conflicts and the same history of every record; every concurrent value
/// that lost is among those conflicts, and each field holds the value its change log says it
/// must (so a clock that ignored the stamps it received, and wrote "after" a change it saw with
/// an earlier stamp, fails the property). The same cases run through a hub on PostgreSQL in
/// `PostgresConvergenceTests` (EndToEndTests, which start PostgreSQL).
///
/// `RELD_PROPERTY_SEED=N` replays one case; `RELD_PROPERTY_CASES=N` sets how many run.
@Suite("Convergence (property)")
struct ConvergenceTests {
    @Test func replicasConverge() async throws {
        let runner = CaseRunner(defaultCases: 2000)
        let tally = await runner.run { _ in nil }
        for problem in tally.problems { Issue.record("\(problem)") }
    }
}
