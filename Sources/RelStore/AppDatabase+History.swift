import GRDB
import RelModel

/// A record's history as this store knows it: its changes and the names of the nodes that made them.
public struct StoredHistory: Sendable {
    /// The changes, folded into a history.
    public var history: RecordHistory
    /// Names of the nodes that made them, by node id, where known.
    public var nodeNames: [String: String]
}

extension AppDatabase {
    /// Every change this store has of record `id`, made here or received; `nil` if it has none.
    ///
    /// A store that follows a snapshot feed holds only the versions a snapshot carries, so its
    /// history starts with the snapshot it first read.
    public func history(id: String) async throws -> StoredHistory? {
        try await read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT record_id, field, value, hlc, node, node_seq, bases FROM changes WHERE record_id = ?"),
                arguments: [id])
            guard !rows.isEmpty else { return nil }
            let history = RecordHistory(changes: try rows.map(FieldState.change))
            let nodes = Set(history.changes.map(\.node))
            return StoredHistory(history: history, nodeNames: try Self.nodeNames(db, nodes))
        }
    }

    /// The names of `nodes` that have one.
    public func nodeNames(of nodes: Set<String>) async throws -> [String: String] {
        try await read { db in try Self.nodeNames(db, nodes) }
    }

    /// This node's name, if one was set.
    public func nodeName() async throws -> String? {
        try await read { db in try Self.nodeNames(db, [self.nodeID])[self.nodeID] }
    }

    /// Sets this node's name (from its config); `nil` forgets it.
    public func setNodeName(_ name: String?) async throws {
        try await write { db in try Self.saveNodeNames(db, [self.nodeID: name]) }
    }

    /// Names of `nodes` that have one; one indexed lookup per node.
    static func nodeNames(_ db: Database, _ nodes: Set<String>) throws -> [String: String] {
        var names: [String: String] = [:]
        let statement = try db.cachedStatement(sql: "SELECT name FROM node_names WHERE node = ?")
        for node in nodes {
            if let name = try String.fetchOne(statement, arguments: [node]) { names[node] = name }
        }
        return names
    }

    /// Saves names (a `nil` name removes one), unchanged rows left alone.
    static func saveNodeNames(_ db: Database, _ names: [String: String?]) throws {
        for (node, name) in names {
            if let name {
                try db.cachedStatement(
                    sql:
                        "INSERT INTO node_names (node, name) VALUES (?, ?) ON CONFLICT (node) DO UPDATE SET name = excluded.name WHERE name != excluded.name"
                ).execute(arguments: [node, name])
            } else {
                try db.cachedStatement(sql: "DELETE FROM node_names WHERE node = ?").execute(arguments: [node])
            }
        }
    }
}
