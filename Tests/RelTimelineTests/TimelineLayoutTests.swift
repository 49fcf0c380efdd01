import RelModel
import Testing

@testable import RelTimeline

/// The layout as a pure function: lanes, order, marks against spans, uncertain dates, the
/// years shown, and records that are not drawn but kept.
@Suite struct TimelineLayoutTests {
    @Test func oneLanePerCategoryInTheVocabularysOrder() throws {
        let records = [
            try TestRecords.make("a", category: "political", date: "2020"),
            try TestRecords.make("b", category: "diplomatic", date: "2021"),
            try TestRecords.make("c", category: "political", date: "2019"),
            try TestRecords.make("d", category: "military", date: "2022"),
        ]
        let layout = TimelineLayout(records, options: TimelineOptions())
        #expect(layout.lanes.map(\.category) == ["diplomatic", "military", "political"])
        // Lane by lane, and by date within a lane.
        #expect(layout.items.map(\.id) == ["b", "d", "c", "a"])
        #expect(layout.items.map(\.lane) == [0, 1, 2, 2])
        // Lanes stack without overlapping, each record inside its own lane.
        for (lane, next) in zip(layout.lanes, layout.lanes.dropFirst()) { #expect(lane.top + lane.height == next.top) }
        for item in layout.items {
            let lane = layout.lanes[item.lane]
            #expect(item.y > lane.top && item.y < lane.top + lane.height)
        }
    }

    @Test func eventsAreMarksAndAgreementsAndIntervalsAreSpans() throws {
        let records = [
            try TestRecords.make("instant", date: "2021-05-24"),
            try TestRecords.make("interval", date: "2012/2015"),
            try TestRecords.make("window", date: "2021-05..2021-06~"),
            try TestRecords.make("agreement", kind: .agreement, date: "2019"),
        ]
        let items = Dictionary(uniqueKeysWithValues: TimelineLayout(records, options: TimelineOptions()).items.map { ($0.id, $0) })
        #expect(items["instant"]?.shape == .mark)
        #expect(items["interval"]?.shape == .span)
        #expect(items["window"]?.shape == .span)
        #expect(items["agreement"]?.shape == .span)
        // Uncertain: a window, or anything approximate; a plain instant or interval is not.
        #expect(items["window"]?.uncertain == true)
        #expect(items["instant"]?.uncertain == false)
        #expect(items["interval"]?.uncertain == false)
    }

    @Test func timeRunsLeftToRightAndSpansCoverTheirDates() throws {
        let records = [
            try TestRecords.make("early", date: "2000/2004"),
            try TestRecords.make("late", date: "2010"),
        ]
        let layout = TimelineLayout(records, options: TimelineOptions(width: 1130))
        #expect(layout.scale.fromYear == 2000 && layout.scale.toYear == 2010)
        let early = try #require(layout.items.first { $0.id == "early" })
        let late = try #require(layout.items.first { $0.id == "late" })
        // 1130 wide, 130 left and 24 right leave 976 units for 11 years.
        #expect(early.x0 == layout.scale.x(2000) && abs(early.x1 - layout.scale.x(2005)) < 0.01)
        #expect(late.x > early.x1)
        // A date known only to the year is a dot at mid-year with a whisker across the year.
        #expect(abs(late.x - layout.scale.x(2010.5)) < 0.01)
        #expect(abs(late.x1 - late.x0 - layout.scale.width / 11) < 0.01)
    }

    @Test func overlappingRecordsOfALaneGoOnSeparateRows() throws {
        let records = [
            try TestRecords.make("long", date: "1960/1991"),
            try TestRecords.make("inside", date: "1970/1975"),
            try TestRecords.make("after", date: "1995"),
            try TestRecords.make("other-lane", category: "economic", date: "1970"),
        ]
        let layout = TimelineLayout(records, options: TimelineOptions())
        let rows = Dictionary(uniqueKeysWithValues: layout.items.map { ($0.id, $0.row) })
        #expect(rows == ["long": 0, "inside": 1, "after": 0, "other-lane": 0])
        #expect(layout.lanes.first { $0.category == "military" }?.rows == 2)
    }

    @Test func aLaneStopsGrowingAtItsMostRows() throws {
        let records = try (0..<1000).map { try TestRecords.make("r\($0)", date: "2020/2021") }
        let layout = TimelineLayout(records, options: TimelineOptions())
        #expect(layout.items.count == 1000)
        #expect(layout.lanes.map(\.rows) == [TimelineLayout.Geometry.maxRows])
        #expect(layout.items.allSatisfy { $0.row < TimelineLayout.Geometry.maxRows })
    }

    @Test func openIntervalsRunToThePresentYear() throws {
        let records = [try TestRecords.make("since", date: "2021/..~"), try TestRecords.make("then", date: "2015")]
        let layout = TimelineLayout(records, options: TimelineOptions(presentYear: 2026))
        #expect(layout.scale.toYear == 2026)
        let since = try #require(layout.items.first { $0.id == "since" })
        #expect(since.openEnd && since.uncertain && since.t1 == 2027)
        // Without a present year, open spans stop at the last year any record names.
        let undated = TimelineLayout(records, options: TimelineOptions())
        #expect(undated.scale.toYear == 2021)
    }

    @Test func aYearRangeClipsSpansAndListsRecordsWhollyOutsideIt() throws {
        let records = [
            try TestRecords.make("before", date: "1960/1968"),
            try TestRecords.make("across", date: "1960/1991"),
            try TestRecords.make("inside", date: "1985"),
            try TestRecords.make("after", date: "2023-07-27"),
        ]
        let layout = TimelineLayout(records, options: TimelineOptions(fromYear: 1980, toYear: 1990))
        #expect(layout.scale.fromYear == 1980 && layout.scale.toYear == 1990)
        #expect(layout.items.map(\.id) == ["across", "inside"])
        #expect(layout.outside.map(\.id) == ["before", "after"])
        let across = try #require(layout.items.first)
        #expect(across.clippedStart && across.clippedEnd)
        #expect(across.x0 == layout.scale.left && across.x1 == layout.scale.left + layout.scale.width)
    }

    @Test func recordsWithAnUnknownDateAreKeptNotDrawn() throws {
        let records = [try TestRecords.make("dated", date: "2020"), try TestRecords.make("undated", date: "unknown")]
        let layout = TimelineLayout(records, options: TimelineOptions())
        #expect(layout.items.map(\.id) == ["dated"])
        #expect(layout.undated.map(\.id) == ["undated"])
        // Nothing dated at all: an empty picture, still a valid one.
        let none = TimelineLayout([try TestRecords.make("u", date: "unknown")], options: TimelineOptions())
        #expect(none.items.isEmpty && none.lanes.isEmpty && none.undated.count == 1)
    }

    @Test func theSeedSampleIsAllPlacedOrListed() throws {
        let seed = try TestRecords.seed()
        let layout = TimelineLayout(seed, options: TimelineOptions(presentYear: 2026))
        #expect(layout.items.count + layout.undated.count == seed.count)
        #expect(layout.undated.count == seed.filter { $0.date.type == .unknown }.count)
        #expect(layout.outside.isEmpty)
        #expect(layout.scale.fromYear == 1960 && layout.scale.toYear == 2026)
        #expect(Set(layout.items.map(\.id) + layout.undated.map(\.id)) == Set(seed.map(\.id)))
    }

    @Test func fractionalYears() {
        #expect(TimeScale.yearFraction(ofDay: "2023-01-01") == 2023)
        #expect(TimeScale.yearFraction(afterDay: "2023-12-31") == 2024)
        #expect(TimeScale.yearFraction(ofDay: "2024-03-01") == 2024 + 60.0 / 366)
        #expect(TimeScale.yearFraction(ofDay: "nonsense") == nil)
        #expect(TimeScale(fromYear: 1960, toYear: 2026, left: 0, width: 100).tickYears == Array(stride(from: 1960, through: 2020, by: 10)))
        #expect(TimeScale(fromYear: 2020, toYear: 2024, left: 0, width: 100).tickYears == [2020, 2021, 2022, 2023, 2024, 2025])
    }
}
