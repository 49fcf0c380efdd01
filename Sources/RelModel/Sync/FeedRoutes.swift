/// The feed's routes (docs/sync-protocol.md, section 1): one table that relhub serves and
/// reld's feed client calls, appended to the feed URL as configured.
public enum FeedRoutes {
    /// `GET`, no token: liveness, the feed's id and its head.
    public static let health = "/v1/health"
    /// `GET`: a page of changes (`?since=&limit=&hlc=`); `POST`: push a batch.
    public static let changes = "/v1/changes"
    /// `GET`: the whole state as one snapshot document.
    public static let snapshot = "/v1/snapshot"
    /// `GET`: the newest records as a JSON Feed 1.1 document for feed readers, when the hub
    /// serves one (`json_feed` in relhub.toml).
    public static let jsonFeed = "/feed.json"

    /// The pull of the page after `since`, at most `limit` changes, clock values as strings;
    /// without the changes `known` names, which the replica asking holds already.
    public static func changes(since: Int64, limit: Int, known: OwnChanges? = nil) -> String {
        var route = changes + "?since=\(since)&limit=\(limit)&hlc=string"
        // Node ids are letters, digits, '-', '_' and '.' (NodeID.rule): nothing to escape.
        if let known { route += "&exclude_node=\(known.node)&exclude_upto=\(known.upTo)" }
        return route
    }
}
