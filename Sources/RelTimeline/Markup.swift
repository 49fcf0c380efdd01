/// Escaping for every text that comes from a record, for HTML and SVG (XML) alike.
///
/// Works on Unicode scalars, not characters: `&` followed by a combining accent is one Swift
/// `Character`, and a character-wise escape would let its `&` through.
public enum Markup {
    /// `text` for an element's content or a quoted attribute value: `& < > " '` become
    /// references, and what XML cannot hold at all (most control characters, lone surrogates
    /// cannot occur in a Swift string, U+FFFE and U+FFFF) becomes U+FFFD, so that a standalone
    /// SVG stays well-formed. Right-to-left text and combining marks pass unchanged.
    public static func escaped(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        out.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            case "\t", "\n": out.append(scalar)
            case "\r": out.append(contentsOf: "&#13;".unicodeScalars)
            default:
                let v = scalar.value
                if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF {
                    out.append("\u{FFFD}")
                } else {
                    out.append(scalar)
                }
            }
        }
        return String(out)
    }

    /// The element id of a record: `rec-` and the record's id, escaped for an attribute.
    /// The prefix keeps record ids apart from the page's own ids.
    public static func elementID(_ recordID: String) -> String { "rec-" + escaped(recordID) }

    /// The id of a record's row in the table of records.
    public static func rowID(_ recordID: String) -> String { "row-" + escaped(recordID) }

    /// `url` when it may be a link the reader clicks: an `http` or `https` URL with no spaces or
    /// control characters. Anything else (`javascript:`, `data:`, a relative path) is shown
    /// as text, never linked.
    public static func linkableURL(_ url: String) -> String? {
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return nil }
        guard url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else { return nil }
        return url
    }

    /// A number as SVG writes it: at most two decimals, no trailing zeros.
    public static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        var s = String(rounded)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    /// A time in fractional years for the page's script: enough decimals for a day.
    public static func time(_ value: Double) -> String {
        let rounded = (value * 100_000).rounded() / 100_000
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
