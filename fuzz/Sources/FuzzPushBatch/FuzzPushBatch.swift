import FuzzSupport
import RelModel

// A batch POSTed to relhub's /v1/changes: decoded as FeedAPI.push does, then checked as applyRemote does.
// Also the push result a node reads back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let json = parsedJSON(fuzzData(data, size)) else { return 0 }
    if let result = try? PushResult(json: json) {
        checkRoundTrip(result, result.json) { json throws(FieldError) in try PushResult(json: json) }
    }
    guard let batch = try? PushBatch(json: json) else { return 0 }
    checkRoundTrip(batch, batch.json) { json throws(FieldError) in try PushBatch(json: json) }
    checkPulled(batch.changes)
    return 0
}

@_cdecl("FuzzPushBatch_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
