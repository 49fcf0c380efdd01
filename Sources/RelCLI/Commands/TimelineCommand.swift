import ArgumentParser
import Foundation
import RelControlAPI
import RelFiles
import RelModel
import RelTimeline

/// What `relctl timeline` writes.
enum TimelineFormat: String, ExpressibleByArgument, CaseIterable {
    /// One self-contained HTML page.
    case html
    /// The picture alone.
    case svg
}

/// `relctl timeline [--output FILE]`
struct TimelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline", abstract: "Draw the records as a timeline: one self-contained HTML page, or an SVG picture.",
        discussion: """
            Time runs left to right, one lane per category: events are dots, agreements and \
            intervals are bars; uncertain and approximate dates are faded and dashed; reported \
            claims are solid, alleged ones hollow, disputed ones hatched. Hover over a record or \
            reach it with Tab for its title, date, parties and source. Records with an unknown date, \
            and those wholly outside --from/--to, are listed under the picture.

            The page loads nothing from anywhere (its Content-Security-Policy forbids it), so it can \
            be mailed or opened offline. relctl builds it from the records reld lists; --kind, \
            --category, --party, --since and --until choose them as in list.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Write to this file (replaced only once complete) instead of standard output; - is standard output.", valueName: "file"))
    var output: String?

    @Option(
        help: ArgumentHelp(
            "html (a page with the picture, its legend and a table of the records) or svg (the picture alone).", valueName: "format"))
    var format: TimelineFormat = .html

    @Option(help: ArgumentHelp("The page's title (default \"\(TimelineOptions.defaultTitle)\").", valueName: "text"))
    var title: String?

    @Option(name: .customLong("from"), help: ArgumentHelp("The first year shown (default: the earliest date).", valueName: "year"))
    var fromYear: Int?

    @Option(name: .customLong("to"), help: ArgumentHelp("The last year shown (default: the latest date).", valueName: "year"))
    var toYear: Int?

    @OptionGroup var filters: RecordFilterOptions

    @Option(
        help: ArgumentHelp(
            "Permission bits of the --output file, in octal; the default keeps the ledger private to you (0644 to share it).",
            valueName: "mode"))
    var mode: String = "0600"

    /// Records asked for per call of the list route.
    static let pageSize = 1000
    /// The longest title taken, in UTF-8 bytes (a record's title may be 500 characters).
    static let maxTitleBytes = 2000

    func validate() throws {
        for (option, year) in [("--from", fromYear), ("--to", toYear)] {
            if let year, !(1...9999).contains(year) { throw ValidationError("\(option) \(year): must be a year, 1-9999") }
        }
        if let fromYear, let toYear, toYear < fromYear {
            throw ValidationError("--to \(toYear) is before --from \(fromYear): swap them")
        }
        if let title {
            guard !title.isEmpty else { throw ValidationError("--title: must not be empty") }
            guard title.utf8.count <= Self.maxTitleBytes else {
                throw ValidationError("--title is \(title.utf8.count) bytes long; at most \(Self.maxTitleBytes) bytes are allowed")
            }
        }
        if global.json && (output == nil || output == "-") {
            throw ValidationError("--json prints a summary of the file written: give --output FILE (the page would share standard output)")
        }
    }

    func run() async throws {
        try ExportCommand.checkOutput(output)
        let permissions = try ExportCommand.parsedMode(mode)
        let output = output == "-" ? nil : output
        Interrupt.message = "interrupted: no timeline was written" + (output.map { " (\($0) was not touched)" } ?? "")
        let records = try await fetchRecords()
        let options = TimelineOptions(
            title: title ?? TimelineOptions.defaultTitle, fromYear: fromYear, toYear: toYear, presentYear: Self.currentYear())
        let timeline = Timeline(records, options: options)
        let data = Data((format == .html ? timeline.html : timeline.svg).utf8)
        let summary = TimelineSummary(
            output: output ?? "-", records: records.count, undated: timeline.undated, outside: timeline.outside)
        guard let output else {
            printRaw(data)
            if !global.json { FileHandle.standardError.write(Data(HumanOutput.timeline(summary).utf8)) }
            return
        }
        do throws(FileProblem) {
            try Interrupt.holding { () throws(FileProblem) in
                try PlainFile.writeAtomically(data, to: output, permissions: permissions)
                Interrupt.message = "interrupted: the timeline was written to \(output) completely all the same"
            }
        } catch {
            throw ExportCommand.writeError(output, error)
        }
        if global.json { return printRaw(summary.json()) }
        printText(HumanOutput.timeline(summary))
    }

    /// Every record that passes the filters, a page of the list route at a time (reld needs no
    /// route of its own for this). Stops when a page comes back empty or the total is reached,
    /// so records added meanwhile cannot keep it going.
    func fetchRecords() async throws -> [Record] {
        var query = ListQuery()
        try filters.apply(to: &query)
        query.limit = Self.pageSize
        var records: [Record] = []
        while true {
            query.offset = records.count
            let page = try decode(RecordsPage.self, try await global.client.send(.get, Routes.records, query: query.items))
            for json in page.records { records.append(try Self.record(json)) }
            if page.records.isEmpty || records.count >= page.total { return records }
        }
    }

    /// A record of reld's answer as a ``Record``, checked field by field as a merged record is.
    static func record(_ json: JSONValue) throws -> Record {
        guard let id = json["id"]?.stringValue, let kind = json["kind"]?.stringValue.flatMap(RecordKind.init(rawValue:)),
            var fields = json.objectValue
        else {
            throw CLIError(
                .refused, "could not read reld's answer (is relctl the same version as reld?): a record without id or kind",
                code: JSONErrorOutput.Code.badAnswer)
        }
        fields.removeValue(forKey: "id")
        fields.removeValue(forKey: "kind")
        do {
            return try RecordValidator.merged(id: id, kind: kind, fields: fields)
        } catch {
            throw CLIError(
                .refused, "could not read record \(id) in reld's answer (is relctl the same version as reld?): \(error)",
                code: JSONErrorOutput.Code.badAnswer)
        }
    }

    /// This year in UTC, where spans still running stop.
    static func currentYear() -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.component(.year, from: Date())
    }
}

/// What `relctl timeline` did: where it wrote, how many records, how many not on the picture.
struct TimelineSummary: Equatable {
    /// The file written, or `-` for standard output.
    var output: String
    /// The records that passed the filters.
    var records: Int
    /// Those with an unknown date, listed under the picture.
    var undated: Int
    /// Those dated wholly outside --from/--to, listed under the picture.
    var outside: Int

    /// `{"output": ..., "records": N, "undated": M, "outside": K}` for `--json`.
    func json() -> Data {
        let value: JSONValue = [
            "output": .string(output), "records": .int(Int64(records)), "undated": .int(Int64(undated)),
            "outside": .int(Int64(outside)),
        ]
        return Data(JSONText.compact(value).utf8)
    }
}
