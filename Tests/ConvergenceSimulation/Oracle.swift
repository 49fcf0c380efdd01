import RelModel

/// Computes, from a change log alone, each field's value (its greatest head: the greatest version
/// no change replaced) and which versions should be open conflicts: the other heads whose values
/// differ from it.
public struct Oracle {
    /// `record.field@stamp` of every version that should be an open conflict.
    public var openConflicts: Set<String> = []
    /// Each `record.field`'s value by the log.
    public var values: [String: JSONValue] = [:]

    /// The oracle of `changes`, in any order.
    public init(changes: [Change]) {
        var byField: [String: [Change]] = [:]
        for c in changes { byField["\(c.recordID).\(c.field)", default: []].append(c) }
        for (key, versions) in byField {
            let replaced = Set(versions.flatMap(\.bases))
            let heads = versions.filter { !replaced.contains($0.stamp) }
            guard let winner = heads.max(by: { $0.stamp < $1.stamp }) else { continue }
            values[key] = winner.value
            for h in heads where h.stamp != winner.stamp && h.value != winner.value {
                openConflicts.insert("\(key)@\(h.stamp)")
            }
        }
    }
}
