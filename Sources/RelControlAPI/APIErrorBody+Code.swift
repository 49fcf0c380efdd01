import RelModel

extension APIErrorBody {
    /// Creates an error body with one of the codes of ``WireErrorCode``. Decoded bodies keep
    /// ``code`` as text, since a newer reld may send a code this build does not know.
    public init(
        _ code: WireErrorCode, message: String, field: String? = nil, value: String? = nil,
        recordIndex: Int? = nil, recordID: String? = nil
    ) {
        self.init(
            code: code.rawValue, message: message, field: field, value: value,
            recordIndex: recordIndex, recordID: recordID)
    }
}
