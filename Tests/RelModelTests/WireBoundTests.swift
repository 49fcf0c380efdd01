import RelModel
import Testing

/// Numbers that come from the network are bounded where they are read, so no later `+ 1` on
/// them can trap (issue: a change numbered `Int64.max` made every replica's next write die).
@Suite struct WireBoundTests {
    func change(nodeSeq: Int64) -> JSONValue {
        .object([
            "node": "n1", "node_seq": .int(nodeSeq), "record_id": "r1", "field": "title",
            "value": "T", "hlc": .int(1 << 16), "bases": .array([]),
        ])
    }

    @Test(arguments: [Int64(1), 2, Change.maxNodeSeq])
    func takesNodeSeqWithinBounds(_ n: Int64) throws {
        #expect(try Change(json: change(nodeSeq: n)).nodeSeq == n)
    }

    @Test(arguments: [Int64.min, -1, 0, Change.maxNodeSeq + 1, Int64.max])
    func refusesNodeSeqOutOfBounds(_ n: Int64) {
        #expect(throws: FieldError.self) { try Change(json: change(nodeSeq: n)) }
        do { _ = try Change(json: change(nodeSeq: n)) } catch {
            #expect(error.path == "node_seq")
            #expect(error.reason.contains("from 1 to 9007199254740992"), "\(error.reason)")
        }
    }

    @Test func theBoundLeavesRoomToCountOn() {
        #expect(Change.maxNodeSeq == 1 << 53)
        #expect(!Change.maxNodeSeq.addingReportingOverflow(1).overflow)
    }

    @Test func refusesAPageCursorOutOfBounds() throws {
        func page(next: Int64) -> JSONValue {
            .object(["feed_id": "hub", "changes": .array([]), "next": .int(next), "more": false])
        }
        #expect(try FeedPage(json: page(next: FeedPage.maxCursor)).next == FeedPage.maxCursor)
        for bad in [Int64(-1), FeedPage.maxCursor + 1, .max] {
            #expect(throws: FieldError.self) { try FeedPage(json: page(next: bad)) }
        }
    }
}
