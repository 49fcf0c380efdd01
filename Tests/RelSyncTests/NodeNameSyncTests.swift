import Foundation
import RelModel
import RelStore
import Testing

@testable import RelSync

/// Node names travel with pushes and come back in pages: history elsewhere says who, and
/// nobody can name a node that is not theirs.
@Suite struct NodeNameSyncTests {
    @Test func aNameGoesWithThePushAndArrivesWithThePage() async throws {
        try await withHub { hub in
            let a = try Replica("a", hub: hub)
            let b = try Replica("b", hub: hub)
            try await a.database.setNodeName("ana@laptop")
            try await a.write("ev-1")
            _ = try await a.sync()
            _ = try await b.sync()
            let history = try #require(try await b.database.history(id: "ev-1"))
            #expect(history.nodeNames == [a.node: "ana@laptop"])
            // A new name reaches others with the next changes pushed.
            try await a.database.setNodeName("ana@desk")
            try await a.write("ev-2")
            _ = try await a.sync()
            _ = try await b.sync()
            #expect(try await b.database.history(id: "ev-1")?.nodeNames == [a.node: "ana@desk"])
        }
    }

    @Test func aPushCannotNameAnotherTokensNode() async throws {
        try await withHub { hub in
            let a = try Replica("a", hub: hub)
            try await a.database.setNodeName("ana@laptop")
            try await a.write("ev-1")
            _ = try await a.sync()
            // Another token replays a's changes, declaring a's node with another name.
            let changes = try await a.database.changes()
            _ = try await hub.push(PushBatch(changes: changes), node: a.node, nodeName: "mallory", token: "token-m")
            let b = try Replica("b", hub: hub)
            _ = try await b.sync()
            #expect(try await b.database.history(id: "ev-1")?.nodeNames == [a.node: "ana@laptop"])
        }
    }

    @Test func aPageNamesOnlyItsOwnNodesAndDropsBadNames() throws {
        let change = Change(recordID: "r", field: "title", value: "x", hlc: HLCTimestamp(millis: 1, counter: 0), node: "n1", nodeSeq: 1)
        var json = FeedPage(feedID: "f", changes: [change], next: 1, more: false).json
        guard case .object(var o) = json else {
            Issue.record("a page's wire form is an object")
            return
        }
        o["node_names"] = ["n1": "ana\u{202E}gnp", "n2": "bo@desk"]
        json = .object(o)
        #expect(try FeedPage(json: json).nodeNames.isEmpty, "a bidi override and a node not in the page are dropped")
        o["node_names"] = ["n1": "ana@laptop"]
        #expect(try FeedPage(json: .object(o)).nodeNames == ["n1": "ana@laptop"])
        o["node_names"] = "not an object"
        #expect(try FeedPage(json: .object(o)).changes.count == 1, "a bad member never fails the page")
    }
}
