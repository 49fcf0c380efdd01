import FuzzSupport
import RelDaemon

// reld.toml: any text is either applied with every value in its documented range, or refused
// with a ConfigError that names the file and a line that exists.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzData(data, size), as: UTF8.self)
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).count
    var config = DaemonConfig(stateDirectory: "/var/lib/reld", socketPath: "/run/reld/reld.sock", socketGroup: "reld")
    do {
        try ConfigFile.apply(text: text, path: "fuzz.toml", to: &config)
    } catch {
        fuzzCheck(error.file == "fuzz.toml", "error names another file: \(error)")
        if let line = error.line { fuzzCheck(line >= 1 && line <= lines + 1, "error names line \(line) of \(lines): \(error)") }
        return 0
    }
    fuzzCheck(config.stateDirectory.hasPrefix("/") && config.socketPath.hasPrefix("/"), "relative path accepted")
    fuzzCheck(config.socketMode <= 0o777 && config.socketMode & 0o002 == 0, "socket mode \(config.socketMode) accepted")
    fuzzCheck((1024...(4 << 30)).contains(config.maxRequestBytes), "max_request_bytes \(config.maxRequestBytes)")
    fuzzCheck((1024...(4 << 30)).contains(config.maxImportBytes), "max_import_bytes \(config.maxImportBytes)")
    fuzzCheck((1...86_400).contains(config.syncInterval) && (1...86_400).contains(config.maxBackoff), "interval/backoff out of range")
    fuzzCheck(config.maxClockSkew >= 1, "max_clock_skew \(config.maxClockSkew)")
    fuzzCheck(config.tokenFile.map { $0.hasPrefix("/") } ?? true, "relative token_file accepted")
    fuzzCheck(config.caFile.map { $0.hasPrefix("/") } ?? true, "relative ca_file accepted")
    return 0
}

@_cdecl("FuzzReldConfig_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
