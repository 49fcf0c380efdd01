import Foundation
import Hummingbird
import HummingbirdTesting
import RelControlAPI
import RelModel
import Testing

/// Import, export and the request body limits of the control API, in process.
@Suite struct ControlRoutesImportTests {
    static let two = "[" + eventJSON("ev-1") + "," + eventJSON("ev-2", title: "Talks") + "]"

    @Test func importCountsCreatedUpdatedAndUnchanged() async throws {
        try await withControlAPI { client, _ in
            let first = try await client.send(.post, Routes.importRecords, Self.two)
            #expect(first.status == .ok)
            #expect(try first.json == .object(["created": .int(2), "unchanged": .int(0), "updated": .int(0)]))
            let again = try await client.send(
                .post, Routes.importRecords, "[" + eventJSON("ev-1") + "," + eventJSON("ev-2", title: "New") + "]")
            #expect(try again.json == .object(["created": .int(0), "unchanged": .int(1), "updated": .int(1)]))
            let empty = try await client.send(.post, Routes.importRecords, "[]")
            #expect(try empty.json == .object(["created": .int(0), "unchanged": .int(0), "updated": .int(0)]))
        }
    }

    @Test func importIsAllOrNothingAndNamesTheBadRecord() async throws {
        try await withControlAPI { client, _ in
            let bad = "[" + eventJSON("ev-1") + ",{\"id\":\"ev-2\",\"kind\":\"event\",\"title\":\"x\",\"category\":\"sports\"}]"
            let refused = try await client.send(.post, Routes.importRecords, bad)
            expectError(refused, .unprocessableContent, "validation_failed")
            let error = try refused.json["error"]
            #expect(error?["record_index"] == .int(1))
            #expect(error?["record_id"]?.stringValue == "ev-2")
            #expect(error?["field"]?.stringValue == "category")
            #expect(refused.errorMessage.hasPrefix("record 2 (id \"ev-2\"): "))
            expectError(try await client.send(.get, Routes.record("ev-1")), .notFound, "not_found")

            let twice = try await client.send(.post, Routes.importRecords, "[" + eventJSON("ev-1") + "," + eventJSON("ev-1") + "]")
            expectError(twice, .unprocessableContent, "validation_failed")
            #expect(try twice.json["error"]?["field"]?.stringValue == "id")
            #expect(try twice.json["error"]?["record_index"] == .int(1))
            let notObject = try await client.send(.post, Routes.importRecords, "[7]")
            #expect(try notObject.json["error"]?["field"]?.stringValue == "(record)")
            expectError(try await client.send(.post, Routes.importRecords, eventJSON("ev-1")), .badRequest, "bad_request")
            expectError(try await client.send(.post, Routes.importRecords, "[{"), .badRequest, "bad_request")
            expectError(try await client.send(.post, Routes.importRecords), .badRequest, "bad_request")
        }
    }

    /// The body is split and checked record by record as it arrives (`JSONArraySplitter`), so
    /// what it says of a bad body must be what a parse of the whole body would say.
    @Test func theBodyIsCheckedRecordByRecordWithPlacesInTheWholeBody() async throws {
        try await withControlAPI { client, database in
            let malformed = "[\n" + eventJSON("ev-1") + ",\n  {\"id\":\"ev-2\",\n   \"kind\" \"event\"}\n]"
            let refused = try await client.send(.post, Routes.importRecords, malformed)
            expectError(refused, .badRequest, "bad_request")
            let whole = try #require(throws: JSONParseError.self) { _ = try JSONValue.parse(malformed) }
            #expect(refused.errorMessage == whole.description, "\(refused.errorMessage)")
            #expect(refused.errorMessage.contains("line 4, column 11"))

            // One record past 8 MiB is refused by its place before the rest is read.
            let huge = "{\"id\":\"huge\",\"notes\":\"" + String(repeating: "x", count: 8 << 20) + "\"}"
            let tooLarge = try await client.send(.post, Routes.importRecords, "[" + eventJSON("ev-1") + "," + huge + "]")
            expectError(tooLarge, .unprocessableContent, "validation_failed")
            #expect(try tooLarge.json["error"]?["record_index"] == .int(1))
            #expect(tooLarge.errorMessage.contains("larger than 8 MiB"), "\(tooLarge.errorMessage)")
            expectError(try await client.send(.post, Routes.importRecords, "[" + eventJSON("ev-1") + ",]"), .badRequest, "bad_request")
            expectError(try await client.send(.post, Routes.importRecords, "[] []"), .badRequest, "bad_request")
            #expect(try await database.exportDocuments().isEmpty, "nothing of any refused import was written")

            // A record without an id gets one when it arrives, and keeps it through the write.
            let noID = "[{\"kind\":\"event\",\"title\":\"No id yet\",\"category\":\"diplomatic\"}]"
            #expect(try await client.send(.post, Routes.importRecords, noID).json["created"] == .int(1))
            let stored = try await database.exportDocuments()
            #expect(stored.count == 1)
            let first = try #require(stored.first)
            let id = try #require(try JSONValue.parse(first)["id"]?.stringValue)
            #expect(UUID(uuidString: id) != nil, "\(id)")
        }
    }

