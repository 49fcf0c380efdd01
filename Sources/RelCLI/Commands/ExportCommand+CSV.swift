import Foundation
import RelControlAPI
import RelInterchange
import RelModel

extension ExportFormat {
    /// The CSV format, `nil` for the JSON ones.
    var csvFormat: CSVFormat? {
        switch self {
        case .json, .jsonfeed: nil
        case .csv: .csv
        case .acled: .acled
        case .ucdp: .ucdp
        }
    }
}

extension ExportCommand {
    /// The records that pass the filters, written as CSV: without filters the whole export
    /// (sorted by id), with them `list`'s pages (sorted by date), as reld gives them.
    func csvExport(_ format: CSVFormat) async throws -> Data {
        if feed {
            throw CLIError(.usage, "--feed and --format \(format.rawValue): give one; --feed writes a snapshot feed for reld to follow")
        }
        let exporter = CSVExport(format: format)
        var query = ListQuery()
        try jsonFeed.filters.apply(to: &query)
        var records: [JSONValue] = []
        if query == ListQuery() {
            records = try Self.array(try await global.client.send(.get, Routes.export, timeout: .seconds(3600)))
        } else {
            query.limit = 100_000
            while true {
                let data = try await global.client.send(.get, Routes.records, query: query.items, timeout: .seconds(3600))
                let page = try decode(RecordsPage.self, data)
                records += page.records
                query.offset += page.records.count
                if page.records.isEmpty || query.offset >= page.total { break }
            }
        }
        return Data(exporter.text(records).utf8)
    }

    /// The records of reld's JSON array answer.
    static func array(_ data: Data) throws -> [JSONValue] {
        guard let records = (try? JSONValue.parse(data))?.arrayValue else {
            throw CLIError(
                .refused, "reld's export was not a JSON array of records (is relctl the same version as reld?)", code: .badAnswer)
        }
        return records
    }
}
