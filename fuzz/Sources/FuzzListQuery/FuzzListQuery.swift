import Foundation
import FuzzSupport
import RelControlAPI
import RelModel

// The query string of GET /v1/records, split and percent-decoded like a URL's, read with
// ListQuery as the daemon does. A query that reads must survive relctl writing it again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzData(data, size), as: UTF8.self)
    let items: [(String, String)] = text.split(separator: "&").map { pair in
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        func decoded(_ s: Substring) -> String { String(s).removingPercentEncoding ?? String(s) }
        return (decoded(parts[0]), parts.count > 1 ? decoded(parts[1]) : "")
    }
    let query: ListQuery
    do { query = try ListQuery(items: items) } catch {
        _ = error.description
        return 0
    }
    fuzzCheck((1...100_000).contains(query.limit) && query.offset >= 0, "limit/offset out of range")
    do {
        let again = try ListQuery(items: query.items)
        fuzzCheck(again == query, "query changes when written and read again: \(query.items)")
    } catch {
        fuzzCheck(false, "query's own items are refused: \(error): \(query.items)")
    }
    return 0
}

@_cdecl("FuzzListQuery_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
