import RelStore

/// A snapshot's text read a chunk at a time, compared as bytes: the two stores may cut their
/// chunks at different places.
struct SnapshotReader {
    let stream: any FeedSnapshotStream
    var position: SnapshotStream.Position? = .start
    /// What was read and not compared yet.
    var unread: ArraySlice<UInt8> = []

    init(_ stream: any FeedSnapshotStream) { self.stream = stream }

    /// Reads the next chunk when all before it was compared; `unread` stays empty at the end.
    mutating func fill() async throws {
        while unread.isEmpty, let at = position {
            let (text, next) = try await stream.chunk(at: at)
            (unread, position) = (ArraySlice(text.utf8), next)
        }
    }
}
