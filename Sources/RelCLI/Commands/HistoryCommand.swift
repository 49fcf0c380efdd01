import ArgumentParser
import RelControlAPI
import RelModel

/// `relctl history ID`
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Show every change of a record, oldest first, and who made it.",
        discussion: """
            Each change shows when it was made (by its writer's clock, UTC), by which node and its \
            name ([node] name in reld.toml), the field, the value it replaced and the new one. \
            Concurrent values are shown with how they were settled: the later stamp won and the \
            other was kept as a conflict, until a resolve (shown as "resolved") replaced both. \
            Deleted records have a history too. Every replica that has synced the same changes \
            shows the same history. With --json: {"id", "entries": [...], "total"}.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Only changes of this field (deleted: deletes and restores).", valueName: "field"))
    var field: String?

    @Option(help: "Show at most this many changes (1-100000).")
    var limit = 1000

    @Option(help: "Skip this many first.")
    var offset = 0

    @Argument(help: "The record's id.")
    var id: String

    func validate() throws {
        if let field, !HistoryQuery.fieldNames.contains(field) {
            throw ValidationError(
                "--field \(JSONText.quoted(field)): not a field; fields: \(HistoryQuery.fieldNames.joined(separator: ", "))")
        }
        try RecordFilterOptions.checkPage(limit: limit, offset: offset)
    }

    func run() async throws {
        var query = HistoryQuery()
        query.field = field
        query.limit = limit
        query.offset = offset
        let data = try await global.client.send(.get, Routes.history(try checkedID(id)), query: query.items)
        if global.json { return printRaw(data) }
        let history = try decode(HistoryResponse.self, data)
        printText(HumanOutput.history(history, offset: offset))
    }
}
