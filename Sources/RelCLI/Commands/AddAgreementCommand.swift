import ArgumentParser
import RelModel

/// `relctl add-agreement`
struct AddAgreementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-agreement", abstract: "Add an agreement (treaty, deal, memorandum...). Prints its id.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var record: RecordOptions

    @Option(help: ArgumentHelp("Where it stands: \(Vocabulary.agreementStatuses.joined(separator: ", ")).", valueName: "status"))
    var status: String?

    @Option(help: ArgumentHelp("Legal form: \(Vocabulary.agreementTypes.joined(separator: ", ")).", valueName: "type"))
    var type: String?

    @Option(help: ArgumentHelp("bilateral or multilateral.", valueName: "lateral"))
    var lateral: String?

    @Option(name: .customLong("subject"), help: ArgumentHelp("A subject area it covers. Repeatable.", valueName: "subject"))
    var subjects: [String] = []

    @Option(name: .customLong("date-signed"), help: ArgumentHelp("Date of signature: YYYY[-MM[-DD]].", valueName: "date"))
    var dateSigned: String?

    @Option(name: .customLong("date-in-force"), help: ArgumentHelp("Date of entry into force: YYYY[-MM[-DD]].", valueName: "date"))
    var dateInForce: String?

    @Option(help: "Where it was concluded.")
    var place: String?

    func validate() throws {
        if let dateSigned { _ = try parsePartialDate(dateSigned, option: "--date-signed") }
        if let dateInForce { _ = try parsePartialDate(dateInForce, option: "--date-in-force") }
    }

    func run() async throws {
        var json = try record.json(kind: .agreement)
        if let status { json["status"] = .string(status) }
        if let type { json["agreement_type"] = .string(type) }
        if let lateral { json["lateral"] = .string(lateral) }
        if !subjects.isEmpty { json["subject_areas"] = .array(subjects.map(JSONValue.string)) }
        if let dateSigned { json["date_signed"] = .string(dateSigned) }
        if let dateInForce { json["date_entry_into_force"] = .string(dateInForce) }
        if let place { json["place_of_conclusion"] = .string(place) }
        try await submit(json, global: global)
    }
}
