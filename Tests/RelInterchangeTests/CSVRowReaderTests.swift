import Foundation
import RelInterchange
import Testing

/// The row reader: RFC 4180 as CSV.swift parses it, streaming, with line numbers in errors.
@Suite struct CSVRowReaderTests {
    @Test func quotedCommasNewlinesAndDoubledQuotes() throws {
        let rows = try Fixture.rows("a,b,c\r\n\"x, y\",\"two\nlines\",\"say \"\"hi\"\"\"\r\n1,,3\r\n")
        #expect(rows == [["a", "b", "c"], ["x, y", "two\nlines", "say \"hi\""], ["1", "", "3"]])
    }

    @Test func byteOrderMarkIsDropped() throws {
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(Data("id,name\n1,x\n".utf8))
        let reader = try CSVRowReader(stream: InputStream(data: data), file: "bom.csv")
        #expect(reader.header == ["id", "name"])
        #expect(try reader.next()?["id"] == "1")
    }

    @Test func lineNumbersCountQuotedNewlinesAndSkipBlankLines() throws {
        let text = "a,b\n1,\"x\ny\nz\"\n\n2,w\n3,\"q\r\nr\"\n4,s"
        let reader = try CSVRowReader(stream: InputStream(data: Data(text.utf8)), file: "t.csv")
        var lines: [Int] = []
        while let row = try reader.next() { lines.append(row.line) }
        #expect(lines == [2, 6, 7, 9])
    }

    @Test func aRowWithTheWrongNumberOfFieldsIsNamedByLine() throws {
        let reader = try CSVRowReader(stream: InputStream(data: Data("a,b\n1,2\n1,2,3\n".utf8)), file: "t.csv")
        _ = try reader.next()
        let error = #expect(throws: InterchangeError.self) { _ = try reader.next() }
        #expect(error?.description == "t.csv line 3: has 3 fields; the header has 2 (a missing or extra comma, or a quote not closed?)")
    }

    @Test func notUTF8IsSaidWithItsLine() throws {
        var data = Data("a,b\n1,2\n".utf8)
        data.append(contentsOf: [0x33, 0x2C, 0xFF, 0xFE, 0x0A])
        let reader = try CSVRowReader(stream: InputStream(data: data), file: "t.csv")
        _ = try reader.next()
        let error = #expect(throws: InterchangeError.self) { _ = try reader.next() }
        #expect(error?.line == 3)
        #expect(error?.reason.hasPrefix("not UTF-8 text") == true)
    }

    @Test func emptyFileAndRepeatedHeaderNamesAreRefused() throws {
        let empty = #expect(throws: InterchangeError.self) { _ = try CSVRowReader(stream: InputStream(data: Data()), file: "e.csv") }
        #expect(empty?.reason.hasPrefix("the file is empty") == true)
        let twice = #expect(throws: InterchangeError.self) {
            _ = try CSVRowReader(stream: InputStream(data: Data("a,b,a\n".utf8)), file: "h.csv")
        }
        #expect(twice?.description == "h.csv line 1, column \"a\": the header names this column twice (columns 1 and 3); rename one")
    }

    @Test func readsAFileFromDiskToTheEnd() throws {
        let reader = try CSVRowReader(stream: InputStream(fileAtPath: Fixture.path("acled-sample.csv"))!, file: "acled-sample.csv")
        var count = 0
        while try reader.next() != nil { count += 1 }
        #expect(count == 12)
        #expect(reader.header.first == "event_id_cnty")
    }
}

extension CSVRowReaderTests {
    /// Outside RFC 4180, as CSV.swift reads it (docs/csv.md says so): a quote inside an unquoted
    /// field is a character; text after a closing quote keeps that quote and loses one character.
    @Test func strayQuotesAreReadAsCSVSwiftReadsThem() throws {
        let rows = try Fixture.rows("a,b\nx\"y,\"ab\"cd\"\n")
        #expect(rows[1] == ["x\"y", "ab\"d"])
    }
}
