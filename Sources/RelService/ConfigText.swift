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
}
