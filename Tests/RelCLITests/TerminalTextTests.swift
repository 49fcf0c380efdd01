import Testing

@testable import RelCLI

/// Escaping, measuring and cutting text for a terminal, and fitting tables to its width.
@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("two\nlines", "two\\nlines"),
        ("tab\there", "tab\\there"),
        ("cr\rreturn", "cr\\rreturn"),
        ("\u{1B}[31mred\u{1B}[0m", "\\u001b[31mred\\u001b[0m"),
        ("bell\u{07}", "bell\\u0007"),
        ("del\u{7F}", "del\\u007f"),
        ("csi\u{9B}2J", "csi\\u009b2J"),
        ("next line\u{85}", "next line\\u0085"),
        ("abc\u{202E}fdp.exe", "abc\\u202efdp.exe"),
        ("\u{2066}isolate\u{2069}", "\\u2066isolate\\u2069"),
        ("line\u{2028}separator", "line\\u2028separator"),
        ("S\u{E9}gou \u{65E5}\u{672C} e\u{301} \\n", "S\u{E9}gou \u{65E5}\u{672C} e\u{301} \\n"),
    ])
    func controlCharactersBecomeVisibleEscapes(text: String, shown: String) {
        #expect(TerminalText.escaped(text) == shown)
    }

    @Test func multilineTextKeepsNewlinesAndTabsOnly() {
        #expect(TerminalText.escaped("a\nb\tc\u{1B}d\r", multiline: true) == "a\nb\tc\\u001bd\\r")
    }

    @Test(arguments: [
        ("", 0), ("ASCII text", 10), ("S\u{E9}gou", 5),
        ("Se\u{301}gou", 5),  // a combining mark takes no column
        ("\u{65E5}\u{672C}\u{8A9E}", 6),  // CJK ideographs take two
        ("\u{D55C}\u{AD6D}", 4), ("\u{1112}\u{1161}\u{11AB}", 2),  // Hangul, composed or in jamo
        ("\u{30C6}\u{30B9}\u{30C8}", 6), ("\u{FF21}\u{FF22}", 4),  // katakana, fullwidth Latin
        ("\u{1F600}", 2), ("\u{1F1F2}\u{1F1F1}", 2),  // emoji, a flag
        ("\u{2764}", 1), ("\u{2764}\u{FE0F}", 2),  // heart as text, as emoji
        ("\u{301}", 0), ("a\u{200B}b", 2),  // a lone mark, a zero-width space
        ("\u{41C}\u{430}\u{43B}\u{438}", 4), ("\u{645}\u{627}\u{644}\u{64A}", 4),  // Cyrillic, Arabic
    ])
    func widthCountsTerminalColumns(text: String, columns: Int) {
        #expect(TerminalText.width(text) == columns, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test(arguments: [
        ("short", 10, "short"),
        ("exactly ten", 11, "exactly ten"),
        ("abcdefgh", 4, "abc\u{2026}"),
        ("abc", 1, "\u{2026}"),
        ("abc", 0, ""),
        ("\u{65E5}\u{672C}\u{8A9E}\u{30C6}\u{30AD}", 7, "\u{65E5}\u{672C}\u{8A9E}\u{2026}"),
        ("\u{65E5}\u{672C}\u{8A9E}\u{30C6}\u{30AD}", 6, "\u{65E5}\u{672C}\u{2026}"),  // a wide character never half shown
        ("e\u{301}e\u{301}e\u{301}", 2, "e\u{301}\u{2026}"),  // an accent stays with its letter
        ("\u{1F1F2}\u{1F1F1}\u{1F1F7}\u{1F1FA}", 3, "\u{1F1F2}\u{1F1F1}\u{2026}"),  // a flag is not split
    ])
    func truncationCutsBetweenCharactersToFit(text: String, columns: Int, cut: String) {
        let result = TerminalText.truncated(text, toWidth: columns)
        #expect(Array(result.unicodeScalars) == Array(cut.unicodeScalars))
        #expect(TerminalText.width(result) <= columns)
    }

    @Test func aTableFitsItsWidthByCuttingOnlyShrinkableColumns() {
        var table = TextTable(["ID", "PARTIES", "TITLE"], shrinkable: [1, 2])
        table.add(["id-kept-whole-1", (1...300).map { "P\($0)" }.joined(separator: ","), "A short title"])
        table.add(["id-2", "ML,RU", String(repeating: "Long title ", count: 20)])
        let lines = table.render(maxWidth: 60).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        for line in lines { #expect(TerminalText.width(line) <= 60, "\(line)") }
        #expect(lines[1].hasPrefix("id-kept-whole-1  P1,P2,"))
        #expect(lines[1].contains("\u{2026}"))
        #expect(lines[2].hasSuffix("\u{2026}"))
        // Without a width nothing is cut.
        #expect(!table.render().contains("\u{2026}"))
    }

    @Test func fixedColumnsStayWholeEvenWhenTheyAloneOverflow() {
        var table = TextTable(["ID", "TITLE"], shrinkable: [1])
        let id = String(repeating: "x", count: 50)
        table.add([id, "A title that has to give way"])
        let line = table.render(maxWidth: 40).split(separator: "\n")[1]
        #expect(line.hasPrefix(id + "  "))
        #expect(line.hasSuffix("\u{2026}"))
    }

    @Test func aNarrowColumnKeepsItsWholeWidthWhileAWideOneGivesWay() {
        var table = TextTable(["A", "PARTIES", "TITLE"], shrinkable: [1, 2])
        table.add(["a", "ML,RU", String(repeating: "t", count: 200)])
        let widths = table.columnWidths([table.header] + table.rows, maxWidth: 80)
        #expect(widths == [1, 7, 80 - 1 - 7 - 4])
    }

    @Test func cellsOfWideTextAlignByColumns() {
        var table = TextTable(["NAME", "X"])
        table.add(["\u{65E5}\u{672C}", "1"])
        table.add(["Se\u{301}gou", "2"])
        #expect(table.render() == "NAME   X\n\u{65E5}\u{672C}   1\nSe\u{301}gou  2\n")
    }

    @Test(
        arguments: [
            ("120", 80, 120), (nil, 80, 80), (nil, nil, 100), ("0", nil, 100), ("wide", 90, 90), (" 72 ", nil, 72), (nil, 0, 100),
        ] as [(String?, Int?, Int)])
    func theWidthIsColumnsThenTheTerminalThenADefault(variable: String?, terminal: Int?, width: Int) {
        #expect(TerminalWidth.resolve(columnsVariable: variable, terminalColumns: terminal) == width)
    }
}
