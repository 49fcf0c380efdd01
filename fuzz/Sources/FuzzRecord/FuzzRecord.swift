import FuzzSupport
import RelModel

// A record as POST /v1/records takes it, or an import file (a JSON array of records) as
// POST /v1/import and relctl import read it. Every accepted record must be canonical.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let json = parsedJSON(fuzzData(data, size)) else { return 0 }
    for item in json.arrayValue ?? [json] {
        let record: Record
        do { record = try RecordValidator.record(from: item) { "fz-new" } } catch {
            // A refusal must name a field, so people can find what to fix.
            fuzzCheck(!error.field.isEmpty, "validation error without a field: \(error)")
            continue
        }
        checkValidRecord(record)
    }
    return 0
}

@_cdecl("FuzzRecord_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
