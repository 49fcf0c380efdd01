import Foundation
import RelModel

/// Compact JSON written straight into bytes, for the import body: the same text as
/// `JSONText.compact`, without building a `String` scalar by scalar (the body of a large CSV
/// file is most of what an import costs relctl).
enum JSONBytes {
    /// Appends `value` as compact JSON.
    static func append(_ value: JSONValue, to out: inout Data) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double, .array([]), .object([:]): out.append(contentsOf: JSONText.compact(value).utf8)
        case .string(let s): append(string: s, to: &out)
        case .array(let items):
            out.append(0x5B)
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(0x2C) }
                append(item, to: &out)
            }
            out.append(0x5D)
        case .object(let members):
            out.append(0x7B)
            var first = true
            for (k, v) in members {
                if !first { out.append(0x2C) }
                first = false
                append(string: k, to: &out)
                out.append(0x3A)
                append(v, to: &out)
            }
            out.append(0x7D)
        }
    }

    /// A string literal: the text as it is unless it holds a quote, a backslash or a control
    /// character, which only then go through `JSONText.quote`.
    static func append(string s: String, to out: inout Data) {
        if s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out.append(contentsOf: JSONText.quoted(s).utf8)
        } else {
            out.append(0x22)
            out.append(contentsOf: s.utf8)
            out.append(0x22)
        }
    }
}
