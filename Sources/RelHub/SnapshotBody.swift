import CompressNIO
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RelStore
import Synchronization

/// The body of a `GET /v1/snapshot` answer too big for one page: written a chunk at a time from
/// one read view of the store (``SnapshotStream``), gzip-compressed as it goes when the client
/// accepts gzip, so a snapshot takes memory for a page whatever the size of the ledger.
///
/// A client that stops reading would hold the view (and so the write-ahead log) and a slot of
/// the snapshot gate for good: when no chunk has been taken for `stallTimeout` (relhub's
/// `idle_timeout`), the answer is abandoned and the connection closed.
struct SnapshotBody: Sendable {
    let stream: any FeedSnapshotStream
    /// The document's first chunk, read before the headers went out.
    let first: String
    let next: SnapshotStream.Position
    let gzip: Bool
    let stallTimeout: Duration
    /// Held until the body is written or abandoned.
    let slot: GateSlot
    /// Where an abandoned snapshot is told, so an operator sees why a reader got less.
    let logger: Logger

    /// The answer: chunked, `Content-Encoding: gzip` when compressed.
    func response(headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        if gzip { headers[.contentEncoding] = "gzip" }
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in try await self.write(&writer) })
    }

    /// The snapshot stopped because its client took nothing for `stallTimeout`.
    struct Stalled: Error {}

    private func write(_ writer: inout any ResponseBodyWriter) async throws {
        defer { slot.release() }
        let box = WriterBox(writer)
        let progress = Progress()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.produce(into: box, progress: progress) }
            group.addTask { try await Self.watch(progress, every: stallTimeout) }
            // The first to end is the producer (done, or failed), or the watchdog on a stall;
            // a throw cancels the other, which ends a write waiting on the client.
            do {
                try await group.next()
            } catch is Stalled {
                logger.warning(
                    "snapshot abandoned: the client took nothing for \(stallTimeout) (idle_timeout); connection closed",
                    metadata: ["chunks_sent": "\(progress.count.load(ordering: .relaxed))"])
                throw Stalled()
            }
            group.cancelAll()
        }
        writer = box.writer
        try await writer.finish(nil)
    }

    private func produce(into box: WriterBox, progress: Progress) async throws {
        let compressor = gzip ? try ZlibCompressor(algorithm: .gzip) : nil
        var text = first
        var position: SnapshotStream.Position? = next
        while true {
            var buffer = ByteBuffer(string: text)
            text = ""
            if let compressor {
                // A sync flush per chunk: each chunk goes out whole, at a small cost in size.
                var out = ByteBufferAllocator().buffer(capacity: compressor.maxSize(from: buffer))
                try compressor.deflate(from: &buffer, to: &out, flush: position == nil ? .finish : .sync)
                guard buffer.readableBytes == 0 else { throw CompressNIOError.bufferOverflow }
                buffer = out
            }
            try await box.writer.write(buffer)
            progress.count.add(1, ordering: .relaxed)
            guard let at = position else { return }
            (text, position) = try await stream.chunk(at: at)
        }
    }

    /// Returns only by throwing: ``Stalled`` once a whole period passes without a chunk taken.
    private static func watch(_ progress: Progress, every period: Duration) async throws {
        var seen = progress.count.load(ordering: .relaxed)
        while true {
            try await Task.sleep(for: period)
            let now = progress.count.load(ordering: .relaxed)
            if now == seen { throw Stalled() }
            seen = now
        }
    }

    /// Chunks written so far, read by the watchdog.
    final class Progress: Sendable {
        let count = Atomic<Int>(0)
    }

    /// Hands the writer to the producing child task; only that task touches it until the group
    /// is done, so it is never used from two places at once.
    final class WriterBox: @unchecked Sendable {
        var writer: any ResponseBodyWriter
        init(_ writer: any ResponseBodyWriter) { self.writer = writer }
    }
}
