import RelStore

/// What a person can do about a store error, told in reld's words: the store says what happened,
/// and the person reading it uses relctl and runs reld, so the advice names their commands.
extension StoreError {
    /// The store's message with the advice for someone using relctl and running reld.
    var reldMessage: String {
        description + (reldAdvice ?? "")
    }

    /// What to add to ``description``, starting with its separator; `nil` when the message says
    /// all there is to say.
    private var reldAdvice: String? {
        switch self {
        case .locked: "; stop it first, or give this one its own --state-dir"
        case .damaged: "; reld will not touch it: restore it from a backup or move it aside and re-import an export"
        case .unusable(_, _, .cannotOpen): "; check that its directory exists and that reld's user may read and write it"
        case .unusable(_, _, .readOnly): "; give reld's user write access"
        case .unusable(_, _, .ioError): "; check the disk and the file system (dmesg), then restart reld"
        case .unusable(_, _, .locked): "; only one reld may use a state directory"
        case .requestTooLarge: "; ask for less at once: fewer values or shorter text"
        case .internal: "; please report this with reld's log"
        case .deleted(let id): "; bring it back with `relctl restore \(id)`"
        case .alreadyExists: "; use edit to change it"
        case .notInList(let id, let field, _): " (relctl show \(id) lists its \(field))"
        case .diskFull: "; free some space and try again"
        case .newerSchema: "; upgrade reld"
        case .reusedSequence: ". Stop that reld, export its records, and start it on a fresh state directory, then import them"
        case .sequenceExhausted: ". Export the records, and start reld on a fresh state directory, then import them"
        case .noConflict: "; relctl conflicts lists the open ones"
        case .badSearch:
            "; search for words, \"phrases\" and prefixes (wagn*), joined by AND, OR, NOT (in capitals) and grouped by parentheses"
        // reld's own store is SQLite, which is never unavailable in this sense.
        case .stateDirectory, .notFound, .badChange, .clockAhead, .nodeNotYours, .sequenceGap, .ambiguousChoice, .unavailable: nil
        }
    }
}
