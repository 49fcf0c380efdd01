/// A hybrid logical clock timestamp: wall-clock milliseconds and a counter, packed so that
/// timestamps order as integers.
///
/// Every change carries one; with the node id it totally orders concurrent writes to a field
/// (Kulkarni et al., "Logical Physical Clocks", 2014).
public struct HLCTimestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970 in the high 48 bits, a counter in the low 16.
    public let rawValue: Int64

    /// Wraps a packed value.
    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// Packs milliseconds and a counter.
    public init(millis: Int64, counter: Int) {
        rawValue = (millis << 16) | Int64(counter & 0xFFFF)
    }

    /// Wall-clock part, milliseconds since 1970.
    public var millis: Int64 { rawValue >> 16 }
    /// Counter part: orders events within one millisecond.
    public var counter: Int { Int(rawValue & 0xFFFF) }

    /// The zero timestamp, before every real one.
    public static let zero = HLCTimestamp(rawValue: 0)

    /// Orders by packed value.
    public static func < (a: HLCTimestamp, b: HLCTimestamp) -> Bool { a.rawValue < b.rawValue }

    /// `millis.counter`, e.g. `1764489217123.0001`.
    public var description: String {
        let c = String(counter)
        return "\(millis)." + String(repeating: "0", count: max(0, 4 - c.count)) + c
    }

    /// Encodes as the packed integer.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    /// Decodes the packed integer.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }
}

/// The clock itself: pure, so that callers supply the wall time and tests can play with it.
public struct HybridLogicalClock: Sendable {
    /// The last timestamp issued or seen.
    public private(set) var last: HLCTimestamp

    /// Starts from `last`, e.g. the newest timestamp in the change log.
    public init(last: HLCTimestamp = .zero) { self.last = last }

    /// A timestamp for a local event at wall time `nowMillis`, later than every one before.
    public mutating func tick(nowMillis: Int64) -> HLCTimestamp {
        if nowMillis > last.millis {
            last = HLCTimestamp(millis: nowMillis, counter: 0)
        } else if last.counter < 0xFFFF {
            last = HLCTimestamp(millis: last.millis, counter: last.counter + 1)
        } else {
            // Counter exhausted within one millisecond: borrow the next millisecond.
            last = HLCTimestamp(millis: last.millis + 1, counter: 0)
        }
        return last
    }

    /// Takes in a timestamp from another node so that later local ticks order after it.
    public mutating func observe(_ remote: HLCTimestamp) {
        if remote > last { last = remote }
    }
}
