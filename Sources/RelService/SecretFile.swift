import Foundation
import RelFiles

/// Reads secrets (feed tokens) from files: one per line, `#` comments and blank lines skipped.
/// Their values never reach a log or an error message.
public enum SecretFile {
    /// The secrets in the file at `path`, at least one.
    public static func read(_ path: String) throws(SecretFileError) -> [String] {
        // `-` means standard input to relctl; a daemon's standard input is no place for a secret.
        guard path != "-" else {
            throw SecretFileError(path: path, reason: "standard input is not read for tokens; give the token file's path")
        }
        let text: String
        do { text = try PlainFile.readText(path) } catch {
            throw SecretFileError(path: path, reason: "cannot read it: \(error.words); check the path and that this user may read it")
        }
        let secrets = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !secrets.isEmpty else { throw SecretFileError(path: path, reason: "holds no token; put one token on a line") }
        for s in secrets where s.count < 16 || s.contains(where: { $0.isWhitespace || !$0.isASCII }) {
            _ = s
            throw SecretFileError(
                path: path,
                reason: "a token is shorter than 16 characters or holds spaces or non-ASCII; generate one with `openssl rand -hex 32`")
        }
        return secrets
    }

    /// The password in the file at `path`: its first line, as it is (a password may hold
    /// spaces), without the line break.
    public static func readPassword(_ path: String) throws(SecretFileError) -> String {
        let fault = { (reason: String) in SecretFileError(path: path, reason: reason, kind: "password file") }
        guard path != "-" else { throw fault("standard input is not read for passwords; give the password file's path") }
        let text: String
        do { text = try PlainFile.readText(path) } catch {
            throw fault("cannot read it: \(error.words); check the path and that this user may read it")
        }
        // "\r\n" is one Character in Swift: splitting on newlines of any kind ends the line at it.
        let password = text.split(maxSplits: 1, omittingEmptySubsequences: false, whereSeparator: \.isNewline).first.map(String.init)
        guard let password, !password.isEmpty else { throw fault("its first line is empty; put the password on it") }
        return password
    }

    /// Whether other users may read the file (worth a warning).
    public static func isGroupOrWorldReadable(_ path: String) -> Bool {
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber else { return false }
        return mode.uint16Value & 0o044 != 0
    }
}

/// A secret file that cannot be used. Names the file, never its content.
public struct SecretFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// What is wrong.
    public var reason: String
    /// What the file holds, for messages: `token file`, `password file`.
    public var kind = "token file"
    /// `token file PATH: REASON`.
    public var description: String { "\(kind) \(path): \(reason)" }
}
