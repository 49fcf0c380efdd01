/// Text made safe for a terminal and measured in its columns.
///
/// Record values come from anyone who can write to a feed: a control character or a bidi
/// override in a title must not move the cursor, recolour or rewrite the screen, or make text
/// read other than it is, so human output shows them as visible escapes (`\n`, `\u001b`,
/// `\u202e`). Widths count terminal columns, not characters: East Asian wide characters take
/// two, combining marks none.
enum TerminalText {
    /// `text` with every character that could act on a terminal written as a visible escape:
    /// C0 controls, DEL, C1 controls, the bidi embeddings, overrides and isolates (U+202A-U+202E,
    /// U+2066-U+2069) and the Unicode line and paragraph separators. `multiline` keeps newlines
    /// and tabs (for `show`, where notes run over several lines); a table cell keeps neither.
    /// Backslashes are left alone: `show` and `--json` give the exact text.
    static func escaped(_ text: String, multiline: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, multiline: multiline) }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, multiline: multiline) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
        }
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar, multiline: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: !multiline
        case 0x00..<0x20, 0x7F..<0xA0: true
        case 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// Columns `text` takes in a terminal, summed over its characters (grapheme clusters).
    static func width(_ text: String) -> Int {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        return text.reduce(0) { $0 + width(of: $1) }
    }

    /// Columns one character takes: 0 for a combining mark or format character standing alone
    /// (marks after a base belong to its character), 2 for East Asian wide and fullwidth
    /// characters and emoji shown as emoji, 1 otherwise. Control characters take 0 (they are
    /// escaped before they are shown).
    static func width(of character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        let v = first.value
        if v < 0x7F { return v < 0x20 ? 0 : 1 }
        if v < 0xA0 { return 0 }
        if v < 0x300 { return 1 }
        if isWide(v) || first.properties.isEmojiPresentation { return 2 }
        // A text-style symbol followed by VARIATION SELECTOR-16 is drawn as an emoji.
        if scalars.contains("\u{FE0F}") { return 2 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: return (0x1160...0x11FF).contains(v) ? 0 : 1  // Hangul medial vowels and final consonants
        }
    }

    /// East Asian Wide (W) and Fullwidth (F) blocks, as terminals draw them (Unicode's
    /// EastAsianWidth.txt, by block; emoji come from their own property).
    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F,  // Hangul Jamo initial consonants
            0x2329...0x232A,  // angle brackets
            0x2E80...0x303E,  // CJK radicals, Kangxi, CJK symbols and punctuation
            0x3041...0x33FF,  // kana, Bopomofo, Hangul compatibility jamo, enclosed CJK, CJK compatibility
            0x3400...0x4DBF, 0x4E00...0x9FFF,  // CJK unified ideographs
            0xA000...0xA4CF,  // Yi
            0xA960...0xA97F,  // Hangul Jamo extended A
            0xAC00...0xD7A3,  // Hangul syllables
            0xF900...0xFAFF,  // CJK compatibility ideographs
            0xFE10...0xFE19, 0xFE30...0xFE6F,  // vertical forms, CJK compatibility and small forms
            0xFF00...0xFF60, 0xFFE0...0xFFE6,  // fullwidth forms
            0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF,  // Tangut, Khitan, kana supplements
            0x1F200...0x1F2FF,  // enclosed ideographic supplement
            0x20000...0x2FFFD, 0x30000...0x3FFFD:  // CJK extensions B and later
            true
        default:
            false
        }
    }

    /// `text` cut to at most `columns` terminal columns, ending in `…` when anything was cut.
    /// Cuts fall between characters (grapheme clusters), never inside one, so an accent is
    /// never parted from its letter nor a flag split in two.
    static func truncated(_ text: String, toWidth columns: Int) -> String {
        guard width(text) > columns else { return text }
        guard columns > 1 else { return columns == 1 ? "…" : "" }
        var out = ""
        var used = 0
        for character in text {
            let w = width(of: character)
            if used + w > columns - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }
}
