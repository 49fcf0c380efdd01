import Foundation
import Logging
import RelModel
import RelService
import TOMLKit

/// Reads `relhub.toml`, refusing unknown keys and bad values with the file, line and key.
public enum HubConfigFile {
    static let keys = ["listen", "state_dir", "token_file", "log_level", "max_push_bytes", "max_page_size", "max_clock_skew", "idle_timeout", "max_connections"]

    /// Applies the TOML `text` (read from `path`) to `config`.
    public static func apply(text: String, path: String, to config: inout HubConfig) throws(HubConfigError) {
        let table: TOMLTable
        if let bad = ConfigText.unparsableTableHeader(in: text) {
            throw HubConfigError("\(path):\(bad.line): \(bad.reason)")
        }
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            let line = error.source.begin.line
            let problem = ConfigText.parseProblem(line: line, reason: error.description, in: text)
            throw HubConfigError("\(path):\(line): \(problem.key.map { "key \(JSONText.quoted($0)): " } ?? "")\(problem.reason)")
        } catch {
            throw HubConfigError("\(path): \(error)")
        }
        for key in table.keys {
            let value = table[key]!
            func fail(_ reason: String) -> HubConfigError {
                let line = ConfigText.line(of: key, in: text).map { ":\($0)" } ?? ""
                return HubConfigError("\(path)\(line): key \(JSONText.quoted(key)): \(reason)")
            }
            switch key {
            case "listen":
                guard let s = value.string else { throw fail("must be a string HOST:PORT") }
                do { try config.setListen(s) } catch { throw fail(error.description) }
            case "state_dir", "token_file":
                guard let s = value.string, s.hasPrefix("/") else { throw fail("must be an absolute path in quotes") }
                if key == "state_dir" { config.stateDirectory = s } else { config.tokenFile = s }
            case "log_level":
                guard let s = value.string, let level = Logger.Level(rawValue: s) else {
                    throw fail("must be one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                config.logLevel = level
            case "max_push_bytes":
                guard let n = value.int, n >= 1024, n <= 4 << 30 else { throw fail("must be a whole number of bytes, 1024 to 4294967296") }
                config.maxPushBytes = n
            case "max_page_size":
                guard let n = value.int, (1...100_000).contains(n) else { throw fail("must be a whole number, 1 to 100000") }
                config.maxPageSize = n
            case "max_clock_skew":
                guard let n = value.int, n >= 1 else { throw fail("must be a whole number of seconds, at least 1") }
                config.clockBound = ClockBound(maxSkewMillis: Int64(n) * 1000)
            case _ where ServerLimits.configKeys.contains(key):
                if let reason = config.limits.set(key, from: value.int) { throw fail(reason) }
            default:
                throw fail("unknown key; known keys are: \(keys.joined(separator: ", "))")
            }
        }
    }
}
