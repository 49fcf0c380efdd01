import Foundation
import Hummingbird
import HummingbirdTesting
import RelControlAPI
import RelModel
import RelStore
import Testing

/// `GET /v1/records/{id}/history` and `GET /v1/records/{id}?as_of=`, in process.
@Suite struct ControlRoutesHistoryTests {
    @Test func historyTellsEachChangeWithItsNodeAndName() async throws {
        try await withControlAPI { client, database in
            try await database.setNodeName("ana@laptop")
            try await client.create(eventJSON("ev-1", title: "Visit"))
            _ = try await client.send(.patch, Routes.record("ev-1"), #"{"set":{"title":"State visit"}}"#)
            _ = try await client.send(.delete, Routes.record("ev-1"))
            let response = try await client.send(.get, Routes.history("ev-1"))
            #expect(response.status == .ok)
            let history = try JSONDecoder().decode(HistoryResponse.self, from: Data(buffer: response.body))
            #expect(history.entries.first?.action == "created")
            #expect(history.entries.allSatisfy { $0.nodeName == "ana@laptop" && $0.local && $0.node == database.nodeID })
            let titles = history.entries.filter { $0.field == "title" }
            #expect(titles.map(\.value) == ["Visit", "State visit"])
            #expect(titles.last?.old.map(\.value) == ["Visit"])
            #expect(history.entries.last?.action == "deleted")
            #expect(history.total == history.entries.count)

            let narrowed = try JSONDecoder().decode(
                HistoryResponse.self,
                from: Data(buffer: try await client.send(.get, Routes.history("ev-1") + "?field=title&offset=1").body))
            #expect(narrowed.entries.map(\.value) == ["State visit"] && narrowed.total == 2)
            let bad = try await client.send(.get, Routes.history("ev-1") + "?field=colour")
            expectError(bad, .badRequest, "bad_request")
            #expect(try bad.json["error"]?["field"]?.stringValue == "field")
            expectError(try await client.send(.get, Routes.history("no-such")), .notFound, "not_found")
        }
    }

    @Test func asOfRebuildsTheRecordAsItStoodAtAnEntrysTime() async throws {
        try await withControlAPI { client, _ in
            try await client.create(eventJSON("ev-1", title: "Visit"))
            let history = try JSONDecoder().decode(
                HistoryResponse.self, from: Data(buffer: try await client.send(.get, Routes.history("ev-1")).body))
            // The time an entry shows, read back as as_of, names the same millisecond; the edit
            // is made in a later one (a wait of at most a millisecond for the clock to move on).
            let created = try #require(history.entries.first?.time)
            let createdMillis = try AsOfTime(parsing: created).millis
            while Int64(Date().timeIntervalSince1970 * 1000) <= createdMillis { await Task.yield() }
            _ = try await client.send(.patch, Routes.record("ev-1"), #"{"set":{"title":"State visit"}}"#)
            let then = try await client.send(.get, Routes.record("ev-1") + "?as_of=" + created)
            #expect(then.status == .ok)
            #expect(try then.json["record"]?["title"] == "Visit")
            #expect(try then.json["deleted"] == false)
            let never = try await client.send(.get, Routes.record("ev-1") + "?as_of=2001-01-01")
            expectError(never, .notFound, "not_found")
            #expect(never.errorMessage.hasPrefix("record ev-1 did not exist yet at 2001-01-01 (its first change is stamped "))
            let bad = try await client.send(.get, Routes.record("ev-1") + "?as_of=2026-02-30")
            expectError(bad, .badRequest, "bad_request")
            #expect(bad.errorMessage == #"query parameter as_of "2026-02-30": day must be 01-28 for 2026-02"#)
        }
    }
}
