import Foundation
import GRDB
import RelModel

extension AppDatabase {
    /// Merges a batch pushed to relhub by the holder of the token whose SHA-256 is `writer`
    /// (lowercase hex), after two checks that refuse the whole batch (docs/sync-protocol.md,
    /// "Node ownership" and "Change numbers"):
    ///
    /// - **Ownership.** A node id belongs to the token that first pushed new changes under it.
    ///   New changes under a node owned by another token are refused
    ///   (``StoreError/nodeNotYours(node:nodeSeq:)``); changes the hub has already are replays
    ///   and pass whoever sends them. `declaredNode` is the pusher's own node id (the
    ///   `Reld-Node` header): only that node is bound by this push, so a replica relaying
    ///   others' changes after a hub reset does not take their ids. Without it, every node of
    ///   the batch is taken as the pusher's own (clients of version 0.2.0 and scripts).
    /// - **Contiguity.** A node's numbers only move forward by what it pushes: each new change
    ///   is at most one past the highest number the hub (or the batch before it) has for its node
    ///   (``StoreError/sequenceGap(node:nodeSeq:expected:)``). Lower numbers the hub lacks may
    ///   still come, so that replays of older feeds fill their holes.
    ///
    /// Both are checked in the transaction that applies the batch, so two pushes racing for one
    /// node id cannot both bind it. The work is linear in the batch: two indexed lookups per change.
    ///
    /// `declaredName` (the `Reld-Node-Name` header, checked by ``NodeName``) names `declaredNode`
    /// once the batch is taken, if the writer owns that node: nobody can rename another's node.
    public func applyPushed(
        _ changes: [Change], writer: String, declaredNode: String?, declaredName: String? = nil,
        bound: ClockBound = .default
    ) async throws -> ApplySummary {
        try await applyRemote(
            changes, bound: bound, materialize: false,
            before: { db in
                try Self.checkPush(db, changes, writer: writer, declaredNode: declaredNode)
            },
            within: { db in
                guard let node = declaredNode, let name = declaredName else { return }
                let owner = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT token_sha256 FROM node_owners WHERE node = ?"), arguments: [node])
                if owner == writer { try Self.saveNodeNames(db, [node: name]) }
            })
    }

    /// ``PushRules`` over this store's tables; binds the nodes the push takes.
    static func checkPush(_ db: Database, _ changes: [Change], writer: String, declaredNode: String?) throws {
        let toBind = try PushRules.check(
            changes, writer: writer, declaredNode: declaredNode,
            hasNumber: { node, nodeSeq in try FieldState.hasNumber(db, node: node, nodeSeq: nodeSeq) },
            owner: { node in
                try String.fetchOne(db.cachedStatement(sql: "SELECT token_sha256 FROM node_owners WHERE node = ?"), arguments: [node])
            },
            top: { node in
                try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(node_seq) FROM changes WHERE node = ?"), arguments: [node]) ?? 0
            })
        let now = WallClock.system.nowMillis()
        for node in toBind {
            try db.cachedStatement(sql: "INSERT INTO node_owners (node, token_sha256, bound_at) VALUES (?, ?, ?)")
                .execute(arguments: [node, writer, now])
        }
    }

    /// The SHA-256 (hex) of the token that owns `node` on this hub, if one does.
    public func nodeOwner(_ node: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT token_sha256 FROM node_owners WHERE node = ?", arguments: [node])
        }
    }
}
