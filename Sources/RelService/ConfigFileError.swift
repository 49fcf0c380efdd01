import RelModel

/// A config file that a server cannot use: which file, line and key, and why.
public struct ConfigFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var file: String
    /// The 1-based line, when known.
    public var line: Int?
    /// The key, when one is at fault.
    public var key: String?
    /// What is wrong.
    public var reason: String

    /// Creates an error.
    public init(file: String, line: Int?, key: String?, reason: String) {
        self.file = file
        self.line = line
        self.key = key
        self.reason = reason
    }

    /// `FILE:LINE: key "KEY": REASON`.
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let key { s += "key \(JSONText.quoted(key)): " }
        return s + reason
    }
}
