/// Strict decoding of one UTF-8 character, as the parser needs it.
///
/// Invariants:
/// 1. A sequence is accepted only if it is a row of Unicode Table 3-7 (well-formed UTF-8):
///    `00–7F` · `C2–DF 80–BF` · `E0 A0–BF 80–BF` · `E1–EC 80–BF 80–BF` · `ED 80–9F 80–BF` ·
///    `EE–EF 80–BF 80–BF` · `F0 90–BF 80–BF 80–BF` · `F1–F3 80–BF 80–BF 80–BF` ·
///    `F4 80–8F 80–BF 80–BF`.
/// 2. Hence overlong forms, UTF-16 surrogates (U+D800–U+DFFF) and code points above U+10FFFF are
///    refused, as are lone continuation bytes and bytes C0, C1, F5–FF anywhere.
/// 3. A problem is located at the lead byte of the broken character; the message names at most
///    two bytes of the input, in hex.
enum UTF8Problem: Equatable {
    case continuationAsLead(UInt8)
    case overlongLead(UInt8)
    case beyondUnicodeLead(UInt8)
    case invalidLead(UInt8)
    case truncated(lead: UInt8, length: Int)
    case badContinuation(lead: UInt8, length: Int, byte: UInt8)
    case overlong(lead: UInt8)
    case surrogate(lead: UInt8)
    case beyondUnicode(lead: UInt8)

    /// What is wrong, for `JSONParseError.description` (which appends what to do).
    var message: String {
        switch self {
        case .continuationAsLead(let b):
            return "byte \(hex(b)) is a continuation byte and cannot start a character"
        case .overlongLead(let b):
            return "byte \(hex(b)) starts an overlong encoding, which UTF-8 forbids"
        case .beyondUnicodeLead(let b):
            return "byte \(hex(b)) would start a code point above U+10FFFF, which UTF-8 forbids"
        case .invalidLead(let b):
            return "byte \(hex(b)) cannot start a character"
        case .truncated(let lead, let length):
            return "byte \(hex(lead)) starts a \(length)-byte character but the input ends before it is complete"
        case .badContinuation(let lead, let length, let byte):
            return "byte \(hex(lead)) starts a \(length)-byte character but byte \(hex(byte)) after it is not a continuation byte"
        case .overlong(let lead):
            return "the character starting with byte \(hex(lead)) is an overlong encoding, which UTF-8 forbids"
        case .surrogate(let lead):
            return "the character starting with byte \(hex(lead)) encodes a UTF-16 surrogate (U+D800–U+DFFF), which UTF-8 forbids"
        case .beyondUnicode(let lead):
            return "the character starting with byte \(hex(lead)) encodes a code point above U+10FFFF"
        }
    }
}

/// The result of decoding the character at an offset.
enum UTF8Scan {
    case valid(length: Int, scalar: UInt32)
    case invalid(UTF8Problem)
}

/// Decodes the character starting at `i` (which must be `< bytes.count`) per invariant 1.
@inline(__always)
func scanUTF8(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> UTF8Scan {
    let lead = bytes[i]
    if lead < 0x80 { return .valid(length: 1, scalar: UInt32(lead)) }
    let length: Int
    var low: UInt8 = 0x80, high: UInt8 = 0xBF
    var scalar: UInt32
    switch lead {
    case 0x80...0xBF: return .invalid(.continuationAsLead(lead))
    case 0xC0, 0xC1: return .invalid(.overlongLead(lead))
    case 0xC2...0xDF: length = 2; scalar = UInt32(lead & 0x1F)
    case 0xE0...0xEF:
        length = 3; scalar = UInt32(lead & 0x0F)
        if lead == 0xE0 { low = 0xA0 } else if lead == 0xED { high = 0x9F }
    case 0xF0...0xF4:
        length = 4; scalar = UInt32(lead & 0x07)
        if lead == 0xF0 { low = 0x90 } else if lead == 0xF4 { high = 0x8F }
    case 0xF5...0xF7: return .invalid(.beyondUnicodeLead(lead))
    default: return .invalid(.invalidLead(lead))
    }
    for k in 1..<length {
        guard i + k < bytes.count else { return .invalid(.truncated(lead: lead, length: length)) }
        let b = bytes[i + k]
        guard b & 0xC0 == 0x80 else { return .invalid(.badContinuation(lead: lead, length: length, byte: b)) }
        if k == 1 && (b < low || b > high) {
            switch lead {
            case 0xE0, 0xF0: return .invalid(.overlong(lead: lead))
            case 0xED: return .invalid(.surrogate(lead: lead))
            default: return .invalid(.beyondUnicode(lead: lead))
            }
        }
        scalar = scalar << 6 | UInt32(b & 0x3F)
    }
    return .valid(length: length, scalar: scalar)
}

/// `0xAB`: a byte as uppercase hex, for messages.
func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
}

/// `U+00E9`: a code point as at least four uppercase hex digits, for messages.
func codePoint(_ scalar: UInt32) -> String {
    var digits = String(scalar, radix: 16, uppercase: true)
    while digits.count < 4 { digits = "0" + digits }
    return "U+" + digits
}
