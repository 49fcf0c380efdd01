/// When something happened or was agreed, to the precision the source allows.
///
/// Follows the sample data's model: an `instant`, an `interval` from start to end, an uncertain
/// `window` (the date lies somewhere between start and end, as in UCDP), or `unknown`.
public struct DateSpec: Sendable, Hashable {
    /// The shape of the date.
    public enum Kind: String, Sendable, CaseIterable {
        case instant, interval, window, unknown
    }

    /// The shape of the date.
    public var type: Kind
    /// The first bound; set unless the date is unknown.
    public var start: PartialDate?
    /// The last bound of an interval or window; `nil` means open or not stated.
    public var end: PartialDate?
    /// Whether the bounds are inferred or vague rather than stated.
    public var approximate: Bool

    /// The coarsest granularity among the bounds that are set.
    public var precision: DatePrecision {
        guard type != .unknown else { return .unknown }
        return [start, end].compactMap { $0?.precision }.min() ?? .unknown
    }

    /// An unknown date.
    public static let unknown = DateSpec(type: .unknown, start: nil, end: nil, approximate: false)

    /// Creates a date; ``validate()`` checks that the parts agree.
    public init(type: Kind, start: PartialDate?, end: PartialDate?, approximate: Bool) {
        self.type = type
        self.start = start
        self.end = end
        self.approximate = approximate
    }

    /// Checks the rules that tie the parts together; the error names the part at fault.
    public func validate() throws(FieldError) {
        switch type {
        case .unknown:
            if let start { throw FieldError("start", .string(start.description), "must be null when type is unknown") }
            if let end { throw FieldError("end", .string(end.description), "must be null when type is unknown") }
            if approximate { throw FieldError("approximate", .bool(true), "must be false when type is unknown") }
        case .instant:
            if start == nil { throw FieldError("start", .null, "is required when type is instant") }
            if let end { throw FieldError("end", .string(end.description), "must be null when type is instant") }
        case .interval, .window:
            guard let start else { throw FieldError("start", .null, "is required when type is \(type.rawValue)") }
            if let end, end.latest < start.earliest {
                throw FieldError("end", .string(end.description), "is before start \(start)")
            }
        }
    }

    /// The first day the date can mean, `YYYY-MM-DD`, or `nil` when unknown. Used to sort.
    public var lowerBound: String? { start?.earliest }

    /// The last day the date can mean, `YYYY-MM-DD`; open ends reach 9999-12-31.
    public var upperBound: String? {
        guard let start else { return nil }
        switch type {
        case .instant: return start.latest
        case .interval, .window: return end?.latest ?? "9999-12-31"
        case .unknown: return nil
        }
    }

    /// The date as the record schema writes it.
    public var json: JSONValue {
        [
            "type": .string(type.rawValue),
            "start": start.map { .string($0.description) } ?? .null,
            "end": end.map { .string($0.description) } ?? .null,
            "precision": .string(precision.rawValue),
            "approximate": .bool(approximate),
        ]
    }

    /// A short form for people, the same syntax ``init(parsing:)`` reads.
    public var text: String {
        let mark = approximate ? "~" : ""
        switch type {
        case .unknown: return "unknown"
        case .instant: return "\(start!)\(mark)"
        case .interval: return "\(start!)/\(end.map(\.description) ?? "..")\(mark)"
        case .window: return "\(start!)..\(end.map(\.description) ?? "")\(mark)"
        }
    }

    /// Reads the short form people type:
    /// `2023-02-07`, `2023-02`, `2023` (instants); `1960/1991` and `2022/..` (intervals, open end);
    /// `1960..1961` (a window: one date somewhere in that span); a trailing `~` marks the date
    /// approximate; `unknown`.
    public init(parsing raw: String) throws(DateError) {
        var text = raw.trimmingSpaces
        guard !text.isEmpty else { throw DateError("expected a date such as 2023-02-07, 2023-02, 2023 or 1960/1991") }
        if text == "unknown" {
            self = .unknown
            return
        }
        var approximate = false
        if text.hasSuffix("~") {
            approximate = true
            text.removeLast()
        }
        if text.hasPrefix("..") || text.hasPrefix("/") {
            throw DateError(
                "the start is missing: a span is written START/END (1960/1991), START/.. for an open end (2022/..), or START..END for a window (1960..1961)"
            )
        }
        if let range = text.firstRange(of: ".."), !text.contains("/") {
            let a = String(text[..<range.lowerBound])
            let b = String(text[range.upperBound...])
            self.init(
                type: .window, start: try PartialDate(parsing: a),
                end: b.isEmpty ? nil : try PartialDate(parsing: b), approximate: approximate)
        } else if let slash = text.firstIndex(of: "/") {
            let a = String(text[..<slash])
            let b = String(text[text.index(after: slash)...])
            let open = b.isEmpty || b == ".."
            self.init(
                type: .interval, start: try PartialDate(parsing: a),
                end: open ? nil : try PartialDate(parsing: b), approximate: approximate)
        } else {
            self.init(type: .instant, start: try PartialDate(parsing: text), end: nil, approximate: approximate)
        }
        do { try validate() } catch {
            throw DateError([error.path, error.value.flatMap(\.stringValue), error.reason].compactMap { $0 }.joined(separator: " "))
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s.removeLast() }
        return String(s)
    }
}
