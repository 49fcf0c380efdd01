import Foundation
import RelInterchange
import RelModel
import Testing

/// UCDP GED rows to records: sides, dates with their precision, deaths kept.
@Suite struct UCDPMappingTests {
    let records: [String: JSONValue]

    init() throws {
        records = try Fixture.records("ucdp-sample.csv", .ucdp)
    }

    @Test func everyRowIsAValidEvent() throws {
        #expect(records.count == 5)
        for record in records.values { _ = try Fixture.canonical(record) }
    }

    @Test func datesSidesAndDeaths() throws {
        let one = try #require(records["ucdp-900001"])
        #expect(one["date"] == ["type": "instant", "start": "2023-01-15", "end": nil, "approximate": false])
        #expect(one["category"] == "military")
        #expect(one["actors"]?.arrayValue?.map { $0["name"] } == ["Government of Mali", "JNIM"])
        #expect(one["actors"]?.arrayValue?.first?["type"] == "government")
        #expect(one["fatalities"] == 4)
        #expect(one["parties"] == ["ML"])
        #expect(one["location"]?["geo_precision"] == 1)
        #expect(one["source"]?["title"] == "Agency C, 2023-01-16, \"Clash in Sofara\"")
        let kept = KeptColumns.split(one["notes"]?.stringValue ?? "", dataset: "UCDP").kept
        #expect(kept.columns["best"] == nil)  // fatalities holds it
        #expect(kept.columns["low"] == "4")
        #expect(kept.columns["high"] == "6")
        #expect(kept.columns["relid"] == "MLI-2023-1-900001-1")
        #expect(records["ucdp-900002"]?["date"] == ["type": "window", "start": "2023-01-17", "end": "2023-01-19", "approximate": false])
        #expect(records["ucdp-900002"]?["location"]?["admin1"] == "Ségou region")
        // A time after the day is read and the cell kept as written.
        #expect(records["ucdp-900003"]?["date"]?["end"] == "2023-03-31")
        #expect(records["ucdp-900003"]?["location"]?["geo_precision"] == 3)
        // No coordinates, no source: still an event, at the country.
        #expect(records["ucdp-900005"]?["location"]?["name"] == "Niger")
        #expect(records["ucdp-900005"]?["source"] == nil)
    }
}
