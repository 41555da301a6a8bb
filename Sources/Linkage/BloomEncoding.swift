import Crypto

/// The fuzzy keyed encoding of a survivor: a cryptographic long-term key (CLK, Schnell et al.
/// 2011; clkhash) of 1024 bits into which every token of every known field sets
/// `hashesPerToken` bits chosen by a keyed HMAC (Protocols/linkage-v1.md §6). Similar
/// identifiers set mostly the same bits; the Dice coefficient of two encodings estimates the
/// similarity of their token sets.
///
/// Invariants:
/// 1. `words` holds exactly `bitCount` bits, bit i in `words[i / 64]` at `1 << (i % 64)`.
/// 2. Wire form (`bytes`): version byte 0x01, then the 128 filter bytes, byte j holding bits
///    8j … 8j+7 with bit 8j as its least significant bit. Exactly 129 bytes.
/// 3. Deriving is linear in the number of tokens (itself linear in the input's length).
public struct BloomEncoding: Sendable, Hashable {
    public static let bitCount = 1024
    /// The Dice coefficient from which two encodings are taken to be the same person
    /// (§6.4): fixed here, chosen on the missions' generator, never on a benchmark's truth.
    public static let matchThreshold = 0.8
    public static let version: UInt8 = 0x01
    public static let byteCount = 1 + bitCount / 8
    static let wordCount = bitCount / 64

    public private(set) var words: [UInt64]
    /// The number of bits set (kept, so a comparison costs one AND and popcount per word).
    public let popcount: Int

    /// The encoding of `identifiers` under `key`.
    public init(_ identifiers: SurvivorIdentifiers, key: LinkageKey) {
        var words = [UInt64](repeating: 0, count: Self.wordCount)
        for field in EncodedField.allCases {
            let fieldKey = key.fieldKeys[field.rawValue]
            for token in field.tokens(of: identifiers) {
                Self.setBits(of: token, count: field.hashesPerToken, key: fieldKey, in: &words)
            }
        }
        self.words = words
        popcount = words.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// An encoding read back from its wire form; nil for another length or version.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount, bytes[0] == Self.version else { return nil }
        var words = [UInt64](repeating: 0, count: Self.wordCount)
        for index in 0..<(Self.bitCount / 8) {
            words[index / 8] |= UInt64(bytes[1 + index]) << (8 * UInt64(index % 8))
        }
        self.words = words
        popcount = words.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// The wire form (invariant 2).
    public var bytes: [UInt8] {
        var out: [UInt8] = [Self.version]
        out.reserveCapacity(Self.byteCount)
        for word in words {
            for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return out
    }

    /// Dice coefficient `2 |A ∩ B| / (|A| + |B|)`, from 0 (no bit in common) to 1; 0 when both
    /// are empty.
    public func dice(_ other: BloomEncoding) -> Double {
        let total = popcount + other.popcount
        guard total > 0 else { return 0 }
        var common = 0
        for index in 0..<Self.wordCount { common += (words[index] & other.words[index]).nonzeroBitCount }
        return Double(2 * common) / Double(total)
    }

    /// Bit positions: block j = HMAC-SHA256(fieldKey, [j] || token) read as 16 big-endian
    /// 16-bit words, each taken modulo 1024 (no bias: 1024 divides 65536); as many blocks as
    /// `count` needs. Independent positions, not double hashing (see §7, attack 3).
    static func setBits(of token: [UInt8], count: Int, key: [UInt8], in words: inout [UInt64]) {
        var remaining = count
        var block: UInt8 = 0
        while remaining > 0 {
            let mac = HMACSHA256.authenticate([block] + token, key: key)
            for pair in 0..<min(remaining, mac.count / 2) {
                let position = (Int(mac[2 * pair]) << 8 | Int(mac[2 * pair + 1])) % bitCount
                words[position / 64] |= 1 << UInt64(position % 64)
            }
            remaining -= mac.count / 2
            block += 1
        }
    }
}
