import RelControlAPI
import RelModel
import Testing

// The resolve body as reld reads it and relctl writes it: one of take local, take remote or a
// value (null included), and a 400's reason for anything else.
@Suite struct ResolveRequestTests {
    func read(_ text: String) throws(FieldError) -> ResolveRequest {
        try ResolveRequest(json: try! JSONValue.parse(text))
    }

    @Test func eachChoiceReadsBackWhatWasWritten() throws {
        for choice: ResolveRequest.Choice in [.local, .remote, .value("reported"), .value(.null), .value(["a", "b"])] {
            let request = ResolveRequest(field: "claim_status", choice: choice)
            #expect(try ResolveRequest(json: request.json) == request)
        }
    }

    @Test func aNullValueIsAValueNotAMissingOne() throws {
        #expect(try read(#"{"field": "notes", "value": null}"#).choice == .value(.null))
    }

    @Test func otherMembersAreIgnored() throws {
        #expect(try read(#"{"field": "title", "take": "local", "note": 1}"#) == ResolveRequest(field: "title", choice: .local))
    }

    @Test(arguments: [
        (#"{"take": "local"}"#, "body must name the \"field\" in conflict"),
        (#"{"field": 3, "take": "local"}"#, "body must name the \"field\" in conflict"),
        (#"[1]"#, "body must name the \"field\" in conflict"),
        (#"{"field": "title"}"#, "body must have either \"take\": \"local\" or \"remote\", or a \"value\""),
        (#"{"field": "title", "take": "mine"}"#, "body must have either \"take\": \"local\" or \"remote\", or a \"value\""),
        (#"{"field": "title", "take": "local", "value": "x"}"#, "body must have either \"take\": \"local\" or \"remote\", or a \"value\""),
        (#"{"field": "title", "take": 5, "value": "x"}"#, "body must have either \"take\": \"local\" or \"remote\", or a \"value\""),
    ])
    func aBodyWithoutOneChoiceIsRefused(body: String, reason: String) {
        #expect(throws: FieldError.self) { _ = try read(body) }
        do { _ = try read(body) } catch { #expect(error.reason == reason) }
    }
}
