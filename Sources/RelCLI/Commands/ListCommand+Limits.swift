import ArgumentParser
import RelControlAPI

extension ListCommand {
    /// Refuses values past the limits of `GET /v1/records` (``ListQuery``) before anything is
    /// sent, naming the option and the limit: reld would refuse them too, and a query string
    /// past its HTTP parser's limit gets a 400 that cannot say which option is at fault.
    func checkQueryLimits() throws {
        guard parties.count <= ListQuery.maxParties else {
            throw ValidationError(
                "--party is given \(parties.count) times; at most \(ListQuery.maxParties) parties can be asked for at once")
        }
        for party in parties { try Self.checkLength(party, option: "--party", parameter: "party") }
        if let text { try Self.checkLength(text, option: "--text", parameter: "text") }
        if let category { try Self.checkLength(category, option: "--category", parameter: "category") }
    }

    private static func checkLength(_ value: String, option: String, parameter: String) throws {
        let limit = ListQuery.maxBytes(of: parameter)
        guard value.utf8.count > limit else { return }
        throw ValidationError("\(option) is \(value.utf8.count) bytes long; at most \(limit) bytes are allowed")
    }
}
