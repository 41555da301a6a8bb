import Crypto

/// The mission's linkage key: 32 secret bytes shared by the mission's laptops (and held by
/// whoever provisions them), under which every survivor code and encoding is keyed
/// (Protocols/linkage-v1.md §3).
///
/// Invariants:
/// 1. `bytes` is exactly 32 bytes; the key never appears in a description, a log or an error.
/// 2. Each purpose uses its own subkey, `HMAC-SHA256(key, label || 0x01)` (HKDF-Expand of
///    RFC 5869 with the key as the pseudorandom key and one output block): a code never
///    shares a key with an encoding, nor one field's n-grams with another's.
public struct LinkageKey: Sendable, Hashable, CustomStringConvertible {
    public static let byteCount = 32

    let bytes: [UInt8]
    /// Keys the exact codes (§5).
    let codeKey: [UInt8]
    /// Keys the n-gram positions of each field of the encoding (§6), by `EncodedField`.
    let fieldKeys: [[UInt8]]

    /// A key from its 32 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
        codeKey = Self.subkey(bytes, "fieldsync linkage v1 code")
        fieldKeys = EncodedField.allCases.map { Self.subkey(bytes, "fieldsync linkage v1 clk " + $0.label) }
    }

    /// A key from its text form: 64 hexadecimal digits, optionally followed by one newline
    /// (the form of `linkage.key`). Nil for anything else.
    public init?(hex text: [UInt8]) {
        var digits = text[...]
        if digits.last == UInt8(ascii: "\n") { digits = digits.dropLast() }
        guard digits.count == 2 * Self.byteCount else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(Self.byteCount)
        var index = digits.startIndex
        while index < digits.endIndex {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        self.init(bytes: out)
    }

    /// A fresh random key (`missionhub`/the mission file makes the mission's one; tests).
    public static func random() -> LinkageKey {
        LinkageKey(bytes: SecureRandom.bytes(byteCount))!
    }

    /// The text form `init(hex:)` reads, lowercase, with a final newline.
    public var hexText: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
        return String(decoding: out + [UInt8(ascii: "\n")], as: UTF8.self)
    }

    /// Never the key itself.
    public var description: String { "LinkageKey(32 bytes)" }

    static func subkey(_ key: [UInt8], _ label: String) -> [UInt8] {
        HMACSHA256.authenticate(Array(label.utf8) + [0x01], key: key)
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
