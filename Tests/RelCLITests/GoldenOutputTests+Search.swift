import Foundation
import RelControlAPI
import RelModel
import Testing

@testable import RelCLI

extension GoldenOutputTests {
    /// Two matches of three, the second deleted, with the matches marked in their snippets.
    static func searchPage() throws -> SearchPage {
        let seed = try seed()
        let byID = { (id: String) in seed.first { $0["id"]?.stringValue == id } ?? .null }
        return SearchPage(
            hits: [
                SearchHitBody(
                    record: byID("mlru-e31"), rank: -7.25,
                    snippet: "Ambush on Malian army and [Wagner] convoy near Tin Zaouatine", deleted: false),
                SearchHitBody(
                    record: byID("mlru-e24"), rank: -6.5,
                    snippet: "Talks on deploying [Wagner] Group personnel to support\nMalian forces", deleted: true),
            ], total: 3)
    }

    @Test func search() throws {
        try expectGolden(HumanOutput.search(try Self.searchPage(), offset: 0), "search.txt")
        try expectGolden(HumanOutput.search(try Self.searchPage(), offset: 0, width: 60), "search-60-columns.txt")
        try expectGolden(HumanOutput.search(SearchPage(hits: [], total: 0), offset: 0), "search-empty.txt")
    }
}
