/// The `code` of every error document the three programs write: reld's control API, relhub's
/// feed API (`{"error": {"code": ..., "message": ...}}`), and `relctl --json` when relctl finds
/// the fault itself.
///
/// Scripts and the other programs branch on these strings, so a raw value never changes once
/// shipped. The docs list them per program: docs/control-api.md and the `ErrorCode` schema of
/// docs/control-api.yaml (reld), docs/sync-protocol.md (relhub), docs/relctl-json.md (relctl);
/// `WireErrorCodeDocsTests` keeps each list equal to the cases whose ``origins`` name that program.
/// A reader must still accept a code it does not know (a newer peer may send one), which is why
/// decoded bodies keep `code` as text.
public enum WireErrorCode: String, CaseIterable, Sendable {
    // MARK: Either server (reld and relhub)

    /// 400, reld and relhub: the request cannot be read (malformed JSON or gzip, a bad query
    /// parameter, a request line and headers past 80 KiB, not HTTP/1.1).
    case badRequest = "bad_request"
    /// 404, reld and relhub: no such route; on reld also no record ever had the id.
    case notFound = "not_found"
    /// 413, reld and relhub: the body is over `max_request_bytes`/`max_import_bytes` (reld) or
    /// `max_push_bytes`, raw or inflated (relhub).
    case payloadTooLarge = "payload_too_large"
    /// 417, reld and relhub: an `Expect` other than `100-continue`; the connection is closed.
    case expectationFailed = "expectation_failed"
    /// 501, reld and relhub: a `Transfer-Encoding` other than `chunked`; the connection is closed.
    case unsupportedTransferEncoding = "unsupported_transfer_encoding"
    /// 503, reld and relhub: `max_connections` are open already; the connection is closed.
    case tooManyConnections = "too_many_connections"
    /// 500, reld and relhub: an unexpected failure or a damaged database; nothing was written.
    case `internal` = "internal"
    /// 507, reld and relhub: the disk or the file system quota is full; nothing was written.
    case diskFull = "disk_full"

    // MARK: reld's control API

    /// 404 (409 on create), reld: the record is deleted; the message says how to restore it.
    case deleted = "deleted"
    /// 404, reld: resolve on a field without an open conflict.
    case noConflict = "no_conflict"
    /// 403, reld: the peer on the socket is not root, reld's user or in the control group.
    case forbidden = "forbidden"
    /// 405, reld: the path exists but not with this method (the `Allow` header lists them).
    case methodNotAllowed = "method_not_allowed"
    /// 409, reld: create with an id that a live record has already.
    case conflict = "conflict"
    /// 409, reld: PATCH `remove` of an item the list does not hold.
    case notInList = "not_in_list"
    /// 409, reld: resolve with `take: local|remote` that does not name exactly one value.
    case ambiguous = "ambiguous"
    /// 409, reld: `POST /v1/sync` on a reld without a feed.
    case noFeed = "no_feed"
    /// 422, reld: a record breaks the schema or the record rules (`field`, `value` say where).
    case validationFailed = "validation_failed"
    /// 502, reld: `POST /v1/sync`: the round with the feed failed; the message says why.
    case syncFailed = "sync_failed"
    /// 499, reld: the client went away during an import, which was rolled back. Nobody reads
    /// this answer (the client has gone); reld's log says how far the import had got.
    case cancelled = "cancelled"

    // MARK: relhub's feed API

    /// 401, relhub: no bearer token, or one the hub does not accept.
    case unauthorized = "unauthorized"
    /// 429, relhub: the peer sent 10 wrong tokens within a minute (`Retry-After` says how long).
    case tooManyWrongTokens = "too_many_wrong_tokens"
    /// 403, relhub: a pushed change is under a node id another token owns; nothing applied.
    /// reld tells it from a refused token by this code.
    case nodeNotYours = "node_not_yours"
    /// 409, relhub: a pushed change skips numbers of its node; nothing applied.
    case sequenceGap = "sequence_gap"
    /// 409, relhub: a pushed change reuses a (node, node_seq) with other content; nothing applied.
    case reusedSequence = "reused_sequence"
    /// 410, relhub: pull with `since` past the feed's head (hub reset or restored); start from 0.
    case cursorAhead = "cursor_ahead"
    /// 415, relhub: a `Content-Encoding` other than gzip.
    case unsupportedEncoding = "unsupported_encoding"
    /// 422, relhub: a pushed change is malformed, breaks the schema or has a base not older
    /// than itself; nothing applied.
    case badChange = "bad_change"
    /// 422, relhub: a pushed change is stamped too far ahead of the hub's clock; nothing applied.
    case clockAhead = "clock_ahead"
    /// 503, relhub on PostgreSQL: the database cannot be reached or cannot take the request
    /// now (`Retry-After` says when to try again; a push sent again is safe).
    case storeUnavailable = "store_unavailable"

    // MARK: relctl's own (`relctl --json`, when relctl finds the fault itself)

    /// Exit 2, relctl: the command line is wrong (unknown command or option, malformed or
    /// invalid value).
    case usage = "usage"
    /// Exit 2, relctl: a file named on the command line cannot be read.
    case fileUnreadable = "file_unreadable"
    /// Exit 2 or 1, relctl: the output file cannot be written.
    case fileUnwritable = "file_unwritable"
    /// Exit 3, relctl: no reld answers at the socket (not running, wrong `--socket`).
    case unreachable = "unreachable"
    /// Exit 3, relctl: the socket exists but this user may not connect to it.
    case permissionDenied = "permission_denied"
    /// Exit 3, relctl: reld did not answer in time (it may still be working).
    case timeout = "timeout"
    /// Exit 3, relctl: the connection broke during the exchange.
    case connectionLost = "connection_lost"
    /// Exit 1, relctl: reld's answer is not what this relctl reads (versions differ).
    case badAnswer = "bad_answer"
    /// Exit 130, relctl: interrupted by Ctrl-C.
    case interrupted = "interrupted"
    /// Exit 1, relctl: anything else relctl could not do.
    case failed = "failed"

    /// A program that writes error documents.
    public enum Origin: String, CaseIterable, Sendable {
        /// The daemon's control API (docs/control-api.md).
        case reld
        /// The feed server's API (docs/sync-protocol.md).
        case relhub
        /// The CLI's `--json` output, for faults relctl finds itself (docs/relctl-json.md);
        /// when reld answered, relctl passes reld's code on.
        case relctl
    }

    /// The programs that write this code.
    public var origins: Set<Origin> {
        switch self {
        case .badRequest, .notFound, .payloadTooLarge, .expectationFailed, .unsupportedTransferEncoding,
            .tooManyConnections, .internal, .diskFull:
            [.reld, .relhub]
        case .deleted, .noConflict, .forbidden, .methodNotAllowed, .conflict, .notInList, .ambiguous,
            .noFeed, .validationFailed, .syncFailed, .cancelled:
            [.reld]
        case .unauthorized, .tooManyWrongTokens, .nodeNotYours, .sequenceGap, .reusedSequence,
            .cursorAhead, .unsupportedEncoding, .badChange, .clockAhead, .storeUnavailable:
            [.relhub]
        case .usage, .fileUnreadable, .fileUnwritable, .unreachable, .permissionDenied, .timeout,
            .connectionLost, .badAnswer, .interrupted, .failed:
            [.relctl]
        }
    }

    /// The codes `origin` writes, in declaration order.
    public static func written(by origin: Origin) -> [WireErrorCode] {
        allCases.filter { $0.origins.contains(origin) }
    }
}
