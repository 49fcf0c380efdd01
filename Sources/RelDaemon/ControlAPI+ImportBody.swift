import Foundation
import Hummingbird
import NIOCore
import RelModel
import RelStore

/// Reading an import's body as it arrives: the array is split into records, each checked and
/// kept in an ``ImportSpool``, so reld's memory does not grow with the import's size.
extension ControlAPI {
    /// Longest record accepted in an import, as JSON text: far above what the field limits let a
    /// valid record reach (100,000 characters of notes, each escaped as `\uXXXX\uXXXX`, is 1.2 MB),
    /// and what bounds the memory one record can take while it is read.
    static let maxImportRecordBytes = 8 << 20

    /// Reads and checks the records of `request`'s body into a new spool in the state directory.
    /// Any problem is thrown at once (the client's upload stops there); nothing is written.
    func receivedImport(_ request: Request, watch: ClientWatch?) async throws -> ImportSpool {
        let spool = try ImportSpool(directory: config.stateDirectory)
        var splitter = JSONArraySplitter(maxElementBytes: Self.maxImportRecordBytes)
        var received = 0
        var pieces = request.body.makeAsyncIterator()
        do {
            while true {
                let next: ByteBuffer?
                do {
                    next = try await pieces.next()
                } catch {
                    // The body broke off: the connection closed mid-body (relctl stopped by Ctrl-C,
                    // or by a bad row it found). This watch may not have seen it, if the end came
                    // before this handler ran; either way it is a cancelled import.
                    throw ImportCancelled(written: 0, received: spool.count)
                }
                guard let piece = next else { break }
                received += piece.readableBytes
                guard received <= config.maxImportBytes else {
                    throw APIError(
                        .contentTooLarge, .payloadTooLarge,
                        "the import is larger than max_import_bytes (\(config.maxImportBytes) bytes); raise it in reld.toml, or split the input"
                    )
                }
                if watch?.clientGone == true { throw ImportCancelled(written: 0, received: spool.count) }
                try piece.withUnsafeReadableBytes { raw in
                    try splitter.feed(raw) { try Self.check($0, into: spool) }
                }
            }
            try splitter.finish { try Self.check($0, into: spool) }
            // The whole body may have come before the client left: still nobody to write it for.
            if watch?.clientGone == true { throw ImportCancelled(written: 0, received: spool.count) }
        } catch {
            // A client that goes while sending ends the body early: a cancelled import, not a
            // malformed one.
            if watch?.clientGone == true { throw ImportCancelled(written: 0, received: spool.count) }
            if let failure = error as? JSONArraySplitter.Failure { throw Self.apiError(failure) }
            throw error
        }
        try spool.rewind()
        return spool
    }

    /// Parses and validates one element, and keeps the record as it will be stored (a record
    /// without an id gets its new id here, once).
    private static func check(_ element: JSONArraySplitter.Element, into spool: ImportSpool) throws {
        let json: JSONValue
        do throws(JSONParseError) {
            json = try JSONValue.parse(bytes: element.bytes)
        } catch {
            throw APIError.badRequest(element.placing(error).description)
        }
        let record: Record
        do throws(ValidationError) {
            record = try RecordValidator.record(from: json) { UUID().uuidString.lowercased() }
        } catch {
            var e = error
            e.recordIndex = element.index
            throw APIError(validation: e)
        }
        try spool.append(JSONText.compactBytes(record.json))
    }

    /// The record at `index` of a spool being read back in order. Only what passed the
    /// validator is ever written to it, so its values are not checked again; its shape is, as
    /// the spool is a file (``RecordValidator/reread(_:)``).
    static func spooledRecord(_ spool: ImportSpool, _ index: Int) throws -> Record {
        guard let line = try spool.nextLine() else {
            throw StoreError.internal(reason: "the import's spool file ended before record \(index + 1)")
        }
        let record: Record?
        do {
            record = RecordValidator.reread(try JSONValue.parse(bytes: line))
        } catch {
            throw StoreError.internal(reason: "record \(index + 1) of the import's spool file does not read back: \(error)")
        }
        guard let record else {
            throw StoreError.internal(reason: "record \(index + 1) of the import's spool file is not a record as it was written")
        }
        return record
    }

    private static func apiError(_ failure: JSONArraySplitter.Failure) -> APIError {
        switch failure {
        case .empty: .badRequest("request body is empty; send JSON")
        case .notAnArray(let typeName):
            .badRequest("body must be a JSON array of records, not \(typeName == "object" ? "an" : "a") \(typeName)")
        case .malformed(let error): .badRequest(error.description)
        case .elementTooLarge(let index, let limit):
            APIError(
                validation: ValidationError(
                    field: "(record)", value: nil,
                    reason: "is larger than \(limit >> 20) MiB of JSON, more than any valid record can be", recordIndex: index))
        }
    }
}
