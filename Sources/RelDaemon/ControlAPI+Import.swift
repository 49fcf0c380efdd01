import Foundation
import Hummingbird
import Logging
import NIOCore
import RelControlAPI
import RelModel
import RelStore

/// Thrown inside an import when its client has gone; becomes a rollback and a log line.
struct ImportCancelled: Error {
    /// Records the transaction had written when the import stopped (0 before writing began).
    var written: Int
    /// Records received and checked, when the client went away while still sending.
    var received: Int?
}

/// How far the import's transaction got, as last told to its progress closure.
private final class WrittenCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func set(_ n: Int) { lock.withLock { count = n } }
    var value: Int { lock.withLock { count } }
}

/// The import's write phase, shared by the plain answer and the streamed one
/// (`POST /v1/import?progress=1`).
extension ControlAPI {
    /// Whether the request asks for the streamed NDJSON answer; any other value of the
    /// parameter is refused rather than ignored.
    static func wantsImportStream(_ request: Request) throws -> Bool {
        for (key, value) in request.uri.queryParameters {
            guard key == ImportStreamFormat.parameter else {
                throw APIError.badRequest(
                    "query parameter \(key): unknown on this route; the only one is \(ImportStreamFormat.parameter)=1")
            }
            switch value {
            case "1", "true": return true
            case "0", "false": return false
            default: throw APIError.badRequest("query parameter \(ImportStreamFormat.parameter): \"\(value)\": must be 1 or 0")
            }
        }
        return false
    }

    /// Logs a cancelled import and turns it into an answer nobody reads (the client has gone);
    /// any other error passes through unchanged.
    func cancellationLogged(_ error: any Error, total: Int?, logger: Logger) -> any Error {
        guard let cancelled = error as? ImportCancelled else { return error }
        if let received = cancelled.received {
            logger.notice("import cancelled: client went away while sending it, after \(received) records; nothing was written")
        } else {
            let count = total.map { " of \($0)" } ?? ""
            logger.notice("import cancelled: client went away after \(cancelled.written)\(count) records; nothing was written")
        }
        return APIError(
            .init(code: 499, reasonPhrase: "Client Closed Request"), .cancelled, "the client went away; the import was rolled back")
    }

    /// Writes a validated import in one transaction, rolled back if the client goes away before
    /// the commit. `report` hears the progress.
    func write(
        _ spool: ImportSpool, watch: ClientWatch, logger: Logger,
        report: (@Sendable (Int, Int) -> Void)?
    ) async throws -> ImportSummary {
        logger.info("import writing", metadata: ["records": "\(spool.count)", "bytes": "\(spool.size)"])
        let summary: ImportSummary
        let reached = WrittenCount()
        do {
            summary = try await database.importRecords(
                count: spool.count,
                progress: { written, total in
                    report?(written, total)
                    reached.set(written)
                    // The store passes CancellationError through as itself; it rolls the transaction back.
                    if watch.clientGone { throw CancellationError() }
                },
                record: { try Self.spooledRecord(spool, $0) })
        } catch is CancellationError where watch.clientGone {
            throw cancellationLogged(ImportCancelled(written: reached.value), total: spool.count, logger: logger)
        }
        nudge()
        logger.info(
            "import done",
            metadata: ["created": "\(summary.created)", "updated": "\(summary.updated)", "unchanged": "\(summary.unchanged)"])
        await settleAfterImport(of: spool.count)
        return summary
    }

    /// The streamed answer: `{"progress":...}` lines while the transaction writes, then one
    /// `{"result":...}` or `{"error":...}` line. A failed write to the client counts as the client
    /// gone, so the import is rolled back.
    func importStream(_ spool: ImportSpool, watch: ClientWatch, channel: any Channel, logger: Logger) -> Response {
        let body = ResponseBody { writer in
            defer { watch.remove(from: channel) }
            let (lines, continuation) = AsyncStream.makeStream(of: ImportProgress.self, bufferingPolicy: .bufferingNewest(1))
            let outcome = Task {
                defer { continuation.finish() }
                do {
                    let summary = try await self.write(spool, watch: watch, logger: logger) { written, total in
                        continuation.yield(ImportProgress(written: written, total: total))
                    }
                    return ImportStreamLine(
                        result: ImportResponse(created: summary.created, updated: summary.updated, unchanged: summary.unchanged))
                } catch {
                    let apiError = APIError(from: error)
                    if apiError.status.code >= 500 {
                        logger.error(
                            "request failed",
                            metadata: ["method": "POST", "path": "\(Routes.importRecords)", "error": "\(apiError.body.message)"])
                    }
                    return ImportStreamLine(error: apiError.body)
                }
            }
            for await progress in lines {
                do { try await writer.write(Self.line(ImportStreamLine(progress: progress))) } catch { watch.markGone() }
            }
            let last = await outcome.value
            try await writer.write(Self.line(last))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: ImportStreamFormat.mediaType], body: body)
    }

    private static func line(_ value: ImportStreamLine) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        data.append(0x0A)
        return ByteBuffer(bytes: data)
    }
}
