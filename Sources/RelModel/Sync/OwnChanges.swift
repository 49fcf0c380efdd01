/// A replica's own changes that it holds already, numbers 1 through `upTo` of its node id `node`:
/// it asks a feed to leave them out of the pages it pulls, instead of pulling back what it has
/// just pushed. A feed that does not know the request sends them anyway, and they are found to
/// be duplicates, as before.
public struct OwnChanges: Sendable, Equatable {
    /// The replica's node id.
    public var node: String
    /// Its highest change number held.
    public var upTo: Int64

    /// Own changes of `node` numbered up to `upTo`.
    public init(node: String, upTo: Int64) {
        self.node = node
        self.upTo = upTo
    }
}
