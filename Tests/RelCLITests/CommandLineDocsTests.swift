import Foundation
import RelDaemon
import RelHub
import Testing

@testable import RelCLI

/// The programs' own descriptions (ArgumentParser's, which `--help` prints), the man pages and
/// the README must not drift apart: every command and long option of relctl, reld and relhub is
/// in its page, every option a page names exists, and relctl's exit statuses are the same in
/// the three. Also pins the command-line checks ArgumentParser leaves out.
@Suite struct CommandLineDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }
    /// `--name` as roff writes it in the man page.
    static func roff(_ s: String) -> String { s.replacingOccurrences(of: "-", with: "\\-") }

    /// The long options ArgumentParser knows for a command and its subcommands, from its own
    /// description (`--experimental-dump-help`), hidden ones left out.
    static func longOptions(_ dump: String) throws -> [(command: String, option: String)] {
        let data = try #require(dump.data(using: .utf8))
        let info = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])["command"] as? [String: Any]
        var found: [(String, String)] = []
        for sub in [info ?? [:]] + (info?["subcommands"] as? [[String: Any]] ?? []) {
            for argument in sub["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool != false {
                for name in argument["names"] as? [[String: Any]] ?? [] where name["kind"] as? String == "long" {
                    found.append((sub["commandName"] as? String ?? "", "--" + (name["name"] as? String ?? "")))
                }
            }
        }
        return found
    }

    /// Every `--option` a man page names, as roff writes it (`\-\-ca\-file`).
    static func optionsNamed(in man: String) -> Set<String> {
        let pattern = /\\-\\-[a-z0-9]+(\\-[a-z0-9]+)*/
        return Set(man.matches(of: pattern).map { String($0.output.0).replacingOccurrences(of: "\\-", with: "-") })
    }

    /// Each page against its program's own description, both ways: every option the program
    /// takes is in its page, and every option the page names is one the program takes (or,
    /// for the pages that show the other programs at work, one of theirs).
    @Test(arguments: [
        ("docs/man/relctl.1", Relctl._dumpHelp()),
        ("docs/man/reld.8", ReldCommand._dumpHelp()),
        ("docs/man/relhub.8", RelhubCommand._dumpHelp()),
    ])
    func theManPageAndTheProgramNameTheSameOptions(page: String, dump: String) throws {
        let man = try Self.text(page)
        let taken = try Self.longOptions(dump)
        for (command, option) in taken {
            #expect(man.contains(Self.roff(option)), "\(page) does not mention \(option) of \(command)")
        }
        // ArgumentParser answers this one itself; its description leaves it out.
        let builtIn: Set = ["--generate-completion-script"]
        let everyProgram = try Set(
            ([Relctl._dumpHelp(), ReldCommand._dumpHelp(), RelhubCommand._dumpHelp()])
                .flatMap { try Self.longOptions($0).map(\.option) }
        ).union(builtIn)
        for option in Self.optionsNamed(in: man).subtracting(taken.map(\.option)).sorted() {
            #expect(everyProgram.contains(option), "\(page) names \(option), which no program takes")
        }
    }

    @Test func everyCommandIsInTheManPage() throws {
        let man = try Self.text("docs/man/relctl.1")
        let checks = ArgumentChecks.relctl
        for command in checks.commands.subtracting(["help"]).sorted() {
            #expect(man.contains(".B " + Self.roff(command)), "relctl.1 does not describe the command \(command)")
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
        let checks = ArgumentChecks.relctl
        #expect(checks.joiningNegativeNumbers(["list", "--limit", "-1"]) == ["list", "--limit=-1"])
        #expect(checks.joiningNegativeNumbers(["list", "--offset", "-1", "--limit", "5"]) == ["list", "--offset=-1", "--limit", "5"])
        #expect(checks.joiningNegativeNumbers(["add-event", "--fatalities", "-5"]) == ["add-event", "--fatalities=-5"])
        #expect(checks.joiningNegativeNumbers(["list", "--json", "-1"]) == ["list", "--json", "-1"], "a flag takes no value")
        #expect(checks.joiningNegativeNumbers(["list", "--limit", "-x"]) == ["list", "--limit", "-x"])
    }

    @Test func singleValuedOptionsGivenTwiceAreRefused() throws {
        let checks = ArgumentChecks.relctl
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
        let checks = ArgumentChecks.relctl
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
