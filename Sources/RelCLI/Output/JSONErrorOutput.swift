import Foundation
import RelControlAPI
import RelModel

/// What `relctl --json` prints on standard output when a command fails, whoever found the fault
/// (ArgumentParser, relctl, or reld): the control API's error body and the exit status,
/// `{"error": {"code", "message", "field", "value", "record_index", "record_id"}, "exit_status": N}`.
///
/// Scripts read one JSON document from standard output whatever happens; the human
/// `error: ...` line still goes to standard error.
struct JSONErrorOutput: Encodable, Equatable {
    /// The fault: reld's body when reld answered, else one of relctl's own codes.
    var error: APIErrorBody
    /// The status relctl exits with.
    var exitStatus: Int32

    enum CodingKeys: String, CodingKey {
        case error
        case exitStatus = "exit_status"
    }

    /// Codes relctl gives faults it finds itself: the cases of ``WireErrorCode`` whose origins
    /// include `.relctl` (reld's codes are in docs/control-api.md).
    typealias Code = WireErrorCode

    /// The output for a ``CLIError``: reld's field, value and record when it answered.
    init(_ error: CLIError) {
        var body = error.answer ?? APIErrorBody(code: error.code, message: error.description)
        body.code = error.code
        body.message = error.description
        self.init(error: body, exitStatus: error.status.rawValue)
    }

    /// An output for a fault found before or outside reld.
    init(error: APIErrorBody, exitStatus: Int32) {
        self.error = error
        self.exitStatus = exitStatus
    }

    /// One line of JSON with sorted keys, ending in a newline.
    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, integers and nulls cannot fail.
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Whether the command line asks for JSON: `--json` anywhere before a `--` that ends the
    /// options. Read from the raw arguments, since ArgumentParser may fail before it reads
    /// `--json` (an unknown option, a missing argument).
    static func isRequested(by arguments: [String]) -> Bool {
        for a in arguments {
            if a == "--" { return false }
            if a == "--json" { return true }
        }
        return false
    }
}

extension JSONErrorOutput {
    /// The output for a fault ArgumentParser reports (a usage error, or an error a command threw
    /// that is not a ``CLIError``), exiting with `exitStatus`.
    init(exitStatus: Int32, message: String) {
        var text = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
        while text.hasSuffix("\n") { text.removeLast() }
        let code = CLIError.Status(rawValue: exitStatus)?.defaultCode ?? (exitStatus == 130 ? .interrupted : .failed)
        self.init(error: APIErrorBody(code, message: text), exitStatus: exitStatus)
    }

    /// Writes ``text`` to standard output. A closed output is ignored: the exit status still
    /// tells what happened.
    func write() {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }
}
