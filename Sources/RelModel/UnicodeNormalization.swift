import Foundation

/// Text is kept in Unicode Normalization Form C (NFC, composed), whatever form it was typed in.
///
/// macOS and some input methods produce decomposed text (`e` + U+0301 for `é`), most others
/// composed. Swift's `==` treats the two as equal, but SQLite's `=`, `instr` and the stored JSON
/// compare bytes, so a title typed one way would not be found by a search typed the other way.
/// Every string that enters from outside (JSON parsed from a request, a file, a feed; query
/// parameters; record values checked by the validator) is normalised, so stored bytes and
/// comparisons agree.
extension String {
    /// This text in NFC. Text is returned as it is, without calling the normaliser, when every
    /// scalar is one that NFC never changes nor composes with what precedes it: everything below
    /// U+0300 (ASCII, Latin-1 and the like, after one pass over the bytes), and some common
    /// blocks: Cyrillic, Greek, CJK, dashes and quotes... (see ``isStableUnderNFC(_:)``).
    public var nfc: String {
        guard utf8.contains(where: Self.mayStartComposition) else { return self }
        guard !unicodeScalars.allSatisfy(Self.isStableUnderNFC) else { return self }
        return precomposedStringWithCanonicalMapping
    }

    /// Whether a UTF-8 byte may begin a scalar at or above U+0300, the first combining mark.
    /// Every scalar below it is unchanged by NFC and composes with nothing before it; in UTF-8
    /// exactly those have lead bytes below 0xCC (continuation bytes are 0x80-0xBF).
    @inlinable
    public static func mayStartComposition(_ byte: UInt8) -> Bool { byte >= 0xCC }

    /// Whether NFC leaves `scalar` as it is wherever it stands: it is not a combining mark, has no
    /// singleton or excluded decomposition, and is never the second part of a composition. Blocks
    /// chosen for speed on common text, not completeness; a test checks each one against the
    /// normaliser, scalar by scalar.
    public static func isStableUnderNFC(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x300,
            0x388...0x3FF,  // Greek and Coptic, after the combining marks and three singletons
            0x400...0x482, 0x48A...0x52F,  // Cyrillic and its supplement, less combining marks
            0x531...0x556, 0x561...0x587,  // Armenian letters
            0x5D0...0x5EA,  // Hebrew letters
            0x620...0x64A,  // Arabic letters
            0x2010...0x2027, 0x2030...0x205E, 0x20A0...0x20C0,  // dashes, quotes, bullets, currency signs
            0x3041...0x3096, 0x30A1...0x30FA,  // kana (the voicing marks U+3099, U+309A excluded)
            0x4E00...0x9FFF,  // CJK unified ideographs
            0xAC00...0xD7A3:  // Hangul syllables
            true
        default:
            false
        }
    }
}
