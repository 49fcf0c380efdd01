import RelControlAPI
import RelModel

extension HumanOutput {
    static func sync(_ r: SyncResponse) -> String {
        if r.readOnly { return readOnlySync(r) }
        if r.notModified, r.pushed == 0, r.pendingChanges == 0 {
            return "Up to date: the feed has nothing new, and nothing was waiting here.\n"
        }
        var out = "Pulled \(plural(r.pulled, "change")), pushed \(plural(r.pushed, "change"))"
        out += r.conflicts == 0 ? ".\n" : "; \(plural(r.conflicts, "new conflict")) (relctl conflicts).\n"
        if r.pendingChanges > 0 { out += "\(plural(r.pendingChanges, "local change")) made during the round wait for the next one.\n" }
        return out
    }

    /// A snapshot feed is only followed: say so, and that local changes are never pushed.
    private static func readOnlySync(_ r: SyncResponse) -> String {
        var out =
            r.notModified
            ? "Up to date: the snapshot has nothing new."
            : "Pulled \(plural(r.pulled, "change")) from the snapshot"
                + (r.conflicts == 0 ? "." : "; \(plural(r.conflicts, "new conflict")) (relctl conflicts).")
        out += "\n"
        if r.pendingChanges > 0 {
            let one = r.pendingChanges == 1
            out +=
                "The feed is a read-only snapshot: \(plural(r.pendingChanges, "local change")) \(one ? "stays" : "stay") here and \(one ? "is" : "are") not pushed.\n"
        }
        return out
    }

    static func conflicts(_ list: [ConflictInfo]) -> String {
        guard !list.isEmpty else { return "No open conflicts.\n" }
        var out = ""
        for c in list {
            out += TerminalText.escaped("\(c.recordID)  \(c.field)  (\(c.title))") + "\n"
            out += "  shown:  " + version(c.current) + "\n"
            for o in c.others { out += "  lost:   " + version(o) + "\n" }
            out += "  resolve: relctl resolve \(c.recordID) \(c.field) --take local|remote|VALUE\n"
        }
        return out + "(\(plural(list.count, "open conflict")))\n"
    }

    private static func version(_ v: VersionInfo) -> String {
        TerminalText.escaped("\(JSONText.compact(v.value))  by \(who(node: v.node, name: v.nodeName, local: v.local)) at \(v.time)")
    }
}
