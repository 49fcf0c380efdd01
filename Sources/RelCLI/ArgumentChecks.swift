import ArgumentParser

/// Checks of the command line that ArgumentParser leaves out: a negative number after an option
/// is its value, not an option; an option that takes one value may be given once; a word that is
/// not a command is named as such.
///
/// The table they read is ArgumentParser's own description of relctl's options. Making it at run
/// time took half of relctl's start (a JSON dump of every command, through Mirror), so relctl
/// uses a copy written in source (``relctl``), and a test fails, printing the new copy, as soon
/// as the two differ.
struct ArgumentChecks: Equatable {
    /// For each command name (`""` for relctl itself): long option name → whether it repeats.
    /// Only options that take a value are listed.
    let valueOptions: [String: [String: Bool]]
    /// Long options (with or without a value) that every command takes: `--socket`, `--json`, ...
    let globalOptions: Set<String>

    /// The table as given.
    init(valueOptions: [String: [String: Bool]], globalOptions: Set<String>) {
        self.valueOptions = valueOptions
        self.globalOptions = globalOptions
    }

    /// The commands relctl knows, and the words ArgumentParser itself answers.
    var commands: Set<String> { Set(valueOptions.keys).subtracting([""]).union(["help"]) }

    /// `--limit -1` as `--limit=-1`: ArgumentParser would take `-1` for an option and say the
    /// value is missing, where the range check has the right message.
    func joiningNegativeNumbers(_ arguments: [String]) -> [String] {
        let takesValue = Set(valueOptions.values.flatMap(\.keys))
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { return out + arguments[i...] }
            if a.hasPrefix("--"), !a.contains("="), takesValue.contains(String(a.dropFirst(2))), i + 1 < arguments.count,
                Self.isNegativeNumber(arguments[i + 1])
            {
                out.append(a + "=" + arguments[i + 1])
                i += 2
                continue
            }
            out.append(a)
            i += 1
        }
        return out
    }

    /// The first word after the global options (`--socket X`, `--json`, ...), if it names no
    /// command. Anything else first (`--help`, `--generate-completion-script bash`) is left to
    /// ArgumentParser.
    func unknownCommand(_ arguments: [String]) -> String? {
        let takesValue = Set(valueOptions.values.flatMap(\.keys))
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a.hasPrefix("-") {
                let name = String(a.dropFirst(2).prefix { $0 != "=" })
                guard a.hasPrefix("--"), globalOptions.contains(name) else { return nil }
                if !a.contains("="), takesValue.contains(name) { i += 1 }  // --socket X: skip X too
                i += 1
                continue
            }
            return commands.contains(a) ? nil : a
        }
        return nil
    }

    /// Refuses a single-valued option given twice (ArgumentParser would keep the last silently).
    func refuseRepeats(_ arguments: [String], command: String) throws {
        let options = valueOptions[command] ?? [:]
        var seen: Set<String> = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { return }
            if a.hasPrefix("--") {
                let name = String(a.dropFirst(2).prefix { $0 != "=" })
                if let repeats = options[name] {
                    if !repeats, !seen.insert(name).inserted {
                        throw CLIError(.usage, "--\(name) given twice; give it once")
                    }
                    if !a.contains("=") { i += 1 }  // its value, whatever it looks like
                }
            }
            i += 1
        }
    }

    static func isNegativeNumber(_ s: String) -> Bool {
        s.count > 1 && s.hasPrefix("-") && Double(s) != nil
    }
}
