import ArgumentParser
import RelControlAPI
import RelModel

/// `relctl list`
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List records, sorted by date (unknown dates last).")

    @OptionGroup var global: GlobalOptions

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

    @Option(
        help:
            "Only records whose title, notes, tags, actors, place or source contain this text (any case; at most \(ListQuery.maxTextBytes) bytes)."
    )
    var text: String?

    @Option(help: "Show at most this many (1-100000).")
    var limit = 1000

    @Option(help: "Skip this many first.")
    var offset = 0

    func validate() throws {
        try checkQueryLimits()
        let from = try since.map { try parsePartialDate($0, option: "--since") }
        let to = try until.map { try parsePartialDate($0, option: "--until") }
        if let from, let to, to.latest < from.earliest {
            throw ValidationError("--until \(to) is before --since \(from): no record can match both; swap them")
        }
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit \(limit): must be 1-100000") }
        guard offset >= 0 else { throw ValidationError("--offset \(offset): must be 0 or more") }
    }

    func run() async throws {
        var query = ListQuery()
        query.kind = kind
        query.category = category
        query.parties = parties
        query.since = try since.map { try parsePartialDate($0, option: "--since") }
        query.until = try until.map { try parsePartialDate($0, option: "--until") }
        query.text = text
        query.limit = limit
        query.offset = offset
        let data = try await global.client.send(.GET, Routes.records, query: query.items)
        if global.json { return printRaw(data) }
        let page = try decode(RecordsPage.self, data)
        printText(HumanOutput.list(page.records, total: page.total, offset: offset, width: TerminalWidth.current()))
    }
}

extension RecordKind: ExpressibleByArgument {}
