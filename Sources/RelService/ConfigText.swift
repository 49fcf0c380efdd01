import Foundation

/// Finds where keys are set in a config file's text, since TOMLKit keeps no positions for
/// values that parse, and an error should point at the line.
public enum ConfigText {
    /// The 1-based line where `key` is set or where table `[key]` starts.
    public static func line(of key: String, in text: String) -> Int? {
        for (n, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("[\(key)]") || line.hasPrefix("[[\(key)]]") { return n + 1 }
            guard line.hasPrefix(key) else { continue }
            let rest = line.dropFirst(key.count).drop { $0 == " " || $0 == "\t" }
            if rest.hasPrefix("=") { return n + 1 }
        }
        return nil
    }

    /// A TOML parse error's reason, told with the key set on `line` (1-based) when there is one,
    /// and with the fix for the mistake people make most: an unquoted octal mode such as
    /// `socket_mode = 0660`, which TOML reads as a decimal number with a leading zero.
    /// `quotedKeys` take a string that looks like a number (an octal mode), so the fix is quotes;
    /// for any other key it is the number without its leading zeros.
    public static func parseProblem(
        line: Int, reason: String, in text: String,
        quotedKeys: Set<String> = []
    ) -> (key: String?, reason: String) {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard line >= 1, line <= lines.count, let equals = lines[line - 1].firstIndex(of: "=") else { return (nil, reason) }
        let source = lines[line - 1]
        let key = source[..<equals].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }) else {
            return (nil, reason)
        }
        var value = source[source.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        if let hash = value.firstIndex(of: "#") { value = value[..<hash].trimmingCharacters(in: .whitespaces) }
        if reason.localizedCaseInsensitiveContains("leading zero"), !value.isEmpty, value.allSatisfy(\.isNumber) {
            let fix =
                quotedKeys.contains(key)
                ? "write it in quotes: \(key) = \"\(value)\""
                : "write \(key) = \(value.drop { $0 == "0" }.isEmpty ? "0" : String(value.drop { $0 == "0" }))"
            return (key, "\(value) is not a TOML number (no leading zeros); \(fix)")
        }
        return (key, reason)
    }

    /// The first table header that TOMLKit's parser (toml++) would abort the whole process on
    /// instead of reporting: `[` or `[[` followed by a character that cannot start a key, such
    /// as `[é]` or `[:]` (found by fuzzing; fixed upstream in toml++ after the version TOMLKit
    /// bundles). Returns its 1-based line and what is wrong, or nil.
    public static func unparsableTableHeader(in text: String) -> (line: Int, reason: String)? {
        for (n, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var rest = raw.drop { $0 == " " || $0 == "\t" }
            guard rest.first == "[" else { continue }
            rest = rest.dropFirst()
            if rest.first == "[" { rest = rest.dropFirst() }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard let first = rest.first else { continue }
            if first.isASCII, first.isLetter || first.isNumber || "_-\"']".contains(first) { continue }
            return (n + 1, "a table name must start with a letter, digit, _, - or a quote, not \"\(first)\"")
        }
        return nil
    }
}
