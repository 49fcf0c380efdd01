import RelModel
import Testing

// Protects the short date forms people type and the bounds used to filter and sort.
@Suite struct DateSpecTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var type: DateSpec.Kind
        var start: String?
        var end: String?
        var approximate = false
        var precision: DatePrecision
        var lower: String?
        var upper: String?
        var testDescription: String { text }
    }

    static let cases: [Case] = [
        Case(text: "2023-02-07", type: .instant, start: "2023-02-07", precision: .day, lower: "2023-02-07", upper: "2023-02-07"),
        Case(text: "2023-02", type: .instant, start: "2023-02", precision: .month, lower: "2023-02-01", upper: "2023-02-28"),
        Case(text: "2023", type: .instant, start: "2023", precision: .year, lower: "2023-01-01", upper: "2023-12-31"),
        Case(text: "1960/1991", type: .interval, start: "1960", end: "1991", precision: .year, lower: "1960-01-01", upper: "1991-12-31"),
        Case(text: "2022/..", type: .interval, start: "2022", precision: .year, lower: "2022-01-01", upper: "9999-12-31"),
        Case(text: "2022/", type: .interval, start: "2022", precision: .year, lower: "2022-01-01", upper: "9999-12-31"),
        Case(text: "1960..1961", type: .window, start: "1960", end: "1961", precision: .year, lower: "1960-01-01", upper: "1961-12-31"),
        Case(text: "2021-05..", type: .window, start: "2021-05", precision: .month, lower: "2021-05-01", upper: "9999-12-31"),
        Case(
            text: "2023-02~", type: .instant, start: "2023-02", approximate: true, precision: .month, lower: "2023-02-01",
            upper: "2023-02-28"),
        Case(
            text: "1960..1961~", type: .window, start: "1960", end: "1961", approximate: true, precision: .year, lower: "1960-01-01",
            upper: "1961-12-31"),
        Case(
            text: "2021-05-24/2021-06", type: .interval, start: "2021-05-24", end: "2021-06", precision: .month, lower: "2021-05-24",
            upper: "2021-06-30"),
        Case(
            text: "2020-06/2021", type: .interval, start: "2020-06", end: "2021", precision: .year, lower: "2020-06-01", upper: "2021-12-31"
        ),
        Case(
            text: "2023-05/2023", type: .interval, start: "2023-05", end: "2023", precision: .year, lower: "2023-05-01", upper: "2023-12-31"
        ),
        Case(text: "  2024-02-29 ", type: .instant, start: "2024-02-29", precision: .day, lower: "2024-02-29", upper: "2024-02-29"),
        Case(text: "unknown", type: .unknown, precision: .unknown, lower: nil, upper: nil),
    ]

    @Test("short forms", arguments: cases)
    func parses(c: Case) throws {
        let spec = try DateSpec(parsing: c.text)
        #expect(spec.type == c.type)
        #expect(spec.start?.description == c.start)
        #expect(spec.end?.description == c.end)
        #expect(spec.approximate == c.approximate)
        #expect(spec.precision == c.precision)
        #expect(spec.lowerBound == c.lower)
        #expect(spec.upperBound == c.upper)
    }

    @Test("the text form reads back to the same date", arguments: cases)
    func textRoundTrip(c: Case) throws {
        let spec = try DateSpec(parsing: c.text)
        #expect(try DateSpec(parsing: spec.text) == spec)
    }

    @Test func textForms() throws {
        #expect(try DateSpec(parsing: "2022/..").text == "2022/..")
        #expect(try DateSpec(parsing: "1960..1961~").text == "1960..1961~")
        #expect(try DateSpec(parsing: "2023-02~").text == "2023-02~")
        #expect(try DateSpec(parsing: "unknown").text == "unknown")
        #expect(try DateSpec(parsing: "unknown") == .unknown)
    }

    @Test(
        "bad short forms are refused with the reason",
        arguments: [
            ("1991/1960", "end 1960 is before start 1991"),
            ("1961..1960", "end 1960 is before start 1961"),
            ("2023-02-07/2023-02-06", "end 2023-02-06 is before start 2023-02-07"),
            ("", "expected a date such as 2023-02-07, 2023-02, 2023 or 1960/1991"),
            ("   ", "expected a date such as 2023-02-07, 2023-02, 2023 or 1960/1991"),
            ("next tuesday", "year must be four digits (0001-9999)"),
            ("2023-13", "month must be 01-12"),
            ("2023/2023-13", "month must be 01-12"),
            ("2023-02-30..", "day must be 01-28 for 2023-02"),
            (
                "/2023",
                "the start is missing: a span is written START/END (1960/1991), START/.. for an open end (2022/..), or START..END for a window (1960..1961)"
            ),
            (
                "..2023",
                "the start is missing: a span is written START/END (1960/1991), START/.. for an open end (2022/..), or START..END for a window (1960..1961)"
            ),
            ("unknown~", "year must be four digits (0001-9999)"),
        ])
    func refused(text: String, reason: String) {
        #expect(throws: DateError(reason)) { try DateSpec(parsing: text) }
    }

    @Test func precisionIsTheCoarsestBound() {
        let day = PartialDate(year: 2021, month: 5, day: 24)
        let month = PartialDate(year: 2021, month: 6)
        let year = PartialDate(year: 2022)
        #expect(DateSpec(type: .interval, start: day, end: month, approximate: false).precision == .month)
        #expect(DateSpec(type: .window, start: day, end: year, approximate: false).precision == .year)
        #expect(DateSpec(type: .window, start: year, end: nil, approximate: false).precision == .year)
        #expect(DateSpec(type: .interval, start: day, end: day, approximate: false).precision == .day)
        #expect(DateSpec.unknown.precision == .unknown)
    }

    @Test func validateNamesThePartAtFault() {
        let y = PartialDate(year: 2023)
        #expect(throws: FieldError.self) { try DateSpec(type: .unknown, start: y, end: nil, approximate: false).validate() }
        func path(_ spec: DateSpec) -> String? {
            do {
                try spec.validate()
                return nil
            } catch { return error.path }
        }
        #expect(path(DateSpec(type: .unknown, start: y, end: nil, approximate: false)) == "start")
        #expect(path(DateSpec(type: .unknown, start: nil, end: y, approximate: false)) == "end")
        #expect(path(DateSpec(type: .unknown, start: nil, end: nil, approximate: true)) == "approximate")
        #expect(path(DateSpec(type: .instant, start: nil, end: nil, approximate: false)) == "start")
        #expect(path(DateSpec(type: .instant, start: y, end: y, approximate: false)) == "end")
        #expect(path(DateSpec(type: .interval, start: nil, end: y, approximate: false)) == "start")
        #expect(path(DateSpec(type: .window, start: PartialDate(year: 2024), end: y, approximate: false)) == "end")
        #expect(path(DateSpec(type: .interval, start: y, end: nil, approximate: false)) == nil)
    }

    @Test func jsonHasTheSchemaMembersInOrder() throws {
        let spec = try DateSpec(parsing: "2021-05-24/2021-06~")
        #expect(
            JSONText.compact(spec.json)
                == #"{"type":"interval","start":"2021-05-24","end":"2021-06","precision":"month","approximate":true}"#)
        #expect(
            JSONText.compact(DateSpec.unknown.json)
                == #"{"type":"unknown","start":null,"end":null,"precision":"unknown","approximate":false}"#)
    }

    @Test func readsStoredJSON() throws {
        let spec = try DateSpec(parsing: "1960..1961~")
        #expect(DateSpec(json: spec.json) == spec)
        #expect(DateSpec(json: "1960/1991") == (try DateSpec(parsing: "1960/1991")))
        #expect(DateSpec(json: try json(#"{"type":"instant","start":"2023-13"}"#)) == nil)
        #expect(DateSpec(json: try json(#"{"type":"sometime","start":"2023"}"#)) == nil)
        #expect(DateSpec(json: 2023) == nil)
    }
}
