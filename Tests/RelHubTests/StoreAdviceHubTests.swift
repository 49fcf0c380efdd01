import RelStore
import Testing

@testable import RelHub

// relhub uses the same store as reld but has no relctl: its advice speaks to relhub's operator
// or to the operator of the replica whose push was refused.
@Suite struct StoreAdviceHubTests {
    @Test func relhubsAdviceNamesRelhubNotRelctl() {
        let errors: [StoreError] = [
            .locked(path: "/s", pid: 1), .damaged(path: "/db", reason: "r"), .unusable(path: "/db", reason: "r", cause: .cannotOpen),
            .unusable(path: "/db", reason: "r", cause: .readOnly), .unusable(path: "/db", reason: "r", cause: .ioError),
            .unusable(path: "/db", reason: "r", cause: .locked), .requestTooLarge(reason: "r"), .internal(reason: "r"),
            .diskFull(path: "/db"), .newerSchema(path: "/db"), .reusedSequence(node: "n", nodeSeq: 1),
            .nodeNotYours(node: "n", nodeSeq: 1), .sequenceGap(node: "n", nodeSeq: 3, expected: 2), .sequenceExhausted(node: "n"),
        ]
        for error in errors {
            #expect(error.hubMessage.hasPrefix(error.description))
            #expect(error.hubMessage != error.description, "no advice for \(error)")
            #expect(!error.hubMessage.contains("relctl"), "\(error.hubMessage)")
            #expect(!error.hubMessage.contains("reld's"), "\(error.hubMessage)")
        }
        #expect(StoreError.damaged(path: "/db", reason: "r").hubMessage.contains("relhub will not touch it: restore it from a backup"))
        #expect(StoreError.sequenceGap(node: "n", nodeSeq: 3, expected: 2).hubMessage.hasSuffix("Push the node's changes in order, from 2"))
    }
}
