import Foundation

extension HLCTimestamp {
    /// The wall time the stamp carries (its milliseconds since 1970).
    public var wallTime: Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    /// The wall time in ISO 8601 UTC: `2026-11-30T12:00:00.123Z` with `milliseconds`, else
    /// `2026-11-30T12:00:00Z`. Computed from the integer milliseconds, so it is exact: read back
    /// as an `as_of` (``AsOfTime``), the millisecond form names this very millisecond.
    public func iso8601(milliseconds: Bool) -> String {
        let (seconds, rest) = millis.quotientAndRemainder(dividingBy: 1000)
        let whole = Date(timeIntervalSince1970: Double(rest < 0 ? seconds - 1 : seconds)).formatted(.iso8601)
        guard milliseconds else { return whole }
        return whole.dropLast() + "." + String((rest < 0 ? rest + 1000 : rest) + 1000).dropFirst() + "Z"
    }
}
