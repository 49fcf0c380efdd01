import Foundation
import RelModel
import Testing

/// The error codes the programs write (``WireErrorCode``) and the codes the docs promise must not
/// drift apart: each doc lists exactly the codes of the program it describes, in the way it lists
/// them (reld's in docs/control-api.md and the `ErrorCode` schema of docs/control-api.yaml,
/// relhub's in docs/sync-protocol.md, relctl's own in docs/relctl-json.md).
@Suite struct WireErrorCodeDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static func codes(of origin: WireErrorCode.Origin) -> Set<String> {
        Set(WireErrorCode.written(by: origin).map(\.rawValue))
    }

    /// Every `snake_case` word between backticks in `text`.
    static func backticked(_ text: Substring) -> [String] {
        text.matches(of: /`([a-z]+(?:_[a-z]+)*)`/).map { String($0.output.1) }
    }

    /// The codes in the `code` column of the Markdown table whose header row is `header`.
    static func tableCodes(_ doc: String, header: String) throws -> [String] {
        let lines = doc.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix(header) }, "no table headed \(header)")
        let headings = header.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let column = try #require(headings.firstIndex(of: "`code`"))
        var codes: [String] = []
        for line in lines[(start + 2)...] {
            guard line.hasPrefix("|") else { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
            let cell = try #require(cells.dropFirst(column).first, "short row: \(line)")
            let inCell = backticked(cell)
            #expect(inCell.count == 1, "the code cell of this row should hold one code: \(line)")
            codes += inCell
        }
        return codes
    }

    /// The members of the `ErrorCode` schema's `enum` in the OpenAPI file.
    static func errorCodeEnum(_ yaml: String) throws -> [String] {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "    ErrorCode:"), "no ErrorCode schema")
        let enumLine = try #require(lines[start...].first { $0.hasPrefix("      enum: [") })
        return enumLine.drop { $0 != "[" }.dropFirst().prefix { $0 != "]" }
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Says in words what one list has that the other has not.
    static func difference(_ doc: Set<String>, _ listed: Set<String>, in place: String, origin: WireErrorCode.Origin) -> String {
        "\(place) lists codes that WireErrorCode does not give origin \(origin): \(doc.subtracting(listed).sorted()); "
            + "WireErrorCode has \(origin) codes \(place) does not list: \(listed.subtracting(doc).sorted())"
    }

    @Test func everyCodeIsSnakeCaseUniqueAndWrittenBySomeone() {
        let raw = WireErrorCode.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        for code in WireErrorCode.allCases {
            #expect(code.rawValue.wholeMatch(of: /[a-z]+(_[a-z]+)*/) != nil, "\(code.rawValue)")
            #expect(!code.origins.isEmpty, "\(code.rawValue) has no origin")
        }
    }

    @Test func theReadersSeeACodeGoMissing() throws {
        let doc = try Self.text("docs/control-api.md")
        let row = try #require(doc.firstRange(of: "| 409 | `no_feed` |"))
        let rowEnd = try #require(doc[row.lowerBound...].firstIndex(of: "\n"))
        let withoutRow = doc.replacingCharacters(in: row.lowerBound..<rowEnd, with: "| 409 | `conflict` | x |")
        #expect(!Set(try Self.tableCodes(withoutRow, header: "| status | `code` | when |")).contains("no_feed"))
        #expect(Set(try Self.tableCodes(doc, header: "| status | `code` | when |")).contains("no_feed"))

        let yaml = try Self.text("docs/control-api.yaml")
        #expect(try Self.errorCodeEnum(yaml).contains("no_feed"))
        #expect(!(try Self.errorCodeEnum(yaml.replacingOccurrences(of: " no_feed,", with: ""))).contains("no_feed"))
    }

    @Test func controlAPIDocListsReldsCodes() throws {
        let doc = try Self.text("docs/control-api.md")
        let listed = Set(try Self.tableCodes(doc, header: "| status | `code` | when |"))
        #expect(
            listed == Self.codes(of: .reld),
            "\(Self.difference(listed, Self.codes(of: .reld), in: "docs/control-api.md (Errors)", origin: .reld))")
    }

    @Test func openAPIErrorCodeSchemaListsReldsCodes() throws {
        let yaml = try Self.text("docs/control-api.yaml")
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "    ErrorCode:"), "no ErrorCode schema")
        let members = try Self.errorCodeEnum(yaml)
        let reld = Self.codes(of: .reld)
        #expect(Set(members).count == members.count, "ErrorCode enum repeats a code")
        #expect(Set(members) == reld, "\(Self.difference(Set(members), reld, in: "docs/control-api.yaml ErrorCode", origin: .reld))")

        // Its description gives each code's status, and names no other code.
        let descriptionStart = try #require(lines[start...].firstIndex { $0.hasPrefix("      description: |") })
        let description = lines[(descriptionStart + 1)...].prefix { $0.hasPrefix("        ") }.joined(separator: "\n")
        let described = Set(Self.backticked(Substring(description)))
        #expect(described == reld, "\(Self.difference(described, reld, in: "the description of ErrorCode", origin: .reld))")

        // Every code an example or a narrower error schema names is one reld writes.
        let examples = yaml.matches(of: /\n\s+code: ([a-z_]+)\n/).map { String($0.output.1) }
        let schemas = yaml.matches(of: /code: \{type: string, enum: \[([a-z_, ]+)\]\}/)
            .flatMap { $0.output.1.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        #expect(!examples.isEmpty && !schemas.isEmpty)
        #expect(
            Set(examples + schemas).subtracting(reld).isEmpty,
            "docs/control-api.yaml names codes reld does not write: \(Set(examples + schemas).subtracting(reld).sorted())")
    }

    @Test func syncProtocolDocListsRelhubsCodes() throws {
        let doc = try Self.text("docs/sync-protocol.md")
        let listed = Set(try Self.tableCodes(doc, header: "| Status | `code` | When |"))
        let relhub = Self.codes(of: .relhub)
        #expect(listed == relhub, "\(Self.difference(listed, relhub, in: "docs/sync-protocol.md (Errors)", origin: .relhub))")
    }

    @Test func relctlJSONDocListsRelctlsOwnCodes() throws {
        let doc = try Self.text("docs/relctl-json.md")
        let listed = Set(try Self.tableCodes(doc, header: "| `code` | exit | when |"))
        let relctl = Self.codes(of: .relctl)
        #expect(listed == relctl, "\(Self.difference(listed, relctl, in: "docs/relctl-json.md (Errors)", origin: .relctl))")

        // The codes it names as reld's, when reld answered, are reld's.
        let intro = try #require(doc.firstRange(of: "When reld answered, it is reld's"))
        let end = try #require(doc[intro.upperBound...].firstRange(of: "When relctl found the fault itself"))
        let named = Set(Self.backticked(doc[intro.upperBound..<end.lowerBound]))
        #expect(!named.isEmpty)
        #expect(
            named.isSubset(of: Self.codes(of: .reld)),
            "docs/relctl-json.md names as reld's: \(named.subtracting(Self.codes(of: .reld)).sorted())")
    }

    @Test func relctlManPageListsRelctlsOwnCodes() throws {
        let lines = try Self.text("docs/man/relctl.1").split(separator: "\n")
        let start = try #require(lines.firstIndex { $0.contains("one of relctl's:") })
        var listed: Set<String> = []
        for line in lines[(start + 1)...] {
            guard line.hasPrefix(".BR ") else { break }
            listed.insert(String(line.dropFirst(4).prefix { $0 != " " }))
            if line.hasSuffix(")."), listed.count > 0 { break }
        }
        let relctl = Self.codes(of: .relctl)
        #expect(listed == relctl, "\(Self.difference(listed, relctl, in: "docs/man/relctl.1 (--json)", origin: .relctl))")
    }
}
