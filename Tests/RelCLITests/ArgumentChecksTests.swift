import ArgumentParser
import Foundation
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

extension ArgumentChecks {
    /// Reads the options from ArgumentParser's description of `command` and its subcommands.
    init(describing command: any ParsableCommand.Type) {
        var table: [String: [String: Bool]] = [:]
        var shared: Set<String>?
        if let data = command._dumpHelp().data(using: .utf8),
            let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let info = root["command"] as? [String: Any]
        {
            for sub in [info] + (info["subcommands"] as? [[String: Any]] ?? []) {
                let name = sub["commandName"] as? String == info["commandName"] as? String ? "" : sub["commandName"] as? String ?? ""
                var options: [String: Bool] = [:]
                var all: Set<String> = []
                for argument in sub["arguments"] as? [[String: Any]] ?? [] {
                    for n in argument["names"] as? [[String: Any]] ?? [] where n["kind"] as? String == "long" {
                        guard let long = n["name"] as? String else { continue }
                        all.insert(long)
                        if argument["kind"] as? String == "option" { options[long] = argument["isRepeating"] as? Bool ?? false }
                    }
                }
                table[name] = options
                // ArgumentParser's own `help` command takes none of them.
                if !name.isEmpty, name != "help" { shared = shared.map { $0.intersection(all) } ?? all }
            }
        }
        self.init(valueOptions: table, globalOptions: (shared ?? []).subtracting(["help", "version"]))
    }
}
