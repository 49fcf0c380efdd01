import Foundation
import Hummingbird
import HummingbirdTesting
import RelControlAPI
import RelModel
import Testing

/// `GET /v1/search`, in process: ranked hits with rank and snippet, deleted records only when
/// asked for, and 400s that name the parameter and say what is wrong with a query.
@Suite struct ControlRoutesSearchTests {
    @Test func hitsBestFirstWithRankAndSnippet() async throws {
        try await withControlAPI { client, _ in
            try await client.create(eventJSON("ev-1", title: "Foreign minister visits Bamako"))
            try await client.create(eventJSON("ev-2", title: "Convoy attacked near Goundam"))
            _ = try await client.send(.patch, Routes.record("ev-2"), #"{"set":{"notes":"On the road from Bamako."}}"#)
            let response = try await client.send(.get, Routes.search + "?q=bamako")
            #expect(response.status == .ok, "\(response.text)")
            let page = try JSONDecoder().decode(SearchPage.self, from: Data(response.text.utf8))
            #expect(page.total == 2)
            #expect(page.hits.map { $0.record["id"]?.stringValue } == ["ev-1", "ev-2"])
            #expect(page.hits[0].rank < page.hits[1].rank)
            #expect(page.hits[0].snippet == "Foreign minister visits [Bamako]")
            #expect(page.hits.allSatisfy { !$0.deleted })

            _ = try await client.send(.delete, Routes.record("ev-1"))
            let live = try await client.send(.get, Routes.search + "?q=bamako&kind=event")
            #expect(try live.json["total"] == .int(1))
            let all = try await client.send(.get, Routes.search + "?q=bamako&deleted=true&limit=1")
            #expect(try all.json["total"] == .int(2))
            #expect(try all.json["hits"]?.arrayValue?.first?["deleted"] == .bool(true))
        }
    }

    @Test(arguments: [
        ("q=%22bamako", "q", "search \"\\\"bamako\": a double quote is not closed"),
        ("q=bamako%20AND", "q", "search \"bamako AND\": ends with AND: it needs a term after it"),
        ("q=", "q", "search \"\": is empty; give a word to search for"),
        ("kind=event", "q", "query parameter q \"\": is missing; give the words to search for"),
        ("q=x&text=y", "text", "query parameter text \"y\": is not a parameter of search; put the words in q"),
        ("q=x&deleted=yes", "deleted", "query parameter deleted \"yes\": must be true or false"),
        ("q=x&limit=0", "limit", "query parameter limit \"0\": must be a whole number 1-100000"),
    ])
    func aBadQueryIs400NamingIt(query: String, field: String, message: String) async throws {
        try await withControlAPI { client, _ in
            let response = try await client.send(.get, Routes.search + "?" + query)
            expectError(response, .badRequest, "bad_request")
            #expect(try response.json["error"]?["field"] == .string(field))
            #expect(response.errorMessage.hasPrefix(message), "\(response.errorMessage)")
            #expect(!response.errorMessage.contains("fts5"))
        }
    }
}
