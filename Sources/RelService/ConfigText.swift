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
