import Hummingbird
import HummingbirdTesting
import RelControlAPI
import RelModel
import Testing

/// The record routes of the control API, in process: each one's success and every error it can
/// answer, with the members a client reads (docs/control-api.md).
@Suite struct ControlRoutesRecordTests {
    @Test func statusCountsRecordsAndNamesTheStore() async throws {
        try await withControlAPI(configure: { $0.socketPath = "/run/test/reld.sock" }) { client, database in
            try await client.create(eventJSON("ev-1"))
            let response = try await client.send(.get, Routes.status)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let json = try response.json
            #expect(json["version"]?.stringValue == RelVersion.current)
            #expect(json["node_id"]?.stringValue == database.nodeID)
            #expect(json["records"]?["event"] == .int(1))
            #expect(json["records"]?["agreement"] == .int(0))
            #expect(json["records"]?["deleted"] == .int(0))
            #expect(json["pending_changes"] != nil)
            #expect(json["open_conflicts"] == .int(0))
            #expect(json["socket"]?.stringValue == "/run/test/reld.sock")
            #expect(json["database"]?["path"]?.stringValue == database.path)
            #expect(json["started_at"]?.stringValue?.hasSuffix("Z") == true)
            #expect(json["sync"] == nil, "no feed, no sync member")
        }
    }

    @Test func listFiltersCountsAndRefusesBadParameters() async throws {
        try await withControlAPI { client, _ in
            try await client.create(eventJSON("ev-1"))
            try await client.create(
                "{\"id\":\"ev-2\",\"kind\":\"event\",\"title\":\"Coup\",\"category\":\"military\",\"date\":\"2021\",\"parties\":[\"ML\"]}")
            let all = try await client.send(.get, Routes.records)
            #expect(all.status == .ok)
            #expect(try all.json["total"] == .int(2))
            #expect(try all.json["records"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["ev-2", "ev-1"], "by date")
            let filtered = try await client.send(.get, Routes.records + "?party=RU&kind=event&limit=5")
            #expect(try filtered.json["records"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["ev-1"])
            #expect(try filtered.json["total"] == .int(1))
            let paged = try await client.send(.get, Routes.records + "?limit=1&offset=1")
            #expect(try paged.json["records"]?.arrayValue?.count == 1)
            #expect(try paged.json["total"] == .int(2), "total counts before limit and offset")

            let zero = try await client.send(.get, Routes.records + "?limit=0")
            expectError(zero, .badRequest, "bad_request")
            #expect(try zero.json["error"]?["field"]?.stringValue == "limit")
            #expect(try zero.json["error"]?["value"]?.stringValue == "\"0\"")
            expectError(try await client.send(.get, Routes.records + "?colour=red"), .badRequest, "bad_request")
            expectError(try await client.send(.get, Routes.records + "?since=2025&until=2020"), .badRequest, "bad_request")
        }
    }

    @Test func createAnswers201WithTheIdAndRefusesWhatItCannotStore() async throws {
        try await withControlAPI { client, _ in
            let generated = try await client.send(
                .post, Routes.records, "{\"kind\":\"event\",\"title\":\"Talks\",\"category\":\"diplomatic\"}")
            #expect(generated.status == .created)
            let id = try #require(try generated.json["id"]?.stringValue)
            #expect(id == id.lowercased() && UUIDLike.matches(id), "a lower-case UUID: \(id)")
            #expect(try await client.create(eventJSON("ev-1")) == "ev-1")

            expectError(try await client.send(.post, Routes.records, eventJSON("ev-1")), .conflict, "conflict")
            let invalid = try await client.send(
                .post, Routes.records, "{\"id\":\"ev-9\",\"kind\":\"event\",\"title\":\"x\",\"category\":\"sports\"}")
            expectError(invalid, .unprocessableContent, "validation_failed")
            let error = try invalid.json["error"]
            #expect(error?["field"]?.stringValue == "category")
            #expect(error?["value"]?.stringValue == "\"sports\"")
            #expect(error?["record_id"]?.stringValue == "ev-9")
            #expect(error?["record_index"] == .null)
            let notObject = try await client.send(.post, Routes.records, "[1]")
            expectError(notObject, .unprocessableContent, "validation_failed")
            #expect(try notObject.json["error"]?["field"]?.stringValue == "(record)")
            expectError(try await client.send(.post, Routes.records, "{\"kind\":"), .badRequest, "bad_request")
            expectError(try await client.send(.post, Routes.records), .badRequest, "bad_request")
            expectError(try await client.send(.post, Routes.records, "{\"a\":1,\"a\":2}"), .badRequest, "bad_request")

            _ = try await client.send(.delete, Routes.record("ev-1"))
            let taken = try await client.send(.post, Routes.records, eventJSON("ev-1"))
            expectError(taken, .conflict, "deleted")
            #expect(taken.errorMessage.contains("relctl restore ev-1"))
        }
    }

