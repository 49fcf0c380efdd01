/// Bounds on record text beyond its length in characters.
///
/// A character may be made of any number of Unicode scalars, so a limit in characters alone
/// bounds nothing: one "character" of a million combining marks is megabytes. Text fields are
/// therefore also bounded in UTF-8 bytes, and in scalars per character.
public enum TextLimits {
    /// A text field of at most N characters may take at most this many times N bytes of UTF-8:
    /// enough for N characters of any script in NFC (each at most 4 bytes), while text heavy
    /// with combining marks or emoji sequences reaches the byte limit first.
    public static let bytesPerCharacter = 4

    /// The most Unicode scalars one character (grapheme cluster) may be made of. Real text
    /// needs far fewer (the longest emoji sequences take about 10); more is a flood of
    /// combining marks, which costs every reader to lay out.
    public static let maxScalarsPerCharacter = 32

    /// Refuses text of more than ``bytesPerCharacter`` × `maxLength` bytes. Constant time.
    static func checkBytes(_ s: String, maxLength: Int) throws(FieldError) {
        let limit = maxLength.multipliedReportingOverflow(by: bytesPerCharacter)
        let bytes = s.utf8.count
        guard limit.overflow || bytes <= limit.partialValue else {
            throw FieldError(
                "", nil,
                "is \(bytes) bytes of UTF-8; at most \(limit.partialValue) are allowed (\(bytesPerCharacter) per character of the \(maxLength)-character limit)"
            )
        }
    }

    /// Refuses text of more than `maxLength` characters, or with a character made of more than
    /// ``maxScalarsPerCharacter`` scalars; one pass over the characters.
    static func checkCharacters(_ s: String, maxLength: Int, value: JSONValue) throws(FieldError) {
        var count = 0
        for c in s {
            count += 1
            // A character of at most that many bytes cannot have more scalars: skips the count.
            if c.utf8.count > maxScalarsPerCharacter, c.unicodeScalars.count > maxScalarsPerCharacter {
                throw FieldError(
                    "", nil,
                    "character \(count) is made of \(c.unicodeScalars.count) Unicode scalars; at most \(maxScalarsPerCharacter) are allowed (remove the stacked combining marks)"
                )
            }
        }
        if count > maxLength { throw FieldError("", value, "is longer than \(maxLength) characters") }
    }
}
