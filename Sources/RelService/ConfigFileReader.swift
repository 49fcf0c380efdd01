import RelFiles
import TOMLKit

/// Reads a server's TOML config file the way reld and relhub both do: the file's own syntax
/// errors with their line (and the fix for the common ones), then each key handed in file order
/// to the server's own key table as a ``ConfigEntry``, whose typed values refuse a bad one with
/// the file, line and key. A typo never falls back to a default silently: the key table refuses
/// a key it does not know with ``ConfigEntry/unknownKey()``, which lists the known ones.
public struct ConfigFileReader {
    /// The file, as messages name it.
    public let path: String
    /// The whole text, where keys' lines are looked up (TOMLKit keeps no positions).
    let text: String
    let root: TOMLTable

    /// Reads and parses the file at `path`. `quotedKeys` take a string that looks like a number
    /// (see ``ConfigText/parseProblem(line:reason:in:quotedKeys:)``).
    public init(path: String, quotedKeys: Set<String> = []) throws(ConfigFileError) {
        let text: String
        do { text = try PlainFile.readText(path) } catch {
            throw ConfigFileError(file: path, line: nil, key: nil, reason: "cannot read it: \(error.words)")
        }
        try self.init(text: text, path: path, quotedKeys: quotedKeys)
    }

    /// Parses `text`, read from `path`.
    public init(text: String, path: String, quotedKeys: Set<String> = []) throws(ConfigFileError) {
        // Checked first: TOMLKit's parser aborts the process on these instead of reporting them.
        if let bad = ConfigText.unparsableTableHeader(in: text) {
            throw ConfigFileError(file: path, line: bad.line, key: nil, reason: bad.reason)
        }
        do { root = try TOMLTable(string: text) } catch let error as TOMLParseError {
            let line = error.source.begin.line
            let problem = ConfigText.parseProblem(line: line, reason: error.description, in: text, quotedKeys: quotedKeys)
            throw ConfigFileError(file: path, line: line, key: problem.key, reason: problem.reason)
        } catch {
            throw ConfigFileError(file: path, line: nil, key: nil, reason: "\(error)")
        }
        self.path = path
        self.text = text
    }

    /// Hands every key of the file's top level to `apply`. `known` (keys, then `tables`) is
    /// what ``ConfigEntry/unknownKey()`` lists: "known keys are: a, b, and the table [t]" (or
    /// "and the tables [t], [u]").
    public func forEachKey(
        known: [String], tables: [String] = [],
        _ apply: (ConfigEntry) throws(ConfigFileError) -> Void
    ) throws(ConfigFileError) {
        let names = tables.map { "[\($0)]" }.joined(separator: ", ")
        let list = known.joined(separator: ", ") + (tables.isEmpty ? "" : ", and the table\(tables.count > 1 ? "s" : "") \(names)")
        try forEachKey(of: root, prefix: "", unknown: "unknown key; known keys are: \(list)", apply)
    }

    /// Hands every key of the table `entry` holds to `apply`, named `TABLE.KEY` in messages;
    /// refuses a value that is not a table ("must be a table: [TABLE]").
    public func forEachKey(
        ofTable entry: ConfigEntry, known: [String],
        _ apply: (ConfigEntry) throws(ConfigFileError) -> Void
    ) throws(ConfigFileError) {
        guard let table = entry.value.table else { throw entry.fail("must be a table: [\(entry.name)]") }
        try forEachKey(
            of: table, prefix: entry.key + ".",
            unknown: "unknown key; known keys of [\(entry.name)] are: \(known.joined(separator: ", "))", apply)
    }

    private func forEachKey(
        of table: TOMLTable, prefix: String, unknown: String,
        _ apply: (ConfigEntry) throws(ConfigFileError) -> Void
    ) throws(ConfigFileError) {
        for name in table.keys {
            guard let value = table[name] else { continue }
            try apply(
                ConfigEntry(
                    name: name, key: prefix + name, value: value, file: path,
                    text: text, unknownReason: unknown))
        }
    }
}
