import RelControlAPI
import RelModel

extension HumanOutput {
    static func sync(_ r: SyncResponse) -> String {
        if r.notModified, r.pushed == 0 { return "Up to date: the feed has nothing new, and nothing was waiting here.\n" }
        var out = "Pulled \(plural(r.pulled, "change")), pushed \(plural(r.pushed, "change"))"
        out += r.conflicts == 0 ? ".\n" : "; \(plural(r.conflicts, "new conflict")) (relctl conflicts).\n"
        return out
    }

    static func conflicts(_ list: [ConflictInfo]) -> String {
        guard !list.isEmpty else { return "No open conflicts.\n" }
        var out = ""
        for c in list {
            out += "\(c.recordID)  \(c.field)  (\(c.title))\n"
            out += "  shown:  " + version(c.current) + "\n"
            for o in c.others { out += "  lost:   " + version(o) + "\n" }
            out += "  resolve: relctl resolve \(c.recordID) \(c.field) --take local|remote|VALUE\n"
        }
        return out + "(\(plural(list.count, "open conflict")))\n"
    }

    private static func version(_ v: VersionInfo) -> String {
        "\(JSONText.compact(v.value))  by \(v.local ? "this node" : "node \(v.node)") at \(v.time)"
    }
}
