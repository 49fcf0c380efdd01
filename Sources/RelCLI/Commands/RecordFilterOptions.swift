import ArgumentParser
import RelControlAPI
import RelModel

/// The record filters `list`, `search` and `export --format jsonfeed` share, checked against the limits of
/// ``ListQuery`` before anything is sent: reld would refuse the same values, but a query
/// string past its HTTP parser's limit gets a 400 that cannot say which option is at fault.
struct RecordFilterOptions: ParsableArguments {
    @Option(help: "Only events or only agreements.")
    var kind: RecordKind?

    @Option(help: "Only this category.")
    var category: String?

    @Option(
        name: .customLong("party"),
        help: ArgumentHelp(
            "Only records involving this party. Repeatable, up to \(ListQuery.maxParties) times: all must be involved.", valueName: "party")
    )
    var parties: [String] = []

    @Option(help: ArgumentHelp("Only records whose date reaches this date or later: YYYY[-MM[-DD]].", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Only records whose date starts on or before this date: YYYY[-MM[-DD]].", valueName: "date"))
    var until: String?

    func validate() throws {
        guard parties.count <= ListQuery.maxParties else {
            throw ValidationError(
                "--party is given \(parties.count) times; at most \(ListQuery.maxParties) parties can be asked for at once")
        }
        for party in parties { try Self.checkLength(party, option: "--party", parameter: "party") }
        if let category { try Self.checkLength(category, option: "--category", parameter: "category") }
        let from = try since.map { try parsePartialDate($0, option: "--since") }
        let to = try until.map { try parsePartialDate($0, option: "--until") }
        if let from, let to, to.latest < from.earliest {
            throw ValidationError("--until \(to) is before --since \(from): no record can match both; swap them")
        }
    }

    /// Sets the filters of `query` from these options.
    func apply(to query: inout ListQuery) throws {
        query.kind = kind
        query.category = category
        query.parties = parties
        query.since = try since.map { try parsePartialDate($0, option: "--since") }
        query.until = try until.map { try parsePartialDate($0, option: "--until") }
    }

    /// Refuses `value` when it is longer than reld takes for `parameter`, naming `option`.
    static func checkLength(_ value: String, option: String, parameter: String) throws {
        let limit = ListQuery.maxBytes(of: parameter)
        guard value.utf8.count > limit else { return }
        throw ValidationError("\(option) is \(value.utf8.count) bytes long; at most \(limit) bytes are allowed")
    }

    /// `--limit` and `--offset` as every paged command (list, search, history) takes them.
    static func checkPage(limit: Int, offset: Int) throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit \(limit): must be 1-100000") }
        guard offset >= 0 else { throw ValidationError("--offset \(offset): must be 0 or more") }
    }
}
