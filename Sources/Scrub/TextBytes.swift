/// Character classes of UTF-8 text, decoded one scalar at a time (the input is a valid
/// `String`'s UTF-8, so no validation is needed here).
enum TextBytes {
    /// The scalar starting at `i` and its length in bytes.
    @inline(__always)
    static func scalar(_ bytes: [UInt8], at i: Int) -> (Unicode.Scalar, Int) {
        let b0 = bytes[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        var value: UInt32, length: Int
        if b0 >= 0xF0 { value = UInt32(b0 & 0x07); length = 4 }
        else if b0 >= 0xE0 { value = UInt32(b0 & 0x0F); length = 3 }
        else { value = UInt32(b0 & 0x1F); length = 2 }
        let end = min(bytes.count, i + length)
        for k in (i + 1)..<end { value = value << 6 | UInt32(bytes[k] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", end - i)
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }

    /// Letters, digits and combining marks: what a word is made of.
    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { let b = UInt8(v); return isDigit(b) || isASCIILetter(b) }
        if Folding.isIgnorable(s) { return v >= 0x300 }  // marks join a word; typographic apostrophes do not by themselves
        return s.properties.isAlphabetic
    }

    /// Apostrophes and hyphens, which join two word parts (`d'Aminata`, `Jean-Baptiste`).
    static func isJoiner(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x27, 0x2D, 0x2019, 0x02BC, 0x2010, 0x2011: true
        default: false
        }
    }

    static func isUppercase(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x80 ? isUpper(UInt8(s.value)) : (s.properties.isUppercase || s.properties.generalCategory == .titlecaseLetter)
    }

    /// Whether the byte before `i` ends a word (or `i` is the start): scanners start only at word starts.
    static func atWordStart(_ bytes: [UInt8], _ i: Int) -> Bool {
        guard i > 0 else { return true }
        var k = i - 1
        while k > 0, bytes[k] & 0xC0 == 0x80 { k -= 1 }
        return !isWordScalar(scalar(bytes, at: k).0)
    }
}
