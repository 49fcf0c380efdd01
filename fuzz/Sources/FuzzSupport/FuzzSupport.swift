import Foundation
import FuzzDriver
import RelModel

/// Hands the process to libFuzzer with `callback` as the target; called from each target's
/// `<Module>_main`, the symbol SwiftPM makes the program's entry point.
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt {
    fuzz_driver_main(argc, argv, callback)
}

/// The input as bytes; libFuzzer passes a null pointer for the empty input.
public func fuzzData(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Data {
    guard let data, size > 0 else { return Data() }
    return Data(bytes: data, count: size)
}

/// Stops with a message when an invariant fails. `precondition` drops its message in release
/// builds, and the message is what makes a libFuzzer crash report useful.
public func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError("fuzz invariant: \(message())", file: file, line: line) }
}

/// Parses JSON the way every decoder here gets it, and checks that the parser's output
/// survives printing and parsing again.
public func parsedJSON(_ data: Data) -> JSONValue? {
    guard let json = try? JSONValue.parse(data) else { return nil }
    let text = JSONText.compact(json)
    do {
        let again = try JSONValue.parse(text)
        fuzzCheck(again == json, "JSON changed when printed and parsed again: \(text)")
    } catch {
        fuzzCheck(false, "printed JSON does not parse: \(error): \(text)")
    }
    return json
}

/// What a node does with changes from a feed before writing them (`AppDatabase.applyRemote`):
/// checks each value against the schema and the clock bound. The canonical value it returns
/// must be a fixed point, or a stored value would fail when read back.
public func checkPulled(_ changes: [Change]) {
    for change in changes {
        _ = try? ClockBound.default.check(change, nowMillis: 1_800_000_000_000)
        guard let canonical = try? RecordValidator.checkMergedField(change.field, change.value) else { continue }
        let stored = JSONText.compact(canonical)
        guard let reread = try? JSONValue.parse(stored) else {
            fuzzCheck(false, "canonical value of \(change.field) does not parse: \(stored)")
            return
        }
        fuzzCheck(reread == canonical, "canonical value of \(change.field) changes when stored: \(stored)")
        let again = try? RecordValidator.checkMergedField(change.field, canonical)
        fuzzCheck(again == canonical, "canonical value of \(change.field) is not canonical: \(stored)")
    }
}

/// Checks that a decoded message prints to JSON that decodes to the same message.
public func checkRoundTrip<T: Equatable>(_ value: T, _ json: JSONValue, _ decode: (JSONValue) throws(FieldError) -> T) {
    let text = JSONText.compact(json)
    do {
        let again = try decode(try JSONValue.parse(text))
        fuzzCheck(again == value, "decoded value differs after printing: \(text)")
    } catch {
        fuzzCheck(false, "printed form does not decode: \(error): \(text)")
    }
}
