import RelStore

/// What a person can do about a store error, told in relhub's words: the store says what
/// happened; relhub's operator runs relhub, and a push is refused to a replica's operator, who
/// runs reld. Neither has relctl to hand here.
extension StoreError {
    /// The store's message with the advice for relhub's operator or the pushing replica's.
    var hubMessage: String {
        description + (hubAdvice ?? "")
    }

    /// What to add to ``description``, starting with its separator; `nil` when the message says
    /// all there is to say.
    private var hubAdvice: String? {
        switch self {
        case .locked: "; stop it first, or give this one its own --state-dir"
        case .damaged:
            // A new hub gets a new feed_id, and every replica pushes its changes to it again
            // (docs/sync-protocol.md, "Feed reset").
            "; relhub will not touch it: restore it from a backup, or move it aside and start relhub on an empty state directory, which the replicas fill again"
        case .unusable(_, _, .cannotOpen): "; check that its directory exists and that relhub's user may read and write it"
        case .unusable(_, _, .readOnly): "; give relhub's user write access"
        case .unusable(_, _, .ioError): "; check the disk and the file system (dmesg), then restart relhub"
        case .unusable(_, _, .locked): "; only one relhub may use a state directory"
        case .requestTooLarge: "; push smaller batches"
        case .internal: "; please report this with relhub's log"
        case .diskFull: "; free some space on the hub's disk, then push again"
        case .newerSchema: "; upgrade relhub"
        case .reusedSequence: ". Stop that reld, export its records, and start it on a fresh state directory, then import them"
        case .nodeNotYours:
            ". Each reld pushes only its own node id; if this is that node, it was given another token: see docs/sync-protocol.md, \"Node ownership\""
        case .sequenceGap(_, _, let expected): ". Push the node's changes in order, from \(expected)"
        case .sequenceExhausted: ". Export that node's records, and start its reld on a fresh state directory, then import them"
        case .unavailable: "; try again after the time Retry-After says (replicas do so by themselves; a push sent again is safe)"
        case .stateDirectory, .notFound, .deleted, .alreadyExists, .notInList, .badChange, .clockAhead,
            .noConflict, .ambiguousChoice, .badSearch:
            nil
        }
    }
}
