import Foundation

/// A search as people type it, checked and rewritten into an FTS5 query.
///
/// People write words, `"phrases"`, prefixes (`wagn*`), `AND`, `OR`, `NOT` (in capitals) and
/// parentheses, and may narrow a term to one indexed column (`title:wagner`). FTS5's own syntax
/// refuses much of what people type as a word (`d'Ivoire`, `al-Qaeda`, `12:30`), and it cannot
/// join a group to its neighbour without an explicit `AND`; so each word goes to FTS5 quoted (its
/// tokenizer then splits it as it splits the indexed text) and every implicit `AND` is written
/// out. Checking the shape here lets the error say what is wrong in the person's terms, not
/// SQLite's. One pass over the text: linear in its length.
struct SearchExpression {
    /// The query for FTS5's `MATCH`.
    let fts: String

    /// The indexed columns, in the order of the index (and of the bm25 weights).
    static let columns = ["title", "notes", "tags", "actors", "parties", "place", "source"]

    private enum Token {
        case term(String)
        case op(String)
        case open
        case close
    }

    /// Parses `query`; the error is ``StoreError/badSearch(query:reason:)``.
    init(_ query: String) throws(StoreError) {
        func bad(_ reason: String) -> StoreError { .badSearch(query: query, reason: reason) }
        var tokens: [Token] = []
        var chars = query.unicodeScalars[...]
        while let c = chars.first {
            if c.properties.isWhitespace {
                chars.removeFirst()
            } else if c == "(" || c == ")" {
                tokens.append(c == "(" ? .open : .close)
                chars.removeFirst()
            } else if c == "\"" {
                chars.removeFirst()
                var phrase = ""
                var closed = false
                while let d = chars.popFirst() {
                    if d == "\"" {
                        // A doubled quote inside a phrase is a quote character.
                        if chars.first == "\"" {
                            chars.removeFirst()
                            phrase.unicodeScalars.append(d)
                            continue
                        }
                        closed = true
                        break
                    }
                    phrase.unicodeScalars.append(d)
                }
                guard closed else { throw bad("a double quote is not closed") }
                tokens.append(.term(Self.quoted(phrase) + Self.prefixStar(&chars)))
            } else if c == "*" {
                throw bad("* must follow a word or a phrase, as in wagn*")
            } else {
                var word = ""
                while let d = chars.first, !d.properties.isWhitespace, !"()\"*".unicodeScalars.contains(d) {
                    word.unicodeScalars.append(d)
                    chars.removeFirst()
                }
                let star = Self.prefixStar(&chars)
                if star.isEmpty, ["AND", "OR", "NOT"].contains(word) {
                    tokens.append(.op(word))
                } else if let colon = word.firstIndex(of: ":"), Self.columns.contains(String(word[..<colon])),
                    word.index(after: colon) < word.endIndex
                {
                    tokens.append(.term(String(word[..<colon]) + ":" + Self.quoted(String(word[word.index(after: colon)...])) + star))
                } else {
                    tokens.append(.term(Self.quoted(word) + star))
                }
            }
        }
        guard !tokens.isEmpty else { throw bad("is empty; give a word to search for") }
        var parts: [String] = []
        var expectTerm = true
        var depth = 0
        var last = ""
        for token in tokens {
            switch token {
            case .term(let text):
                if !expectTerm { parts.append("AND") }
                parts.append(text)
                expectTerm = false
                last = text
            case .open:
                if !expectTerm { parts.append("AND") }
                parts.append("(")
                depth += 1
                expectTerm = true
                last = "("
            case .op(let name):
                guard !expectTerm else {
                    throw bad(
                        last.isEmpty || last == "("
                            ? "\(name) needs a term before it (\(name) joins two terms, as in mali \(name) russia)"
                            : "\(name) follows \(last): each of AND, OR and NOT joins two terms")
                }
                parts.append(name)
                expectTerm = true
                last = name
            case .close:
                guard depth > 0 else { throw bad("a ) has no ( before it") }
                guard !expectTerm else {
                    throw bad(last == "(" ? "() holds nothing" : "\(last) needs a term after it, before the )")
                }
                parts.append(")")
                depth -= 1
                last = ")"
            }
        }
        if expectTerm { throw bad("ends with \(last): it needs a term after it") }
        guard depth == 0 else { throw bad("a ( is not closed") }
        fts = parts.joined(separator: " ")
    }

    /// The text as an FTS5 string, which FTS5 tokenizes as it does the indexed text.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A `*` right after a term (a prefix search), taken from the input.
    private static func prefixStar(_ chars: inout Substring.UnicodeScalarView) -> String {
        guard chars.first == "*" else { return "" }
        chars.removeFirst()
        return "*"
    }
}
