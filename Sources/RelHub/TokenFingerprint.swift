import Crypto

/// What relhub stores to know a token again without storing the token: its SHA-256, in
/// lowercase hex (docs/sync-protocol.md, "Node ownership").
///
/// SHA-256 rather than a fast non-cryptographic hash: the database may be read by someone who
/// must not learn the tokens (a backup, a copy sent with a bug report). Tokens are at least 16
/// random characters, so their hash cannot be searched backwards; an FNV or SipHash value with a
/// fixed key can, or leaks bits.
enum TokenFingerprint {
    /// The SHA-256 of `token`'s UTF-8 bytes, as 64 lowercase hex digits.
    static func of(_ token: some StringProtocol) -> String {
        hex(Array(SHA256.hash(data: Array(token.utf8))))
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
