/// Who wrote a field version, and when: the hybrid-logical-clock time and the node id.
///
/// Stamps order first by clock, then by node id, so any two distinct versions of a field are
/// ordered the same way on every replica. That total order is what last-writer-wins compares.
public struct Stamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// When, by the writer's hybrid logical clock.
    public var hlc: HLCTimestamp
    /// The writing node's id.
    public var node: String

    /// Creates a stamp.
    public init(hlc: HLCTimestamp, node: String) {
        self.hlc = hlc
        self.node = node
    }

    /// Clock first; node id (compared as UTF-8 bytes) breaks ties.
    public static func < (a: Stamp, b: Stamp) -> Bool {
        if a.hlc != b.hlc { return a.hlc < b.hlc }
        return Array(a.node.utf8).lexicographicallyPrecedes(Array(b.node.utf8))
    }

    /// `hlc@node`.
    public var description: String { "\(hlc)@\(node)" }

    /// The wire form: `[hlc, "node"]`, the clock value as an integer (what every version reads;
    /// also the form stored in the change log).
    public var json: JSONValue { json(.integer) }

    /// The wire form with the clock value in `form`: `[hlc, "node"]` or `["hlc", "node"]`.
    public func json(_ form: HLCForm) -> JSONValue { .array([hlc.json(form), .string(node)]) }

    /// Reads the wire form `[hlc, "node"]`, the clock value as an integer or a decimal string.
    public init(json: JSONValue) throws(FieldError) {
        guard case .array(let pair) = json, pair.count == 2, let hlc = HLCTimestamp(wire: pair[0]),
            case .string(let node) = pair[1], NodeID.isValid(node)
        else {
            throw FieldError(
                "", json,
                "must be a stamp [hlc, \"node\"]: a clock value (a non-negative integer, or one as a decimal string) and a node id")
        }
        self.init(hlc: hlc, node: node)
    }
}

/// Rules for node ids, which travel on the wire and name replicas in conflicts.
public enum NodeID {
    /// What a node id may be.
    public static let rule = "must be 1-64 characters of letters, digits, '-', '_' or '.'"

    /// Whether `s` is a valid node id.
    public static func isValid(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 64
            && s.utf8.allSatisfy { c in
                (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c) || c == 45 || c == 95 || c == 46
            }
    }
}
