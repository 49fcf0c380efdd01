import ArgumentParser
import RelControlAPI
import RelModel

/// `relctl search QUERY`
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find records by their text, best match first.",
        discussion: """
            QUERY holds words (case and accents do not matter: goita finds Goïta), "phrases", prefixes (wagn*), \
            AND, OR and NOT in capitals, and parentheses; words side by side must all match. column:word looks \
            in one of title, notes, tags, actors, parties, place, source. The title weighs most in the ranking.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("What to find (at most \(SearchQuery.maxQueryBytes) bytes).", valueName: "query"))
    var query: String

    @OptionGroup var filters: RecordFilterOptions

    @Flag(help: "Find deleted records too.")
    var deleted = false

    @Option(help: "Show at most this many (1-100000).")
    var limit = 100

    @Option(help: "Skip this many first.")
    var offset = 0

    func validate() throws {
        guard query.utf8.count <= SearchQuery.maxQueryBytes else {
            throw ValidationError("QUERY is \(query.utf8.count) bytes long; at most \(SearchQuery.maxQueryBytes) bytes are allowed")
        }
        try RecordFilterOptions.checkPage(limit: limit, offset: offset)
    }

    func run() async throws {
        var search = SearchQuery()
        search.q = query
        search.includeDeleted = deleted
        try filters.apply(to: &search.filters)
        search.filters.limit = limit
        search.filters.offset = offset
        let data = try await global.client.send(.get, Routes.search, query: search.items)
        if global.json { return printRaw(data) }
        let page = try decode(SearchPage.self, data)
        printText(HumanOutput.search(page, offset: offset, width: TerminalWidth.current()))
    }
}
