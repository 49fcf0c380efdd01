import RelModel
import Testing

// Protects the partial-date grammar (YYYY, YYYY-MM, YYYY-MM-DD), calendar checks and messages.
@Suite struct PartialDateTests {
    @Test(
        "valid dates parse with their precision and text form",
        arguments: [("2023", DatePrecision.year), ("2023-02", .month), ("2023-02-07", .day), ("0001", .year), ("9999-12-31", .day)])
    func valid(text: String, precision: DatePrecision) throws {
        let d = try PartialDate(parsing: text)
        #expect(d.precision == precision)
        #expect(d.description == text)
    }

    @Test func partsAreRead() throws {
        let d = try PartialDate(parsing: "2023-02-07")
        #expect(d.year == 2023 && d.month == 2 && d.day == 7)
        let y = try PartialDate(parsing: "1960")
        #expect(y.year == 1960 && y.month == nil && y.day == nil)
    }

    @Test(
        "leap days follow the Gregorian rules",
        arguments: [
            ("2024-02-29", nil),
            ("2000-02-29", nil),
            ("2023-02-29", "day must be 01-28 for 2023-02"),
            ("1900-02-29", "day must be 01-28 for 1900-02"),
            ("2024-02-30", "day must be 01-29 for 2024-02"),
        ] as [(String, String?)])
    func leapDays(text: String, reason: String?) {
        #expect(reasonFor(text) == reason)
    }

    @Test(
        "days per month",
        arguments: [
            ("2023-01-31", nil), ("2023-01-32", "day must be 01-31 for 2023-01"),
            ("2023-04-30", nil), ("2023-04-31", "day must be 01-30 for 2023-04"),
            ("2023-06-31", "day must be 01-30 for 2023-06"), ("2023-09-31", "day must be 01-30 for 2023-09"),
            ("2023-11-31", "day must be 01-30 for 2023-11"), ("2023-12-31", nil),
            ("2023-07-31", nil), ("2023-08-31", nil), ("2023-03-00", "day must be 01-31 for 2023-03"),
        ] as [(String, String?)])
    func daysPerMonth(text: String, reason: String?) {
        #expect(reasonFor(text) == reason)
    }

    @Test(
        "malformed dates give a message that says what is expected",
        arguments: [
            ("2023-13", "month must be 01-12"),
            ("2023-00", "month must be 01-12"),
            ("2023-13-01", "month must be 01-12"),
            ("2023-1", "month must be two digits (01-12)"),
            ("2023-", "month must be two digits (01-12)"),
            ("2023-ab", "month must be two digits (01-12)"),
            ("2023-02-7", "day must be two digits (01-31)"),
            ("2023-02-", "day must be two digits (01-31)"),
            ("23", "year must be four digits (0001-9999)"),
            // A span where one date is wanted (`list --since 2022/..`) says what it is.
            ("2022/..", "a span (such as 1960/1991, 2022/.. or 1960..1961) is not a single date; give YYYY, YYYY-MM or YYYY-MM-DD"),
            ("..2022", "a span (such as 1960/1991, 2022/.. or 1960..1961) is not a single date; give YYYY, YYYY-MM or YYYY-MM-DD"),
            ("1960/1991", "a span (such as 1960/1991, 2022/.. or 1960..1961) is not a single date; give YYYY, YYYY-MM or YYYY-MM-DD"),
            ("20230", "year must be four digits (0001-9999)"),
            ("+202", "year must be four digits (0001-9999)"),
            ("soon", "year must be four digits (0001-9999)"),
            ("", "year must be four digits (0001-9999)"),
            ("0000", "year must be 0001-9999"),
            ("2023-02-07-01", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
            ("２０２３", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
            ("2023/02/07", "year must be four digits (0001-9999)"),
        ])
    func invalid(text: String, reason: String) {
        #expect(reasonFor(text) == reason)
    }

    @Test(
        "earliest and latest day a partial date can mean",
        arguments: [
            ("2023", "2023-01-01", "2023-12-31"),
            ("2023-02", "2023-02-01", "2023-02-28"),
            ("2024-02", "2024-02-01", "2024-02-29"),
            ("1900-02", "1900-02-01", "1900-02-28"),
            ("2000-02", "2000-02-01", "2000-02-29"),
            ("2023-04", "2023-04-01", "2023-04-30"),
            ("2023-02-07", "2023-02-07", "2023-02-07"),
            ("0042", "0042-01-01", "0042-12-31"),
        ])
    func bounds(text: String, earliest: String, latest: String) throws {
        let d = try PartialDate(parsing: text)
        #expect(d.earliest == earliest)
        #expect(d.latest == latest)
    }

    @Test func precisionOrdersCoarseFirst() {
        #expect(DatePrecision.unknown < .year)
        #expect(DatePrecision.year < .month)
        #expect(DatePrecision.month < .day)
        #expect([DatePrecision.day, .year, .month].min() == .year)
    }

    @Test func ordersByEarliestDay() throws {
        let a = try PartialDate(parsing: "2022-12-31")
        let b = try PartialDate(parsing: "2023")
        #expect(a < b)
        #expect(try PartialDate(parsing: "1960") < PartialDate(parsing: "1991"))
    }

    // The doc comment on `<` promises "then coarser before finer" for dates starting the same day.
    @Test func sameStartOrdersCoarserFirst() throws {
        let year = try PartialDate(parsing: "2023")
        let month = try PartialDate(parsing: "2023-01")
        #expect(year < month)
    }

    private func reasonFor(_ text: String) -> String? {
        do {
            _ = try PartialDate(parsing: text)
            return nil
        } catch {
            return error.reason
        }
    }
}
