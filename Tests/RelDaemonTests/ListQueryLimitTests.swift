import RelControlAPI
import Testing

// GET /v1/records refuses a request past its documented limits with a 400 that names the
// parameter and the limit, before SQLite's own limits turn it into a server error.
@Suite struct ListQueryLimitTests {
    func refusal(_ items: [(String, String)]) -> QueryError? {
        do {
            _ = try ListQuery(items: items)
            return nil
        } catch {
            return error
        }
    }

    @Test func partiesUpToTheLimitAreAccepted() throws {
        let query = try ListQuery(items: (0..<ListQuery.maxParties).map { ("party", "P\($0)") })
        #expect(query.parties.count == ListQuery.maxParties)
    }

    @Test func oneMorePartyIsRefusedNamingTheLimit() throws {
        let e = try #require(refusal((0..<996).map { ("party", "O\($0)") }))
        #expect(e.name == "party")
        #expect(e.reason == "is given more than 20 times; at most 20 parties can be asked for at once")
    }

    @Test(
        "values longer than their limit are refused with it, and cut in the message",
        arguments: [
            ("text", ListQuery.maxTextBytes), ("party", ListQuery.maxPartyBytes), ("category", ListQuery.maxOtherBytes),
            ("since", ListQuery.maxOtherBytes), ("limit", ListQuery.maxOtherBytes),
        ])
    func longValues(name: String, limit: Int) throws {
        #expect(refusal([(name, String(repeating: "x", count: limit))])?.reason.contains("bytes") != true)
        let long = String(repeating: "é", count: 50_000)  // 100 KB
        let e = try #require(refusal([(name, long)]))
        #expect(e.name == name)
        #expect(e.reason == "is 100000 bytes long; at most \(limit) bytes are allowed")
        #expect(e.description.count < 250, "the message quotes the value whole")
    }

    @Test func theLimitsFitReldsHTTPParser() {
        // 80 KiB is what NIO's HTTP parser takes for the request line and headers.
        #expect(ListQuery.maxEncodedBytes < 80 * 1024 - 1024)
    }
}
