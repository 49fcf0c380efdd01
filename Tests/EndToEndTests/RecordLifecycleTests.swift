import Foundation
import Testing

/// add, list, show, edit and delete through the real relctl against a real reld.
@Suite struct RecordLifecycleTests {
    @Test func addListShowEditDelete() throws {
        try withDaemon { d in
            let added = try d.relctl(
                "add-event", "--title", "Foreign minister visits Bamako", "--category", "diplomatic",
                "--date", "2023-02-07", "--party", "ML", "--party", "RU",
                "--actor", "Sergei Lavrov:person:source:RU", "--location", "Bamako:ML",
                "--claim", "reported", "--source-title", "Example", "--source-url", "https://example.org/a",
                "--tag", "visit", "--notes", "First visit.")
            #expect(added.status == 0, "\(added.stderr)")
            let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(UUID(uuidString: id) != nil, "add-event prints the new id, got \(added.stdout)")

            let agreement = try d.relctl(
                "--json", "add-agreement", "--id", "deal-1", "--title", "Nuclear energy MoU",
                "--category", "energy", "--date", "2023-10", "--party", "ML", "--party", "ROSATOM",
                "--status", "signed", "--type", "mou", "--subject", "nuclear power", "--date-signed", "2023-10-24")
            #expect(agreement.status == 0, "\(agreement.stderr)")
            #expect(try parseJSON(agreement.stdout) as? [String: String] == ["id": "deal-1"])

            let list = try d.relctl("list")
            #expect(list.status == 0)
            let lines = list.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("ID") == true)
            #expect(lines[1].contains(id) && lines[1].contains("2023-02-07"), "sorted by date: the February event first\n\(list.stdout)")
            #expect(lines[2].contains("deal-1") && lines[2].contains("2023-10"))
            #expect(list.stdout.contains("(2 records)"))

            let onlyAgreements = try d.relctl("--json", "list", "--kind", "agreement")
            let page = try #require(try parseJSON(onlyAgreements.stdout) as? [String: Any])
            #expect(page["total"] as? Int == 1)

            let byParty = try d.relctl("list", "--party", "RU", "--since", "2023-01", "--until", "2023-03", "--text", "BAMAKO")
            #expect(byParty.stdout.contains(id) && !byParty.stdout.contains("deal-1"))

            let show = try d.relctl("show", id)
            #expect(show.status == 0)
            #expect(show.stdout.contains("Title:") && show.stdout.contains("Foreign minister visits Bamako"))
            #expect(show.stdout.contains("Sergei Lavrov (person, source, RU)"))

            let edit = try d.relctl(
                "edit", id, "--set", "claim_status=disputed", "--set", "source.url=https://example.org/b",
                "--set", "date=2023-02~", "--set", "parties=ML,RU,FR")
            #expect(edit.status == 0, "\(edit.stderr)")
            let edited = try #require(try parseJSON(try d.relctl("--json", "show", id).stdout) as? [String: Any])
            #expect(edited["claim_status"] as? String == "disputed")
            #expect((edited["source"] as? [String: Any])?["url"] as? String == "https://example.org/b")
            #expect((edited["date"] as? [String: Any])?["precision"] as? String == "month")
            #expect((edited["date"] as? [String: Any])?["approximate"] as? Bool == true)
            #expect(edited["parties"] as? [String] == ["ML", "RU", "FR"])

            let delete = try d.relctl("delete", id)
            #expect(delete.status == 0)
            let gone = try d.relctl("show", id)
            #expect(gone.status == 1)
            #expect(gone.stderr.contains("record \(id) is deleted; bring it back with `relctl restore \(id)`"))
            #expect(try d.relctl("delete", id).status == 1, "deleting twice is refused")

            let status = try #require(try parseJSON(try d.relctl("--json", "status").stdout) as? [String: Any])
            let records = try #require(status["records"] as? [String: Int])
            #expect(records == ["event": 0, "agreement": 1, "deleted": 1])
            #expect((status["pending_changes"] as? Int ?? 0) > 0, "every write is in the change log, waiting to sync")
        }
    }

    @Test func statusShowsPathsAndCounts() throws {
        try withDaemon { d in
            let out = try d.relctl("status")
            #expect(out.status == 0)
            #expect(out.stdout.contains("Socket:") && out.stdout.contains(d.socket))
            #expect(out.stdout.contains(d.stateDir + "/reld.sqlite"))
            #expect(out.stdout.contains("0 events, 0 agreements"))
            let json = try #require(try parseJSON(try d.relctl("status", "--json").stdout) as? [String: Any])
            #expect(json["version"] as? String == "0.2.0")
            #expect((json["node_id"] as? String)?.count == 36)
        }
    }

    @Test func relctlVersionAndCompletion() throws {
        let version = try run(Binaries.relctl, ["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("0.2.0"))
        let completion = try run(Binaries.relctl, ["--generate-completion-script", "bash"])
        #expect(completion.status == 0 && completion.stdout.contains("add-event"))
        let help = try run(Binaries.relctl, ["--help"])
        #expect(help.stdout.contains("3    reld is not reachable"), "exit codes are documented in --help")
    }
}
