import RelModel

/// What the picture says about a record in words: its tooltip, its accessible name and the
/// details shown on hover or focus. Plain text; callers escape it for where it goes.
public enum RecordWords {
    /// The date as people type it (`2021-05..~`), with what its shape means.
    public static func date(_ date: DateSpec) -> String {
        switch date.type {
        case .unknown: return "date unknown"
        case .instant: return date.text + (date.approximate ? " (approximate)" : "")
        case .interval: return date.text + (date.end == nil ? " (still running)" : "") + (date.approximate ? " (approximate)" : "")
        case .window: return date.text + " (some time in this window)"
        }
    }

    /// The parties, comma-separated, or `no parties named`.
    public static func parties(_ record: Record) -> String {
        record.parties.isEmpty ? "no parties named" : record.parties.joined(separator: ", ")
    }

    /// One line naming everything a glance needs: title, date, parties, claim status, kind and
    /// category, e.g. `Putin and Goïta meet in St. Petersburg. 2023-07-27. Parties: RU, ML.
    /// Reported event, diplomatic.`
    public static func label(_ record: Record) -> String {
        "\(record.title). \(date(record.date)). Parties: \(parties(record)). "
            + "\(capitalized(record.claimStatus)) \(record.kind.rawValue), \(record.category)."
    }

    /// The source's URL, if the record names one.
    public static func sourceURL(_ record: Record) -> String? {
        record.fields["source"]?["url"]?.stringValue
    }

    /// The source's title, if the record names one.
    public static func sourceTitle(_ record: Record) -> String? {
        record.fields["source"]?["title"]?.stringValue
    }

    static func capitalized(_ word: String) -> String {
        word.prefix(1).uppercased() + word.dropFirst()
    }
}