    @Test func importStreamsProgressThenTheResult() async throws {
        try await withControlAPI { client, _ in
            let response = try await client.send(.post, Routes.importRecords + "?progress=1", Self.two)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == ImportStreamFormat.mediaType)
            let lines = try response.text.split(separator: "\n").map { try JSONValue.parse(String($0)) }
            #expect(lines.count >= 2)
            #expect(lines.allSatisfy { $0.objectValue?.count == 1 }, "one member per line")
            #expect(lines.dropLast().allSatisfy { $0["progress"]?["total"] == .int(2) })
            #expect(lines.last?["result"]?["created"] == .int(2))

            let plain = try await client.send(.post, Routes.importRecords + "?progress=0", "[]")
            #expect(plain.headers[.contentType] == "application/json")
            expectError(try await client.send(.post, Routes.importRecords + "?progress=2", "[]"), .badRequest, "bad_request")
            expectError(try await client.send(.post, Routes.importRecords + "?dry_run=1", "[]"), .badRequest, "bad_request")
            // Errors found before writing are answered as without the parameter.
            expectError(
                try await client.send(.post, Routes.importRecords + "?progress=1", "[7]"), .unprocessableContent, "validation_failed")
        }
    }

    @Test func exportWritesOneRecordPerLineSortedById() async throws {
        try await withControlAPI { client, _ in
            let empty = try await client.send(.get, Routes.export)
            #expect(empty.status == .ok)
            #expect(empty.text == "[]\n")
            _ = try await client.send(.post, Routes.importRecords, "[" + eventJSON("ev-2") + "," + eventJSON("ev-1") + "]")
            try await client.create(eventJSON("ev-3"))
            _ = try await client.send(.delete, Routes.record("ev-3"))
            let export = try await client.send(.get, Routes.export)
            let lines = export.text.split(separator: "\n")
            #expect(lines.count == 4 && lines.first == "[" && lines.last == "]", "\(export.text)")
            #expect(try export.json.arrayValue?.compactMap { $0["id"]?.stringValue } == ["ev-1", "ev-2"])
            let back = try await client.send(.post, Routes.importRecords, export.text)
            #expect(try back.json == .object(["created": .int(0), "unchanged": .int(2), "updated": .int(0)]))
        }
    }

    /// `max_request_bytes` holds every route that reads a body but import, which has
    /// `max_import_bytes`; a body over the limit is 413 and nothing is written.
    @Test func bodiesOverTheirRoutesLimitAre413() async throws {
        try await withControlAPI(configure: {
            $0.maxRequestBytes = 1024
            $0.maxImportBytes = 4096
        }) { client, _ in
            let big = eventJSON("ev-big", title: String(repeating: "x", count: 400)).replacingOccurrences(
                of: "\"parties\"", with: "\"notes\":\"" + String(repeating: "n", count: 1200) + "\",\"parties\"")
            #expect(big.utf8.count > 1024 && big.utf8.count < 4096)
            try await client.create(eventJSON("ev-1"))
            let cases: [(HTTPRequest.Method, String)] = [
                (.post, Routes.records), (.patch, Routes.record("ev-1")), (.post, Routes.resolve("ev-1")),
            ]
            for (method, uri) in cases {
                let response = try await client.send(method, uri, big)
                expectError(response, .contentTooLarge, "payload_too_large")
                #expect(response.errorMessage.contains("max_request_bytes"))
            }
            expectError(try await client.send(.get, Routes.record("ev-big")), .notFound, "not_found")
            let imported = try await client.send(.post, Routes.importRecords, "[" + big + "]")
            #expect(imported.status == .ok, "import has its own, larger limit: \(imported.text)")
            let tooBig =
                "["
                + Array(repeating: big, count: 3).enumerated().map {
                    $1.replacingOccurrences(of: "ev-big", with: "ev-big\($0)")
                }.joined(separator: ",") + "]"
            expectError(try await client.send(.post, Routes.importRecords, tooBig), .contentTooLarge, "payload_too_large")
            expectError(try await client.send(.get, Routes.record("ev-big0")), .notFound, "not_found")
        }
    }
}
