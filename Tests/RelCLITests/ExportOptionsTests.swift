import ArgumentParser
import RelControlAPI
import RelModel
import Testing

@testable import RelCLI

/// `relctl export`'s JSON Feed options: the filters are `list`'s, with its checks, and are
/// refused without `--format jsonfeed`.
@Suite struct ExportOptionsTests {
    @Test func theFiltersAreCheckedAsListChecksThem() {
        func tooLong(_ parameter: String) -> String { String(repeating: "a", count: ListQuery.maxBytes(of: parameter) + 1) }
        for filter in [["--category", tooLong("category")], ["--party", tooLong("party")], ["--since", "2025", "--until", "2020"]] {
            let export = refusal(["export", "--format", "jsonfeed"] + filter)
            #expect(export != nil, "\(filter) passed")
            #expect(export == refusal(["list"] + filter), "\(filter)")
        }
    }

    @Test func feedOptionsAreRefusedWithoutJSONFeed() {
        for option in [["--kind", "event"], ["--category", "x"], ["--party", "ML"], ["--until", "2020"]] {
            #expect(
                refusal(["export"] + option)
                    == "\(option[0]) is taken only with --format jsonfeed, csv, acled or ucdp; the JSON export is always every record")
        }
        #expect(
            refusal(["export", "--limit", "5"]) == "--limit is taken only with --format jsonfeed; the JSON export is always every record")
    }

    @Test func theFiltersReachTheQuery() throws {
        let parsed = try Relctl.parseAsRoot(["export", "--format", "jsonfeed", "--kind", "event", "--party", "ML", "--since", "2020"])
        let command = try #require(parsed as? ExportCommand)
        let query = try JSONFeedQuery(items: command.jsonFeed.query(snapshot: false))
        #expect(query.filters.kind == .event)
        #expect(query.filters.parties == ["ML"])
        #expect(query.filters.since == (try parsePartialDate("2020", option: "--since")))
        let plain = try #require(try Relctl.parseAsRoot(["export"]) as? ExportCommand)
        #expect(try plain.jsonFeed.query(snapshot: false).isEmpty)
    }
}

/// The message the parser gives for `arguments` (a usage error), or nil when they parse; a
/// refusal must exit as a usage error.
func refusal(_ arguments: [String]) -> String? {
    do {
        _ = try Relctl.parseAsRoot(arguments)
        return nil
    } catch {
        #expect(Relctl.exitCode(for: error) == .validationFailure, "\(arguments)")
        return Relctl.message(for: error)
    }
}
