import FuzzSupport
import RelModel

// A snapshot document from GET /v1/snapshot or relctl restore: decoded and checked as a pull is.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let json = parsedJSON(fuzzData(data, size)) else { return 0 }
    guard let snapshot = try? FeedSnapshot(json: json) else { return 0 }
    checkRoundTrip(snapshot, snapshot.json) { json throws(FieldError) in try FeedSnapshot(json: json) }
    checkPulled(snapshot.changes)
    return 0
}

@_cdecl("FuzzSnapshot_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
