/// Refuses changes stamped too far ahead of this machine's clock.
///
/// A hybrid logical clock adopts the greatest time it sees, so one node with its clock set years
/// ahead would otherwise win every later edit, everywhere, for years. Changes more than
/// `maxSkewMillis` ahead of local wall time are refused (the batch fails with an error that names
/// the node and how far ahead it is); they are applied once the clocks agree within the bound.
public struct ClockBound: Sendable, Equatable {
    /// How far ahead of local wall time a change may be, in milliseconds.
    public var maxSkewMillis: Int64

    /// The default bound: one day, wide enough for a machine with a wrong time zone.
    public static let `default` = ClockBound(maxSkewMillis: 86_400_000)

    /// Creates a bound.
    public init(maxSkewMillis: Int64) { self.maxSkewMillis = maxSkewMillis }

    /// Fails if `change` is stamped more than the bound ahead of `nowMillis`.
    public func check(_ change: Change, nowMillis: Int64) throws(ClockAheadError) {
        let ahead = change.hlc.millis - nowMillis
        if ahead > maxSkewMillis {
            throw ClockAheadError(node: change.node, aheadMillis: ahead, maxSkewMillis: maxSkewMillis)
        }
    }
}

/// A change whose clock is too far ahead of ours.
public struct ClockAheadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The node that made the change.
    public var node: String
    /// How far ahead of local time it is.
    public var aheadMillis: Int64
    /// The bound it broke.
    public var maxSkewMillis: Int64

    /// Names the node and the skew, and what to do.
    public var description: String {
        "a change from node \(node) is stamped \(Self.human(aheadMillis)) ahead of this machine's clock "
            + "(at most \(Self.human(maxSkewMillis)) is accepted); set that machine's clock right (or this one's, if it is behind)"
    }

    static func human(_ ms: Int64) -> String {
        let s = ms / 1000
        if s >= 86_400 { return "\(s / 86_400)d \(s % 86_400 / 3600)h" }
        if s >= 3600 { return "\(s / 3600)h \(s % 3600 / 60)m" }
        if s >= 60 { return "\(s / 60)m \(s % 60)s" }
        return "\(s)s"
    }
}
