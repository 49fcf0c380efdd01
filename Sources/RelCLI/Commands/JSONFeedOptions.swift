import ArgumentParser
import RelControlAPI
import RelModel

/// What `relctl export` writes.
enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    /// Plain records, which `import` takes back.
    case json
    /// A JSON Feed 1.1 document for feed readers.
    case jsonfeed
    /// Our own CSV columns, which `import --format csv` takes back.
    case csv
    /// ACLED's 31 columns, which `import --format acled` takes back.
    case acled
    /// UCDP GED's 49 columns, which `import --format ucdp` takes back.
    case ucdp
}

/// `relctl export`'s `--format` and what a JSON Feed takes: its title and URLs, and which records.
struct JSONFeedOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "json (records that import takes back), jsonfeed (a JSON Feed 1.1 document), csv (our own columns), acled (ACLED's columns) or ucdp (UCDP GED's columns).",
            valueName: "format"))
    var format: ExportFormat = .json

    @Option(help: ArgumentHelp("The JSON Feed's title (default \"\(JSONFeed.defaultTitle)\").", valueName: "text"))
    var title: String?

    @Option(help: ArgumentHelp("The JSON Feed's home_page_url: the web page it belongs to (http or https).", valueName: "url"))
    var homePageURL: String?

    @Option(help: ArgumentHelp("The JSON Feed's feed_url: where the feed itself will be served (http or https).", valueName: "url"))
    var feedURL: String?

    /// `list`'s filters, with its checks; taken with `--format jsonfeed` and the CSV formats.
    @OptionGroup var filters: RecordFilterOptions

    @Option(help: ArgumentHelp("JSON Feed: at most this many items, the most recently changed (1-100000, default 1000).", valueName: "n"))
    var limit: Int?

    /// The filters, which CSV exports take too.
    static let filterNames: Set<String> = ["--kind", "--category", "--party", "--since", "--until"]

    /// The options given that only a JSON Feed takes.
    var feedOnlyOptions: [String] {
        var given: [String] = []
        if title != nil { given.append("--title") }
        if homePageURL != nil { given.append("--home-page-url") }
        if feedURL != nil { given.append("--feed-url") }
        if filters.kind != nil { given.append("--kind") }
        if filters.category != nil { given.append("--category") }
        if !filters.parties.isEmpty { given.append("--party") }
        if filters.since != nil { given.append("--since") }
        if filters.until != nil { given.append("--until") }
        if limit != nil { given.append("--limit") }
        return given
    }

    func validate() throws {
        if format == .json, let first = feedOnlyOptions.first {
            let formats = Self.filterNames.contains(first) ? "--format jsonfeed, csv, acled or ucdp" : "--format jsonfeed"
            throw ValidationError("\(first) is taken only with \(formats); the JSON export is always every record")
        }
        if format.csvFormat != nil, let first = feedOnlyOptions.first(where: { !Self.filterNames.contains($0) }) {
            throw ValidationError("\(first) is taken only with --format jsonfeed; --format \(format.rawValue) takes the filters only")
        }
        if let title {
            guard !title.isEmpty else { throw ValidationError("--title: must not be empty") }
            guard title.utf8.count <= JSONFeedQuery.maxTitleBytes else {
                throw ValidationError("--title is \(title.utf8.count) bytes long; at most \(JSONFeedQuery.maxTitleBytes) bytes are allowed")
            }
        }
        for (option, url) in [("--home-page-url", homePageURL), ("--feed-url", feedURL)] {
            guard let url else { continue }
            guard url.utf8.count <= JSONFeedQuery.maxURLBytes else {
                throw ValidationError("\(option) is \(url.utf8.count) bytes long; at most \(JSONFeedQuery.maxURLBytes) bytes are allowed")
            }
            if let problem = JSONFeed.urlProblem(url) { throw ValidationError("\(option) \(JSONText.quoted(url)): \(problem)") }
        }
        if let limit, !(1...100_000).contains(limit) { throw ValidationError("--limit \(limit): must be 1-100000") }
    }

    /// The query for `GET /v1/export`: none for the plain export (nor for `--feed`'s snapshot).
    func query(snapshot: Bool) throws -> [(String, String)] {
        guard format == .jsonfeed else { return [] }
        if snapshot { throw CLIError(.usage, "--feed and --format jsonfeed: give one; --feed writes a snapshot feed for reld to follow") }
        var query = JSONFeedQuery()
        if let title { query.feed.title = title }
        query.feed.homePageURL = homePageURL
        query.feed.feedURL = feedURL
        try filters.apply(to: &query.filters)
        if let limit { query.filters.limit = limit }
        return query.items
    }
}
