import Foundation

/// A node's human name (`[node] name` in reld.toml, `ana@laptop`), shown beside its id in history.
///
/// Names travel through the feed, so they may be hostile: they are bounded, in NFC, and free of
/// control and bidirectional-override characters that would let one name pose as another on a
/// terminal. A name only labels its node id; history shows both.
public enum NodeName {
    /// What a name may be.
    public static let rule = "must be 1-64 characters, with no control characters"

    /// The most UTF-8 bytes a name may take (64 characters of up to 4 bytes).
    public static let maxBytes = 256

    /// `name` in NFC with spaces around it trimmed, or `nil` if it breaks ``rule``.
    public static func checked(_ name: String) -> String? {
        let name = name.nfc.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.utf8.count <= maxBytes, name.count <= 64 else { return nil }
        let forbidden = name.unicodeScalars.contains { s in
            s.properties.generalCategory == .control || s.properties.generalCategory == .format
                || s.properties.generalCategory == .lineSeparator || s.properties.generalCategory == .paragraphSeparator
        }
        return forbidden ? nil : name
    }

    /// The form a name takes in the `Reld-Node-Name` header: UTF-8, percent-encoded, so that any
    /// name fits a header's visible ASCII.
    public static func headerValue(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: headerSafe) ?? ""
    }

    /// Reads a `Reld-Node-Name` header value; `nil` if it is not a valid name.
    public static func fromHeader(_ value: String) -> String? {
        guard value.utf8.count <= maxBytes * 3, let decoded = value.removingPercentEncoding else { return nil }
        return checked(decoded)
    }

    private static let headerSafe: CharacterSet = {
        var set = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        set.insert(charactersIn: "-._~@")
        return set
    }()
}
