import AsyncHTTPClient
import NIOCore

/// Reading an answer piece by piece, for reld's streamed answers (an import's progress).
extension ControlClient {
    /// Collects `body` up to ``maxResponseBytes``, handing each piece to `onChunk` as it arrives.
    static func collect(_ body: HTTPClientResponse.Body, onChunk: (@Sendable (ByteBuffer) -> Void)?) async throws -> ByteBuffer {
        guard let onChunk else { return try await body.collect(upTo: maxResponseBytes) }
        var all = ByteBuffer()
        for try await chunk in body {
            guard all.readableBytes + chunk.readableBytes <= maxResponseBytes else {
                throw CLIError(.refused, "reld's answer is larger than relctl reads (\(maxResponseBytes) bytes)")
            }
            onChunk(chunk)
            all.writeImmutableBuffer(chunk)
        }
        return all
    }
}

extension ProgressLine {
    /// Stops a ``waitingNotice(socket:)`` and erases what it drew, before anything else is printed.
    static func end(_ notice: Task<Void, Never>?) async {
        guard let notice else { return }
        notice.cancel()
        await notice.value
        shared.clear()
    }
}
