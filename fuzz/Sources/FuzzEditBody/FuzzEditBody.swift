import FuzzSupport
import RelModel

// Bodies of PATCH /v1/records/{id} (`{"set": {...}}`) and POST /v1/records/{id}/resolve, read as
// ControlAPI.edit and SyncAPI.resolve read them, and relctl's `--set PATH=TEXT` for input that
// is not JSON. An accepted edit keeps the record's id and kind and gives a valid record.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzData(data, size)
    guard let json = parsedJSON(bytes) else {
        commandLineSet(String(decoding: bytes, as: UTF8.self))
        return 0
    }
    if let envelope = json.objectValue, envelope.keys.allSatisfy({ $0 == "set" }), let edits = envelope["set"]?.objectValue, !edits.isEmpty {
        for base in SampleRecords.all {
            guard let edited = try? RecordValidator.applying(edits, to: base) else { continue }
            fuzzCheck(edited.id == base.id && edited.kind == base.kind, "edit changed id or kind: \(JSONText.compact(json))")
            checkValidRecord(edited)
        }
    }
    if case .string(let field)? = json["field"], let value = json["value"],
       let canonical = try? RecordValidator.checkMergedField(field, value) {
        fuzzCheck((try? RecordValidator.checkMergedField(field, canonical)) == canonical, "resolve value not canonical: \(JSONText.compact(value))")
    }
    return 0
}

/// `relctl edit ID --set PATH=TEXT`: the typed text becomes JSON, which the edit then checks.
func commandLineSet(_ text: String) {
    guard let eq = text.firstIndex(of: "=") else { return }
    let path = String(text[..<eq]), value = String(text[text.index(after: eq)...])
    for base in SampleRecords.all {
        guard let json = try? FieldInput.value(forPath: path, text: value, kind: base.kind) else { continue }
        if let edited = try? RecordValidator.applying([path: json], to: base) { checkValidRecord(edited) }
    }
    _ = (FieldInput.actor(text), FieldInput.location(text))
}

@_cdecl("FuzzEditBody_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
