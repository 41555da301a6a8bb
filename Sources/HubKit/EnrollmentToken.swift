import Crypto

/// One-time enrollment tokens (`missionhub node enroll`).
///
/// Invariants:
/// 1. A token is 20 bytes (160 bits) from the system's secure random generator, written as 32
///    characters of RFC 4648 base32 (`A–Z`, `2–7`, no padding). It is shown once and never
///    stored.
/// 2. The hub stores only SHA-256 of the token's normalised text: upper-cased, with spaces and
///    `-` removed, so a token read aloud and typed back as `abcd-efgh …` still matches. Lookups
///    are by that hash (an index lookup on a 256-bit hash leaks nothing useful about a token).
public enum EnrollmentToken {
    /// Random bytes per token.
    public static let randomByteCount = 20
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// A fresh token.
    public static func generate() -> String {
        base32(SecureRandom.bytes(randomByteCount))
    }

    /// The stored form of `token` (see invariant 2).
    public static func hash(_ token: String) -> [UInt8] {
        let normalized = token.uppercased().filter { $0 != "-" && $0 != " " }
        return SHA256.hash(Array(normalized.utf8))
    }

    /// RFC 4648 base32 without padding.
    static func base32(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
