// Helpers shared by the Crypto*Tests files. Names carry a `crypto` prefix because other
// wrappers' tests live in the same target.

/// Bytes from a hex string; traps on malformed literals (test fixtures only).
func cryptoBytes(hex: String) -> [UInt8] {
    let digits = Array(hex.filter { !$0.isWhitespace })
    precondition(digits.count % 2 == 0, "odd hex literal")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// Lower-case hex of `bytes`.
func cryptoHex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// `bytes` with bit 0 of the byte at `index` flipped.
func cryptoFlipped(_ bytes: [UInt8], at index: Int) -> [UInt8] {
    var copy = bytes
    copy[index] ^= 0x01
    return copy
}
