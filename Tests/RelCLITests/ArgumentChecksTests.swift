import Testing

@testable import RelCLI

/// relctl checks its command line against a table written in source, since making it from
/// ArgumentParser at each start was slow; this test keeps that table true. What the checks do
/// with it is tested in `CommandLineDocsTests`.
@Suite struct ArgumentChecksTests {
    @Test func theTableInSourceIsArgumentParsersOwn() {
        let described = ArgumentChecks(describing: Relctl.self)
        #expect(
            ArgumentChecks.relctl == described,
            "relctl's options changed: replace `static let relctl` in Sources/RelCLI/ArgumentChecks+Relctl.swift with\n\(Self.source(of: described))"
        )
    }

    /// The declaration of `table`, formatted as swift-format wants it.
    static func source(of table: ArgumentChecks) -> String {
        var lines = ["    static let relctl = ArgumentChecks("]
        lines.append("        valueOptions: [")
        for command in table.valueOptions.keys.sorted() {
            let options = table.valueOptions[command]!
            if options.isEmpty {
                lines.append("            \"\(command)\": [:],")
                continue
            }
            lines.append("            \"\(command)\": [")
            for option in options.keys.sorted() { lines.append("                \"\(option)\": \(options[option]!),") }
            lines.append("            ],")
        }
        lines.append("        ],")
        lines.append("        globalOptions: [\(table.globalOptions.sorted().map { "\"\($0)\"" }.joined(separator: ", "))]")
        lines.append("    )")
        return lines.joined(separator: "\n")
    }
}
