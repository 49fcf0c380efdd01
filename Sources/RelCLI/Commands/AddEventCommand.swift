import ArgumentParser
import Foundation
import OrderedCollections
import RelControlAPI
import RelModel

/// `relctl add-event`
struct AddEventCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-event", abstract: "Add an event (a visit, coup, delivery, attack, statement...). Prints its id.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var record: RecordOptions

    @Option(help: "Deaths reported (0 or more).")
    var fatalities: Int?

    func validate() throws {
        if let fatalities, fatalities < 0 { throw ValidationError("--fatalities \(fatalities): must be 0 or more") }
    }

    func run() async throws {
        var json = try record.json(kind: .event)
        if let fatalities { json["fatalities"] = .int(Int64(fatalities)) }
        try await submit(json, global: global)
    }
}

/// Sends a new record and prints its id.
func submit(_ json: OrderedDictionary<String, JSONValue>, global: GlobalOptions) async throws {
    let data = try await global.client.send(.post, Routes.records, body: Data(JSONText.compact(.object(json)).utf8))
    if global.json { return printRaw(data) }
    printText(try decode(CreatedResponse.self, data).id + "\n")
}
