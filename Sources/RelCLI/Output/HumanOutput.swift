import Foundation
import RelControlAPI
import RelModel

/// The text relctl prints for people. Pure functions of the daemon's answers, so that golden
/// files pin them down.
enum HumanOutput {
    static func status(_ s: StatusResponse) -> String {
        var block = KeyValueBlock()
        block.add("reld", "\(s.version), up \(duration(s.uptimeSeconds)) (since \(s.startedAt))")
        block.add("Node", s.nodeID)
        block.add(
            "Records", "\(plural(s.records.event, "event")), \(plural(s.records.agreement, "agreement")) (\(s.records.deleted) deleted)")
        block.add("Pending", "\(plural(s.pendingChanges, "change")) not yet synced")
        block.add("Conflicts", s.openConflicts == 0 ? "none" : "\(s.openConflicts) open (relctl conflicts)")
        if let sync = s.sync {
            block.add("Feed", sync.feed + (sync.readOnly ? " (snapshot, pull only)" : ""))
            // The wire's `backing_off` reads as "backing off".
            let state = String(sync.state.map { $0 == "_" ? " " : $0 })
            block.add("Sync", state + (sync.nextAttempt.map { ", next try \($0)" } ?? ""))
            block.add("Last sync", sync.lastSuccess ?? "never")
            block.add("Last error", sync.lastError)
        } else {
            block.add("Feed", "none (offline only)")
        }
        block.add("Database", "\(s.database.path) (\(bytes(s.database.sizeBytes)))")
        block.add("Socket", s.socket)
        return block.render()
    }

    /// The records as a table; `width` (terminal columns, `nil` for no limit) cuts parties and
    /// titles with `…` to fit, never ids or dates.
    static func list(_ records: [JSONValue], total: Int, offset: Int, width: Int? = nil) -> String {
        guard !records.isEmpty else { return total == 0 ? "No records match.\n" : "No records at offset \(offset) (\(total) match).\n" }
        var table = TextTable(["ID", "DATE", "KIND", "CATEGORY", "PARTIES", "TITLE"], shrinkable: [4, 5])
        for r in records {
            table.add([
                r["id"]?.stringValue ?? "", DateSpec(json: r["date"] ?? .null)?.text ?? "?",
                r["kind"]?.stringValue ?? "", r["category"]?.stringValue ?? "",
                strings(r["parties"]).joined(separator: ","), r["title"]?.stringValue ?? "",
            ])
        }
        var out = table.render(maxWidth: width)
        if records.count < total {
            out += "(\(records.count) of \(total) records shown, from \(offset + 1); use --limit and --offset for more)\n"
        } else {
            out += "(\(plural(total, "record")))\n"
        }
        return out
    }

    static func record(_ r: JSONValue) -> String {
        var b = KeyValueBlock()
        b.add("ID", r["id"]?.stringValue)
        b.add("Kind", r["kind"]?.stringValue)
        b.add("Title", r["title"]?.stringValue)
        b.add("Category", r["category"]?.stringValue)
        if let d = DateSpec(json: r["date"] ?? .null) {
            b.add(
                "Date",
                d.type == .unknown
                    ? "unknown" : "\(d.text) (\(d.type.rawValue), \(d.precision.rawValue)\(d.approximate ? ", approximate" : ""))")
        }
        b.add("Claim", r["claim_status"]?.stringValue)
        b.add("Parties", strings(r["parties"]).joined(separator: ", "))
        b.add("Actors", r["actors"]?.arrayValue?.map(actor).joined(separator: "\n"))
        if let l = r["location"], !l.isNull {
            b.add(
                "Location",
                [l["name"]?.stringValue, l["admin1"]?.stringValue, l["country"]?.stringValue].compactMap { $0 }.joined(separator: ", ")
                    + coordinates(l))
        }
        b.add("Tags", strings(r["tags"]).joined(separator: ", "))
        if r["kind"]?.stringValue == "agreement" {
            b.add("Status", r["status"]?.stringValue)
            b.add("Type", r["agreement_type"]?.stringValue)
            b.add("Lateral", r["lateral"]?.stringValue)
            b.add("Subjects", strings(r["subject_areas"]).joined(separator: ", "))
            b.add("Signed", r["date_signed"]?.stringValue)
            b.add("In force", r["date_entry_into_force"]?.stringValue)
            b.add("Concluded at", r["place_of_conclusion"]?.stringValue)
            b.add("Obligations", strings(r["alliance_obligations"]).joined(separator: ", "))
        } else if case .int(let n)? = r["fatalities"] {
            b.add("Fatalities", String(n))
        }
        if let s = r["source"], !s.isNull {
            let detail = [s["genre"]?.stringValue, s["part"]?.stringValue].compactMap { $0 }.joined(separator: ", ")
            b.add("Source", (s["title"]?.stringValue ?? "(untitled)") + (detail.isEmpty ? "" : " (\(detail))"))
            b.add("URL", s["url"]?.stringValue)
            b.add("Quote", s["quote"]?.stringValue.map { "\u{201C}\($0)\u{201D}" })
            b.add("Citations", strings(s["citation_markers"]).joined(separator: " "))
        }
        b.add("Codes", codes(r["codes"]))
        b.add("Related", strings(r["related_ids"]).joined(separator: ", "))
        b.add("Notes", r["notes"]?.stringValue)
        return b.render()
    }

    static func importSummary(_ s: ImportResponse) -> String {
        "Imported: \(s.created) created, \(s.updated) updated, \(s.unchanged) unchanged.\n"
    }

    // MARK: - Pieces

    static func actor(_ a: JSONValue) -> String {
        let detail = [a["type"]?.stringValue, a["role"]?.stringValue, a["country"]?.stringValue].compactMap { $0 }
        return (a["name"]?.stringValue ?? "?") + " (" + detail.joined(separator: ", ") + ")"
    }

    static func coordinates(_ l: JSONValue) -> String {
        guard let lat = number(l["latitude"]), let lon = number(l["longitude"]) else { return "" }
        return " (\(lat), \(lon))"
    }

    static func codes(_ c: JSONValue?) -> String? {
        guard let c else { return nil }
        var parts: [String] = []
        if let code = c["cameo_event_code"]?.stringValue {
            var s = "CAMEO \(code)"
            if case .int(let q)? = c["quad_class"] { s += " (quad class \(q))" }
            parts.append(s)
        }
        if let t = c["acled_event_type"]?.stringValue {
            parts.append("ACLED \(t)" + (c["acled_sub_event_type"]?.stringValue.map { " / \($0)" } ?? ""))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    static func strings(_ v: JSONValue?) -> [String] { v?.arrayValue?.compactMap(\.stringValue) ?? [] }

    static func number(_ v: JSONValue?) -> String? {
        switch v {
        case .int(let i)?: String(i)
        case .double(let d)?: String(d)
        default: nil
        }
    }

    static func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m \(s % 60)s" }
        if s < 86400 { return "\(s / 3600)h \(s % 3600 / 60)m" }
        return "\(s / 86400)d \(s % 86400 / 3600)h"
    }

    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(n) B" : String(format: "%.1f %@", value, units[unit])
    }
}
