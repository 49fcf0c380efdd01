import ArgumentParser
import Testing

@testable import RelCLI

/// `import --format` and `export --format csv|acled|ucdp`: the CSV exports take `list`'s filters but
/// none of the JSON Feed's own options.
@Suite struct CSVOptionsTests {
    @Test func csvExportsTakeTheFiltersOnly() {
        for format in ["csv", "acled", "ucdp"] {
            #expect(refusal(["export", "--format", format, "--kind", "event", "--party", "ML", "--since", "2020"]) == nil)
            for option in [["--limit", "5"], ["--title", "x"], ["--feed-url", "https://example.org/f.json"]] {
                #expect(
                    refusal(["export", "--format", format] + option)
                        == "\(option[0]) is taken only with --format jsonfeed; --format \(format) takes the filters only")
            }
        }
        #expect(refusal(["export", "--format", "cameo"])?.contains("'cameo' is invalid for '--format <format>'") == true)
    }

    @Test func exportWritesEachCSVFormatImportReads() {
        for format in ImportFormat.allCases {
            #expect(ExportFormat(rawValue: format.rawValue)?.csvFormat == format.csvFormat, "\(format)")
        }
    }

    @Test func importTakesEachFormat() throws {
        for format in ImportFormat.allCases {
            let command = try #require(try Relctl.parseAsRoot(["import", "--format", format.rawValue, "f.csv"]) as? ImportCommand)
            #expect(command.format == format)
            #expect((format.csvFormat == nil) == (format == .json))
        }
        #expect(try (Relctl.parseAsRoot(["import", "f.json"]) as? ImportCommand)?.format == .json)
    }
}
