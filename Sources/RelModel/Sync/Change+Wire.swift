import OrderedCollections

extension Change {
    /// The wire form used by feeds:
    /// `{"node", "node_seq", "record_id", "field", "value", "hlc", "bases"}`, with clock values
    /// as integers (what every version reads).
    public var json: JSONValue { json(.integer) }

    /// The wire form with clock values (`hlc` and the bases' stamps) in `form`.
    public func json(_ form: HLCForm) -> JSONValue {
        .object([
            "node": .string(node),
            "node_seq": .int(nodeSeq),
            "record_id": .string(recordID),
            "field": .string(field),
            "value": value,
            "hlc": hlc.json(form),
            "bases": .array(bases.map { $0.json(form) }),
        ])
    }

    /// Reads the wire form, checking its shape (not yet the value against the schema: see
    /// ``RecordValidator/checkMergedField(_:_:)``).
    public init(json: JSONValue) throws(FieldError) {
        guard case .object(let o) = json else { throw FieldError("", json, "must be a change object") }
        func string(_ key: String, _ valid: (String) -> Bool, _ rule: String) throws(FieldError) -> String {
            guard case .string(let s)? = o[key], valid(s) else { throw FieldError(key, o[key], rule) }
            return s
        }
        func integer(_ key: String, _ range: ClosedRange<Int64>) throws(FieldError) -> Int64 {
            guard case .int(let i)? = o[key], range.contains(i) else {
                throw FieldError(key, o[key], "must be an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return i
        }
        for key in o.keys where !Self.wireKeys.contains(key) {
            throw FieldError(key, nil, "unknown member of a change; known members are: \(Self.wireKeys.joined(separator: ", "))")
        }
        let node = try string("node", NodeID.isValid, NodeID.rule)
        let nodeSeq = try integer("node_seq", 1...Self.maxNodeSeq)
        let recordID = try string("record_id", RecordID.isValid, RecordID.rule)
        let field = try string("field", { !$0.isEmpty && $0.utf8.count <= 64 }, "must be a field name")
        guard let value = o["value"] else { throw FieldError("value", nil, "is required") }
        guard let hlcValue = o["hlc"], let stamp = HLCTimestamp(wire: hlcValue) else {
            throw FieldError("hlc", o["hlc"], HLCTimestamp.wireRule)
        }
        let hlc = stamp.rawValue
        guard case .array(let rawBases)? = o["bases"], rawBases.count <= Self.maxBases else {
            throw FieldError("bases", o["bases"], "must be an array of at most \(Self.maxBases) stamps")
        }
        var bases: [Stamp] = []
        for (i, b) in rawBases.enumerated() {
            let base: Stamp
            do { base = try Stamp(json: b) } catch { throw FieldError("bases[\(i)]", b, error.reason) }
            // A writer ticks past what it saw; a base stamped later than its change would make the
            // merge depend on arrival order.
            guard base < Stamp(hlc: HLCTimestamp(rawValue: hlc), node: node) else {
                throw FieldError("bases[\(i)]", b, "is stamped after the change itself; a change can only replace older versions")
            }
            bases.append(base)
        }
        self.init(
            recordID: recordID, field: field, value: value, hlc: HLCTimestamp(rawValue: hlc),
            node: node, nodeSeq: nodeSeq, bases: bases)
    }

    /// The largest `node_seq` a change may carry: 2^53, which a JSON number holds exactly in
    /// every reader (JavaScript, jq). A node writing a million changes a day takes 24 million
    /// years to reach it, and a bound this far below `Int64.max` keeps `node_seq + 1` from
    /// overflowing wherever it is computed.
    public static let maxNodeSeq: Int64 = 1 << 53

    /// More bases than this is not something reld writes (a resolve names every head of a field).
    public static let maxBases = 1000
    static let wireKeys = ["node", "node_seq", "record_id", "field", "value", "hlc", "bases"]
}
