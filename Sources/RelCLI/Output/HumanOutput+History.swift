import RelControlAPI
import RelModel

extension HumanOutput {
    /// A record's history: one block per write (changes sharing a stamp), each field on a line.
    static func history(_ h: HistoryResponse, offset: Int) -> String {
        guard !h.entries.isEmpty else {
            return h.total == 0 ? "No changes of \(h.id) match.\n" : "No changes past \(offset) (of \(h.total)).\n"
        }
        var out = ""
        var previous: (hlc: String, node: String)?
        var creating = false
        var empty = 0
        func endBlock() {
            if empty > 0 { out += "  (\(plural(empty, "field")) left empty)\n" }
            empty = 0
        }
        for e in h.entries {
            if previous?.hlc != e.hlc || previous?.node != e.node {
                endBlock()
                out += TerminalText.escaped("\(e.time)  \(who(node: e.node, name: e.nodeName, local: e.local))") + "\n"
                previous = (e.hlc, e.node)
                creating = e.action == "created"
            }
            // A new record's empty fields are in its log, but say nothing a reader needs (--json has them).
            if creating, e.old.isEmpty, e.concurrent.isEmpty, isEmpty(e.value) {
                empty += 1
                continue
            }
            out += TerminalText.escaped("  " + line(e)) + "\n"
            for c in e.concurrent {
                out +=
                    TerminalText.escaped(
                        "      concurrent with \(short(c.value)) by \(who(node: c.node, name: c.nodeName, local: c.local)): kept as a conflict (this value has the later stamp)"
                    ) + "\n"
            }
        }
        endBlock()
        let shown = h.entries.count
        if shown < h.total {
            out += "(\(offset + 1)-\(offset + shown) of \(h.total) changes; --offset \(offset + shown) shows more)\n"
        } else {
            out += "(\(plural(h.total, "change")))\n"
        }
        return out
    }

    private static func line(_ e: HistoryEntryInfo) -> String {
        let replaced = e.old.map { short($0.value) }
        let note = e.superseded ? "  (replaced by a change stamped before it, whose writer's clock ran behind; never shown)" : ""
        switch e.action {
        case "created": return "created (\(e.value.stringValue ?? JSONText.compact(e.value)))"
        case "deleted": return "deleted" + note
        case "restored": return "restored" + note
        case "resolved": return "\(e.field): resolved \(replaced.joined(separator: " | ")) → \(short(e.value))" + note
        default:
            return replaced.isEmpty
                ? "\(e.field): \(short(e.value))" + note : "\(e.field): \(replaced.joined(separator: " | ")) → \(short(e.value))" + note
        }
    }

    /// `null`, `""`, `[]`, or an object of such: what a new record's unset fields hold.
    private static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .string(let s): s.isEmpty
        case .array(let a): a.isEmpty
        case .object(let o): o.values.allSatisfy(isEmpty)
        default: false
        }
    }

    /// `ana@laptop [1b2c3d4e]`, `this node`; the id stays beside the name, since names are labels
    /// anyone can choose.
    static func who(node: String, name: String?, local: Bool) -> String {
        let id = local ? "this node" : String(node.prefix(8))
        return name.map { "\($0) [\(id)]" } ?? (local ? "this node" : "node \(node)")
    }

    /// A value as compact JSON, cut to 60 characters (--json has it whole).
    private static func short(_ value: JSONValue) -> String {
        let text = JSONText.compact(value)
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
