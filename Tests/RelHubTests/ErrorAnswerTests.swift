import Hummingbird
import NIOCore
import RelService
import Testing

// What reld and relhub answer alike to failures that are not their own handlers'.
@Suite struct ErrorAnswerTests {
    let tooLarge = "request body is larger than max_push_bytes; push smaller batches"

    @Test func aBodyOverTheLimitIs413WhoeverNoticesIt() {
        for error: any Error in [NIOTooManyBytesError(maxBytes: 10), HTTPError(.contentTooLarge)] {
            let answer = ErrorAnswer(unmapped: error, server: "relhub", bodyTooLarge: tooLarge)
            #expect(answer == ErrorAnswer(.contentTooLarge, .payloadTooLarge, tooLarge), "\(error)")
        }
    }

    @Test func theRoutersErrorsKeepTheirStatus() {
        #expect(ErrorAnswer(unmapped: HTTPError(.notFound), server: "relhub", bodyTooLarge: tooLarge).code == .notFound)
        let bad = ErrorAnswer(unmapped: HTTPError(.badRequest, message: "no"), server: "relhub", bodyTooLarge: tooLarge)
        #expect(bad == ErrorAnswer(.badRequest, .badRequest, "no"))
    }

    @Test func anythingElseSendsPeopleToTheServersLog() {
        struct Odd: Error {}
        let answer = ErrorAnswer(unmapped: Odd(), server: "relhub", bodyTooLarge: tooLarge)
        #expect(
            answer
                == ErrorAnswer(
                    .internalServerError, .internal, "unexpected internal error in relhub; its log has the details: please report it"))
    }
}
