import FuzzSupport
import RelHub

// relhub.toml: any text is either applied with every value in its documented range, or refused
// with a HubConfigError that starts with the file name.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzData(data, size), as: UTF8.self)
    var config = HubConfig(stateDirectory: "/var/lib/relhub")
    do {
        try HubConfigFile.apply(text: text, path: "fuzz.toml", to: &config)
    } catch {
        fuzzCheck(error.description.hasPrefix("fuzz.toml"), "error does not name the file: \(error)")
        return 0
    }
    fuzzCheck(config.stateDirectory.hasPrefix("/"), "relative state_dir accepted")
    fuzzCheck(config.tokenFile.map { $0.hasPrefix("/") } ?? true, "relative token_file accepted")
    fuzzCheck((0...65_535).contains(config.port), "port \(config.port) accepted")
    fuzzCheck((1024...(4 << 30)).contains(config.maxPushBytes), "max_push_bytes \(config.maxPushBytes)")
    fuzzCheck((1...100_000).contains(config.maxPageSize), "max_page_size \(config.maxPageSize)")
    return 0
}

@_cdecl("FuzzHubConfig_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
