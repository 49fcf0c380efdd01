import RelModel

/// relhub's two checks on a pushed batch, which refuse it whole (docs/sync-protocol.md, "Node
/// ownership" and "Change numbers"), decided here for either of its stores. The store answers
/// three questions through closures, inside the transaction that then applies the batch, so
/// two pushes racing for one node id cannot both bind it.
package enum PushRules {
    /// Checks `changes`, pushed by the token whose SHA-256 is `writer`; returns the nodes this
    /// push binds to `writer` (new ones: `declaredNode` only, or, without it, every node of
    /// the batch). `hasNumber` says whether the log holds a node's number, `owner` which token
    /// owns a node, `top` a node's highest number in the log. Each is asked at most once per
    /// change, so the check is linear in the batch.
    package static func check(
        _ changes: [Change], writer: String, declaredNode: String?,
        hasNumber: (String, Int64) throws -> Bool, owner: (String) throws -> String?, top: (String) throws -> Int64
    ) throws -> [String] {
        var owners: [String: String?] = [:]
        var highest: [String: Int64] = [:]
        var toBind: [String] = []
        for change in changes {
            let node = change.node
            // Replays (changes the hub has) pass: they add nothing, and a reset feed is refilled so.
            if try hasNumber(node, change.nodeSeq) { continue }
            if owners[node] == nil {
                let found = try owner(node)
                owners[node] = .some(found)
                if found == nil, declaredNode == nil || declaredNode == node { toBind.append(node) }
            }
            if let found = owners[node] ?? nil, found != writer {
                throw StoreError.nodeNotYours(node: node, nodeSeq: change.nodeSeq)
            }
            let current = try highest[node] ?? top(node)
            let (expected, overflow) = current.addingReportingOverflow(1)
            guard !overflow else { throw StoreError.sequenceExhausted(node: node) }
            guard change.nodeSeq <= expected else {
                throw StoreError.sequenceGap(node: node, nodeSeq: change.nodeSeq, expected: expected)
            }
            highest[node] = max(current, change.nodeSeq)
        }
        return toBind
    }
}
