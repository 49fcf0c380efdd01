import Foundation
import RelModel
import RelService

/// Reads `relhub.toml`, refusing unknown keys and bad values with the file, line and key. The
/// reading is ``ConfigFileReader``'s (shared with reld); the keys and what they set are relhub's.
public enum HubConfigFile {
    static let keys = [
        "listen", "state_dir", "token_file", "log_level", "max_push_bytes", "max_page_size", "max_clock_skew", "idle_timeout",
        "max_connections", "json_feed", "json_feed_title", "json_feed_home_page_url", "json_feed_url", "json_feed_items",
    ]

    /// The keys of `[storage]`.
    static let storageKeys = ["url", "password_file", "max_connections"]

    /// Applies the file at `path` to `config`.
    public static func apply(path: String, to config: inout HubConfig) throws(HubConfigError) {
        do { try apply(ConfigFileReader(path: path), to: &config) } catch { throw HubConfigError(error.description) }
    }

    /// Applies the TOML `text` (read from `path`) to `config`.
    public static func apply(text: String, path: String, to config: inout HubConfig) throws(HubConfigError) {
        do { try apply(ConfigFileReader(text: text, path: path), to: &config) } catch { throw HubConfigError(error.description) }
    }

    static func apply(_ file: ConfigFileReader, to config: inout HubConfig) throws(ConfigFileError) {
        try file.forEachKey(known: keys, tables: ["storage"]) { (entry) throws(ConfigFileError) in
            switch entry.name {
            case "listen":
                let s = try entry.string("must be a string HOST:PORT")
                do throws(HubConfigError) { try config.setListen(s) } catch { throw entry.fail(error.description) }
            case "state_dir": config.stateDirectory = try entry.absolutePath()
            case "token_file": config.tokenFile = try entry.absolutePath()
            case "log_level": config.logLevel = try entry.logLevel()
            case "max_push_bytes": config.maxPushBytes = try entry.byteCount()
            case "max_page_size": config.maxPageSize = try entry.int(in: 1...100_000, "must be a whole number, 1 to 100000")
            case "max_clock_skew": config.clockBound = ClockBound(maxSkewMillis: Int64(try entry.clockSkewSeconds()) * 1000)
            case "json_feed":
                let words = "must be \"off\", \"public\" (no token needed) or \"token\""
                let text = try entry.string(words)
                guard let access = JSONFeedAccess(rawValue: text) else { throw entry.fail(words) }
                config.jsonFeed = access
            case "json_feed_title":
                let title = try entry.string("must be a title in quotes")
                guard !title.isEmpty, title.utf8.count <= 1000 else { throw entry.fail("must be a title of 1 to 1000 bytes") }
                config.jsonFeedInfo.title = title
            case "json_feed_home_page_url", "json_feed_url":
                let url = try entry.string("must be an http or https URL in quotes")
                if let problem = JSONFeed.urlProblem(url) { throw entry.fail(problem) }
                if entry.name == "json_feed_url" { config.jsonFeedInfo.feedURL = url } else { config.jsonFeedInfo.homePageURL = url }
            case "json_feed_items": config.jsonFeedItems = try entry.int(in: 1...10_000, "must be a whole number, 1 to 10000")
            case _ where entry.isServerLimit: try entry.apply(to: &config.limits)
            case "storage": try applyStorage(entry, of: file, to: &config)
            default: throw entry.unknownKey()
            }
        }
    }

    /// `[storage]`: where the feed is kept, when not in SQLite in `state_dir`.
    static func applyStorage(_ table: ConfigEntry, of file: ConfigFileReader, to config: inout HubConfig) throws(ConfigFileError) {
        try file.forEachKey(ofTable: table, known: storageKeys) { (entry) throws(ConfigFileError) in
            switch entry.name {
            case "url":
                let url = try entry.string("must be a postgres:// URL in quotes")
                do throws(HubConfigError) { try config.setDatabase(url) } catch { throw entry.fail(error.description) }
            case "password_file": config.databasePasswordFile = try entry.absolutePath()
            case "max_connections":
                // Snapshots each hold one while they stream; pushes, pages and health need some left.
                let least = FeedAPI.snapshotSlots + 2
                config.databaseMaxConnections = try entry.int(in: least...1000, "must be a whole number, \(least) to 1000")
            default: throw entry.unknownKey()
            }
        }
    }
}
