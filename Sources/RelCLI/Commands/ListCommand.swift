import ArgumentParser
import RelControlAPI
import RelModel

/// `relctl list`
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List records, sorted by date (unknown dates last).")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var filters: RecordFilterOptions

    @Option(
        help:
            "Only records holding these words in this order, the last one possibly cut short (any case or accents; at most \(ListQuery.maxTextBytes) bytes). For ranked results and AND, OR, NOT: relctl search."
    )
    var text: String?

    @Option(help: "Show at most this many (1-100000).")
    var limit = 1000

    @Option(help: "Skip this many first.")
    var offset = 0

    func validate() throws {
        if let text { try RecordFilterOptions.checkLength(text, option: "--text", parameter: "text") }
        try RecordFilterOptions.checkPage(limit: limit, offset: offset)
    }

    func run() async throws {
        var query = ListQuery()
        try filters.apply(to: &query)
        query.text = text
        query.limit = limit
        query.offset = offset
        let data = try await global.client.send(.get, Routes.records, query: query.items)
        if global.json { return printRaw(data) }
        let page = try decode(RecordsPage.self, data)
        printText(HumanOutput.list(page.records, total: page.total, offset: offset, width: TerminalWidth.current()))
    }
}

extension RecordKind: ExpressibleByArgument {}
