import RelModel

/// The filters of `GET /v1/records`, as query parameters: one definition for the CLI that
/// writes them and the daemon that reads them.
public struct ListQuery: Sendable, Equatable {
    /// `kind`
    public var kind: RecordKind?
    /// `category`
    public var category: String?
    /// `party`, repeatable: records involving all of them.
    public var parties: [String] = []
    /// `since`: a partial date.
    public var since: PartialDate?
    /// `until`: a partial date.
    public var until: PartialDate?
    /// `text`
    public var text: String?
    /// `limit`, 1...100000.
    public var limit = 1000
    /// `offset`
    public var offset = 0

    /// The parameter names the route accepts.
    public static let parameterNames: Set<String> = ["kind", "category", "party", "since", "until", "text", "limit", "offset"]

    /// Most `party` values in one query. Each is one more condition in one SQL statement, and
    /// SQLite refuses a statement past its limits; no useful filter needs more.
    public static let maxParties = 20
    /// Longest `party` value, in UTF-8 bytes: the longest party a record can hold (200
    /// characters) in any script.
    public static let maxPartyBytes = 800
    /// Longest `text` value, in UTF-8 bytes.
    public static let maxTextBytes = 1000
    /// Longest value of any other parameter, in UTF-8 bytes (dates, numbers, names).
    public static let maxOtherBytes = 100
    /// Longest query string these limits allow once percent-encoded (`%XX` per byte at worst),
    /// with room for the names; below the 80 KiB that reld's HTTP parser takes for a request
    /// line and headers, past which it can only say that the request is too large.
    public static let maxEncodedBytes = 3 * (maxParties * (maxPartyBytes + 7) + maxTextBytes + 6 * (maxOtherBytes + 10))

    /// The limit on the UTF-8 length of a parameter's value.
    public static func maxBytes(of name: String) -> Int {
        switch name {
        case "party": maxPartyBytes
        case "text": maxTextBytes
        default: maxOtherBytes
        }
    }

    /// An empty query.
    public init() {}

    /// The query as name/value pairs, in a stable order.
    public var items: [(String, String)] {
        var items: [(String, String)] = []
        if let kind { items.append(("kind", kind.rawValue)) }
        if let category { items.append(("category", category)) }
        for p in parties { items.append(("party", p)) }
        if let since { items.append(("since", since.description)) }
        if let until { items.append(("until", until.description)) }
        if let text { items.append(("text", text)) }
        items.append(("limit", String(limit)))
        if offset > 0 { items.append(("offset", String(offset))) }
        return items
    }

    /// Reads name/value pairs; the error names the parameter and says what it takes.
    public init(items: [(String, String)]) throws(QueryError) {
        for (name, value) in items {
            let maxBytes = Self.maxBytes(of: name)
            // Checked first, so that nothing below works on (or echoes) an oversized value.
            guard value.utf8.count <= maxBytes else {
                throw QueryError(name, value, "is \(value.utf8.count) bytes long; at most \(maxBytes) bytes are allowed")
            }
            // Stored text is NFC; a value typed decomposed must find it all the same.
            let value = value.nfc
            switch name {
            case "kind":
                guard let k = RecordKind(rawValue: value) else { throw QueryError(name, value, "must be event or agreement") }
                kind = k
            case "category":
                guard Vocabulary.categories.contains(value) else {
                    throw QueryError(name, value, "must be one of: \(Vocabulary.categories.joined(separator: ", "))")
                }
                category = value
            case "party":
                guard !value.isEmpty else { throw QueryError(name, value, "must not be empty") }
                guard parties.count < Self.maxParties else {
                    throw QueryError(
                        name, value,
                        "is given more than \(Self.maxParties) times; at most \(Self.maxParties) parties can be asked for at once")
                }
                parties.append(value)
            case "since", "until":
                let date: PartialDate
                do { date = try PartialDate(parsing: value) } catch { throw QueryError(name, value, error.reason) }
                if name == "since" { since = date } else { until = date }
            case "text":
                text = value
            case "limit", "offset":
                guard let n = Int(value), name == "limit" ? (1...100_000).contains(n) : n >= 0 else {
                    throw QueryError(name, value, name == "limit" ? "must be a whole number 1-100000" : "must be a whole number 0 or more")
                }
                if name == "limit" { limit = n } else { offset = n }
            default:
                throw QueryError(name, value, "is not a known parameter; known: \(Self.parameterNames.sorted().joined(separator: ", "))")
            }
        }
        if let since, let until, until.latest < since.earliest {
            throw QueryError("until", until.description, "is before since \(since)")
        }
    }
}

/// A query parameter that cannot be used.
public struct QueryError: Error, Sendable, CustomStringConvertible {
    /// The parameter.
    public var name: String
    /// Its value.
    public var value: String
    /// Why it was refused.
    public var reason: String

    init(_ name: String, _ value: String, _ reason: String) {
        self.name = name
        self.value = value
        self.reason = reason
    }

    /// The message people see; a long value is cut to keep it to one line.
    public var description: String { "\(name) \(shownValue): \(reason)" }

    /// The value as JSON text, cut to 120 characters like a validation error's value.
    public var shownValue: String {
        let text = JSONText.quoted(value.count > 120 ? String(value.prefix(117)) : value)
        return value.count > 120 ? String(text.dropLast()) + "...\"" : text
    }
}