    @Test func showGivesTheCanonicalRecordOrSaysWhyNot() async throws {
        try await withControlAPI { client, _ in
            try await client.create(eventJSON("ev-1"))
            let shown = try await client.send(.get, Routes.record("ev-1"))
            #expect(shown.status == .ok)
            let record = try shown.json
            #expect(record["title"]?.stringValue == "Foreign minister visits Bamako")
            #expect(record["source"] == .null, "every field present, null where unset")
            #expect(record["date"]?["precision"]?.stringValue == "day")

            expectError(try await client.send(.get, Routes.record("ev-404")), .notFound, "not_found")
            expectError(try await client.send(.get, Routes.record("not%20an%20id")), .notFound, "not_found")
            _ = try await client.send(.delete, Routes.record("ev-1"))
            expectError(try await client.send(.get, Routes.record("ev-1")), .notFound, "deleted")

            let tombstone = try await client.send(.get, Routes.record("ev-1") + "?include_deleted=true")
            #expect(tombstone.status == .ok)
            #expect(try tombstone.json["deleted"] == .bool(true))
            #expect(try tombstone.json["record"]?["id"]?.stringValue == "ev-1")
            try await client.create(eventJSON("ev-2"))
            #expect(try await client.send(.get, Routes.record("ev-2") + "?include_deleted=true").json["deleted"] == .bool(false))
            expectError(try await client.send(.get, Routes.record("ev-404") + "?include_deleted=true"), .notFound, "not_found")
        }
    }

    @Test func editAnswersTheWholeRecordOrEachError() async throws {
        try await withControlAPI { client, _ in
            try await client.create(eventJSON("ev-1"))
            let edited = try await client.send(
                .patch, Routes.record("ev-1"),
                "{\"set\":{\"title\":\"Visit\",\"date.start\":\"2023-02\"},\"add\":{\"tags\":[\"visit\"]}}")
            #expect(edited.status == .ok, "\(edited.text)")
            #expect(try edited.json["title"]?.stringValue == "Visit")
            #expect(try edited.json["date"]?["precision"]?.stringValue == "month")
            #expect(try edited.json["tags"] == .array([.string("visit")]))

            for shape in ["[]", "{\"set\":{}}", "{\"put\":{\"title\":\"x\"}}", "{\"set\":{\"\":1}}", "{\"add\":{\"tags\":\"x\"}}", "{}"] {
                expectError(try await client.send(.patch, Routes.record("ev-1"), shape), .badRequest, "bad_request")
            }
            expectError(try await client.send(.patch, Routes.record("ev-1"), "{\"set\":"), .badRequest, "bad_request")
            let kind = try await client.send(.patch, Routes.record("ev-1"), "{\"set\":{\"kind\":\"agreement\"}}")
            expectError(kind, .unprocessableContent, "validation_failed")
            #expect(try kind.json["error"]?["field"]?.stringValue == "kind")
            expectError(
                try await client.send(.patch, Routes.record("ev-1"), "{\"remove\":{\"tags\":[\"absent\"]}}"), .conflict, "not_in_list")
            expectError(try await client.send(.patch, Routes.record("ev-404"), "{\"set\":{\"title\":\"x\"}}"), .notFound, "not_found")
            _ = try await client.send(.delete, Routes.record("ev-1"))
            expectError(try await client.send(.patch, Routes.record("ev-1"), "{\"set\":{\"title\":\"x\"}}"), .notFound, "deleted")
        }
    }

    @Test func deleteLeavesATombstoneOnce() async throws {
        try await withControlAPI { client, _ in
            try await client.create(eventJSON("ev-1"))
            let deleted = try await client.send(.delete, Routes.record("ev-1"))
            #expect(deleted.status == .ok)
            #expect(try deleted.json == .object(["deleted": .bool(true), "id": .string("ev-1")]))
            expectError(try await client.send(.delete, Routes.record("ev-1")), .notFound, "deleted")
            expectError(try await client.send(.delete, Routes.record("ev-404")), .notFound, "not_found")
        }
    }
}

/// A lower-case UUID, as reld assigns to records sent without an id.
enum UUIDLike {
    static func matches(_ s: String) -> Bool {
        let groups = s.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
        return groups == [8, 4, 4, 4, 12] && s.allSatisfy { $0 == "-" || $0.isHexDigit }
    }
}
