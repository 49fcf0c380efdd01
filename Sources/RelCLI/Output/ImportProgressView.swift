import Foundation
import RelControlAPI

/// Reads reld's streamed import answer (NDJSON, `POST /v1/import?progress=1`) as it arrives:
/// draws the progress line, keeps ``Interrupt/message`` true to what reld has done, and keeps
/// the last line, which holds the result or the error.
final class ImportProgressView: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = Data()
    private var last: ImportStreamLine?
    private var firstProgress: (written: Int, at: Date)?

    /// Takes the next piece of the answer.
    func take(_ chunk: [UInt8]) {
        lock.withLock {
            pending.append(contentsOf: chunk)
            while let end = pending.firstIndex(of: 0x0A) {
                let line = pending[pending.startIndex..<end]
                pending = Data(pending[(end + 1)...])
                guard !line.isEmpty, let decoded = try? JSONDecoder().decode(ImportStreamLine.self, from: line) else { continue }
                last = decoded
                if let progress = decoded.progress { show(progress) }
            }
        }
    }

    /// The line that ended the answer: the result, or the error that rolled the import back.
    var outcome: ImportStreamLine? { lock.withLock { last } }

    private func show(_ progress: ImportProgress) {
        if progress.written >= progress.total {
            // Every record is written and the commit is under way: from here an interrupt may
            // come too late to stop it.
            Interrupt.message = "interrupted: reld may have committed the import already; check with `relctl status` or `relctl list`"
        }
        let now = Date()
        if firstProgress == nil { firstProgress = (progress.written, now) }
        var text = "importing: \(ProgressLine.count(progress.written)) of \(ProgressLine.count(progress.total)) records written"
        if let first = firstProgress, now.timeIntervalSince(first.at) >= 1 {
            let rate = Double(progress.written - first.written) / now.timeIntervalSince(first.at)
            text += " (\(ProgressLine.count(Int(rate.rounded()))) records/s)"
        }
        ProgressLine.shared.update(text, force: progress.written >= progress.total)
    }
}
