/// How a hybrid-clock value is written in JSON.
///
/// A packed clock value is above 2^53 (milliseconds shifted left by 16 bits), past what a
/// JavaScript number or jq holds exactly, so clients see it as a decimal string. Feed readers
/// take both forms; feed writers choose by what the other side reads (docs/sync-protocol.md,
/// "Clock values as strings").
public enum HLCForm: Sendable, Equatable {
    /// A JSON integer: what every version of reld and relhub reads.
    case integer
    /// A decimal string (`"116049658961592320"`): exact in every JSON reader.
    case string
}

extension HLCTimestamp {
    /// The wire form in `form`.
    public func json(_ form: HLCForm) -> JSONValue {
        switch form {
        case .integer: .int(rawValue)
        case .string: .string(String(rawValue))
        }
    }

    /// Reads a clock value in either form: a non-negative JSON integer, or a string of 1-19
    /// ASCII digits without leading zeros whose value fits a 64-bit integer.
    public init?(wire value: JSONValue) {
        switch value {
        case .int(let i) where i >= 0: self.init(rawValue: i)
        case .string(let s):
            guard let i = Self.decimal(s) else { return nil }
            self.init(rawValue: i)
        default: return nil
        }
    }

    /// What ``init(wire:)`` accepts, for error messages.
    public static let wireRule = "must be a non-negative integer, or one written as a decimal string (\"116049658961592320\")"

    /// The value of a canonical decimal string, or `nil`: no sign, space, exponent or other
    /// base, no leading zero, at most 19 digits (checked before converting), at most Int64.max.
    static func decimal(_ s: String) -> Int64? {
        let utf8 = s.utf8
        guard (1...19).contains(utf8.count), utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        guard utf8.count == 1 || utf8.first != 48 else { return nil }
        return Int64(s)
    }
}
