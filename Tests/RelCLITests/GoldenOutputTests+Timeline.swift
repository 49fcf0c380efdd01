import Testing

@testable import RelCLI

extension GoldenOutputTests {
    /// `relctl timeline`'s one line: the file, the records, those not on the picture.
    @Test func timelineSummary() throws {
        let lines = [
            TimelineSummary(output: "ledger.html", records: 53, undated: 11, outside: 0),
            TimelineSummary(output: "ledger.html", records: 53, undated: 11, outside: 4),
            TimelineSummary(output: "agreements.svg", records: 1, undated: 0, outside: 0),
            TimelineSummary(output: "-", records: 0, undated: 0, outside: 0),
        ]
        try expectGolden(lines.map(HumanOutput.timeline).joined(), "timeline.txt")
        #expect(
            String(decoding: TimelineSummary(output: "ledger.html", records: 53, undated: 11, outside: 0).json(), as: UTF8.self)
                == #"{"output":"ledger.html","records":53,"undated":11,"outside":0}"#)
    }
}
