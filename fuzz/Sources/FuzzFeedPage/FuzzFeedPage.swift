import FuzzSupport
import RelModel

// A page pulled from GET /v1/changes: decoded and checked as SyncEngine and applyPulled do.
// A decoded page must print and decode to itself; a bad one must fail with a FieldError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let json = parsedJSON(fuzzData(data, size)) else { return 0 }
    guard let page = try? FeedPage(json: json) else { return 0 }
    checkRoundTrip(page, page.json) { json throws(FieldError) in try FeedPage(json: json) }
    checkPulled(page.changes)
    return 0
}

@_cdecl("FuzzFeedPage_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
