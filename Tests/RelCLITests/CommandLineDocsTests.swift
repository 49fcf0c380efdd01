import Foundation
import Testing

@testable import RelCLI

/// `relctl --help` (ArgumentParser's description of the commands), the man page and the README
/// must not drift apart: every command and long option relctl takes is in relctl.1, and the exit
/// statuses are the same in the three. Also pins the command-line checks ArgumentParser leaves out.
@Suite struct CommandLineDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }
    /// `--name` as roff writes it in the man page.
    static func roff(_ s: String) -> String { s.replacingOccurrences(of: "-", with: "\\-") }

    @Test func everyCommandAndOptionIsInTheManPage() throws {
        let man = try Self.text("docs/man/relctl.1")
        let checks = ArgumentChecks(Relctl.self)
        for command in checks.commands.subtracting(["help"]).sorted() {
            #expect(man.contains(".B " + Self.roff(command)), "relctl.1 does not describe the command \(command)")
        }
        let data = try #require(Relctl._dumpHelp().data(using: .utf8))
        let info = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])["command"] as? [String: Any]
        for sub in [info ?? [:]] + (info?["subcommands"] as? [[String: Any]] ?? []) {
            for argument in sub["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool != false {
                for name in argument["names"] as? [[String: Any]] ?? [] where name["kind"] as? String == "long" {
                    let option = "--" + (name["name"] as? String ?? "")
                    #expect(man.contains(Self.roff(option)), "relctl.1 does not mention \(option) of \(sub["commandName"] ?? "relctl")")
                }
            }
        }
    }

    @Test func exitStatusesAgree() throws {
        let help = Relctl.configuration.discussion
        let man = try Self.text("docs/man/relctl.1")
        let readme = try Self.text("README.md")
        let section = try #require(readme.range(of: "### Exit status of relctl")).upperBound
        let table = readme[section...].split(separator: "\n").drop(while: { !$0.hasPrefix("|") })
            .prefix(while: { $0.hasPrefix("|") }).joined(separator: "\n")
        for status in ["0", "1", "2", "3", "130"] {
            #expect(help.contains("\n  \(status) "), "relctl --help does not list exit status \(status)")
            #expect(man.contains(".B \(status)\n"), "relctl.1 does not list exit status \(status)")
            #expect(table.contains("| \(status) |"), "README does not list exit status \(status)")
        }
        for text in [help, man, String(table)] { #expect(!text.contains("64"), "relctl never exits 64") }
    }

    @Test func negativeNumbersAreValues() {
        let checks = ArgumentChecks(Relctl.self)
        #expect(checks.joiningNegativeNumbers(["list", "--limit", "-1"]) == ["list", "--limit=-1"])
        #expect(checks.joiningNegativeNumbers(["list", "--offset", "-1", "--limit", "5"]) == ["list", "--offset=-1", "--limit", "5"])
        #expect(checks.joiningNegativeNumbers(["add-event", "--fatalities", "-5"]) == ["add-event", "--fatalities=-5"])
        #expect(checks.joiningNegativeNumbers(["list", "--json", "-1"]) == ["list", "--json", "-1"], "a flag takes no value")
        #expect(checks.joiningNegativeNumbers(["list", "--limit", "-x"]) == ["list", "--limit", "-x"])
    }

    @Test func singleValuedOptionsGivenTwiceAreRefused() throws {
        let checks = ArgumentChecks(Relctl.self)
        for (command, arguments) in [
            ("add-event", ["--title", "a", "--title", "b"]), ("add-event", ["--date=2023", "--date", "2024"]),
            ("add-event", ["--category", "x", "--category=y"]), ("list", ["--limit", "1", "--limit", "2"]),
        ] {
            let e = try #require(throws: CLIError.self) { try checks.refuseRepeats([command] + arguments, command: command) }
            #expect(e.status == .usage)
            #expect(e.description.hasSuffix("given twice; give it once"))
        }
        // Repeatable options, and a value that looks like an option, are fine.
        try checks.refuseRepeats(["add-event", "--party", "ML", "--party", "RU", "--tag", "a", "--tag", "b"], command: "add-event")
        try checks.refuseRepeats(["add-event", "--notes", "--title", "--title", "x"], command: "add-event")
        try checks.refuseRepeats(["edit", "x", "--set", "a=1", "--set", "b=2"], command: "edit")
    }

    @Test func anUnknownCommandIsNamed() {
        let checks = ArgumentChecks(Relctl.self)
        #expect(checks.unknownCommand(["--socket", "/x", "bogus"]) == "bogus")
        #expect(checks.unknownCommand(["--socket=/x", "--json", "bogus", "--x"]) == "bogus")
        #expect(checks.unknownCommand(["--socket", "/x", "status"]) == nil)
        #expect(checks.unknownCommand(["help", "list"]) == nil)
        #expect(checks.unknownCommand(["--version"]) == nil)
        #expect(checks.unknownCommand([]) == nil)
        #expect(checks.unknownCommand(["--generate-completion-script", "bash"]) == nil)
        #expect(checks.unknownCommand(["--json", "--help"]) == nil)
        #expect(checks.globalOptions == ["socket", "json", "quiet"])
    }
}
