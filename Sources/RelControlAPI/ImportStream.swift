/// One line of the NDJSON answer of `POST /v1/import?progress=1`: progress lines while reld
/// writes, then one last line with either the result or the error. Exactly one member is set.
public struct ImportStreamLine: Codable, Sendable, Equatable {
    /// How far the write has got.
    public var progress: ImportProgress?
    /// The import was committed: what it did (the body of the plain answer).
    public var result: ImportResponse?
    /// The import failed while writing and nothing was written (the body of a plain error answer).
    public var error: APIErrorBody?

    /// Creates a line; set exactly one member.
    public init(progress: ImportProgress? = nil, result: ImportResponse? = nil, error: APIErrorBody? = nil) {
        self.progress = progress
        self.result = result
        self.error = error
    }
}

/// Records written so far in an import's transaction (not yet committed), of the total.
public struct ImportProgress: Codable, Sendable, Equatable {
    /// Records written so far.
    public var written: Int
    /// Records in the import.
    public var total: Int

    /// Creates the progress.
    public init(written: Int, total: Int) {
        self.written = written
        self.total = total
    }
}

/// The query parameter and media type of the streamed import answer.
public enum ImportStreamFormat {
    /// `POST /v1/import?progress=1` asks for the streamed answer.
    public static let parameter = "progress"
    /// The streamed answer's content type: one JSON object per line.
    public static let mediaType = "application/x-ndjson"
}
