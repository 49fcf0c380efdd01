import ArgumentParser
import Foundation
import RelControlAPI
import RelModel

/// `relctl resolve ID FIELD --take local|remote|VALUE`
struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Close a conflict: keep this node's value, the other node's, or a new one, everywhere.",
        discussion: """
            --take local keeps the value written on this node; --take remote keeps the one written on \
            another node (if several nodes wrote different values, give the value itself). Any other \
            text is the value to keep, read as `edit --set` reads it. The choice is written as a new \
            change that replaces every version of the field, so it wins on every replica once synced.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The record's id.")
    var id: String

    @Argument(help: "The field in conflict, as `relctl conflicts` names it.")
    var field: String

    @Option(help: ArgumentHelp("local, remote, or the value to keep.", valueName: "local|remote|value"))
    var take: String

    func run() async throws {
        let id = try checkedID(self.id)
        let choice: ResolveRequest.Choice
        switch take {
        case "local": choice = .local
        case "remote": choice = .remote
        default:
            // Read as `edit --set` reads it; a field has the same type in both kinds.
            do { choice = .value(try FieldInput.value(forPath: field, text: take)) } catch {
                throw CLIError(
                    .usage,
                    "--take \(JSONText.quoted(take)): \(error.reason)"
                        + EditCommand.examples(field, option: "--take", prefix: ""))
            }
        }
        let body = ResolveRequest(field: field, choice: choice).json
        let data = try await global.client.send(.post, Routes.resolve(id), body: Data(JSONText.compact(body).utf8))
        if global.json { return printRaw(data) }
        printText("Resolved \(field) of \(id); the choice reaches other nodes at the next sync.\n")
    }
}
