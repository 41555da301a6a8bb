/// The human reference code an operator reads out to a caller, e.g. `MINUSCA-7Q4K-2M`.
///
/// Invariants:
/// 1. Form: mission code, `-`, four payload symbols, `-`, the fifth payload symbol and one check
///    symbol. Payload and check symbols come from Crockford's base32 alphabet
///    `0123456789ABCDEFGHJKMNPQRSTVWXYZ` (no I, L, O, U: no 0/O or 1/I/L confusion).
/// 2. On input, case, spaces and hyphens do not matter, and in the six symbols O reads as 0 and
///    I or L as 1; the mission part is read as written (upper-cased).
/// 3. The check symbol makes the weighted sum below zero; `isValid` recomputes it.
///
/// The check (Damm's scheme over the field GF(32) = GF(2)[x]/(x⁵+x²+1)): give every character
/// a value in GF(32) — payload and check symbols their alphabet index, mission characters the
/// same with I, L ↦ 1, O ↦ 0, U ↦ V — and fold `r ← α·r + d` from r = 0 over the mission, the
/// payload and the check, with α = x (the element 2). That makes r = Σ α^(n−i)·dᵢ, and a
/// code is valid iff r = 0, so the check symbol is α·r of the mission and payload.
/// - A single substitution dᵢ → dᵢ' changes r by α^(n−i)·(dᵢ − dᵢ'), which is not zero: a
///   field has no zero divisors. Every single substitution is caught.
/// - Swapping neighbours dᵢ ≠ dᵢ₊₁ changes r by α^(n−i−1)·(α − 1)·(dᵢ − dᵢ₊₁), not zero
///   because α ≠ 1. Every adjacent transposition is caught (also across the hyphens, and the
///   same argument with α² − 1 ≠ 0 catches jump transpositions abc → cba and twin errors).
/// Limit, by counting: a mission character has 36 possible values but the check only 32, so no
/// single check symbol can catch every substitution in the mission. The four values shared
/// are exactly the pairs readers confuse anyway (O/0, I/1, L/1, U/V); a mission code altered
/// that way (`M1NUSCA`) passes the check, so the hub must also match the mission against its list.
public struct ReferenceCode: Sendable, Hashable, CustomStringConvertible {
    /// The mission code, `^[A-Z][A-Z0-9]{1,15}$`.
    public let mission: String
    /// The five random symbols and the check symbol, canonical (upper case, no O/I/L).
    public let symbols: String

    /// Crockford's base32 alphabet: the symbol with value v is `alphabet[v]`.
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    /// How many random symbols a code carries (32⁵ ≈ 33.5 million codes per mission; callers
    /// must still check a new code against the ones they hold and draw again on a clash).
    public static let payloadLength = 5

    /// A code from its parts, exactly as stored: nil unless `mission` is a mission code and
    /// `symbols` is six canonical alphabet symbols. The check symbol is not verified: see `isValid`.
    public init?(mission: String, symbols: String) {
        var symbolBytes = symbols
        let symbolsOK = symbolBytes.withUTF8 { bytes in
            bytes.count == Self.payloadLength + 1 && !bytes.contains { Self.symbolValue[Int($0)] == Self.notASymbol }
        }
        guard symbolsOK, Intake.isMissionCode(mission) else { return nil }
        self.mission = mission
        self.symbols = symbols
    }

    /// A new code for `mission` with random payload symbols from `generator`.
    /// - Precondition: `mission` is a mission code (`Intake.isMissionCode`).
    public static func generate(mission: String, using generator: inout some RandomNumberGenerator) -> ReferenceCode {
        precondition(Intake.isMissionCode(mission), "ReferenceCode.generate needs a validated mission code")
        let payload = (0..<payloadLength).map { _ in UInt8.random(in: 0..<32, using: &generator) }
        let check = GF32.double((mission.utf8.map(missionValue) + payload).reduce(0) { GF32.double($0) ^ $1 })
        let symbols = String((payload + [check]).map { alphabet[Int($0)] })
        return ReferenceCode(mission: mission, symbols: symbols)!
    }

    /// Reads a code as an operator or caller might type it: any case, with or without hyphens
    /// and spaces, O for 0 and I or L for 1 in the symbols. Nil if it is not shaped like a code;
    /// a code with a wrong check symbol parses, and `isValid` is false.
    public static func parse(_ text: String) -> ReferenceCode? {
        // Hyphens and spaces separate groups; any grouping is fine as long as it does not cut
        // the code elsewhere: MISSION+6, MISSION 6, or MISSION 4 2.
        var groups: [[UInt8]] = [[]]
        for char in text.uppercased().unicodeScalars {
            if char == "-" || char.properties.isWhitespace {
                if !groups[groups.count - 1].isEmpty { groups.append([]) }
                continue
            }
            guard char.isASCII, let byte = UInt8(exactly: char.value),
                  (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) else { return nil }
            groups[groups.count - 1].append(byte)
        }
        if groups.last?.isEmpty == true { groups.removeLast() }
        let tail = groups.dropFirst().map(\.count)
        guard tail.isEmpty || tail == [payloadLength + 1] || tail == [4, 2] else { return nil }
        let chars = groups.joined()
        guard chars.count > payloadLength + 1 else { return nil }
        let split = chars.count - payloadLength - 1
        let symbols = chars.dropFirst(split).map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "O"): return UInt8(ascii: "0")
            case UInt8(ascii: "I"), UInt8(ascii: "L"): return UInt8(ascii: "1")
            default: return byte
            }
        }
        return ReferenceCode(mission: String(decoding: chars.prefix(split), as: UTF8.self),
                             symbols: String(decoding: symbols, as: UTF8.self))
    }

    /// True when the check symbol matches the mission and payload.
    public var isValid: Bool {
        var r: UInt8 = 0
        var mission = mission, symbols = symbols  // withUTF8 needs a var; no copy for native strings
        mission.withUTF8 { bytes in
            for i in 0..<bytes.count { r = GF32.double(r) ^ Self.missionValue(bytes[i]) }
        }
        symbols.withUTF8 { bytes in
            for i in 0..<bytes.count { r = GF32.double(r) ^ Self.symbolValue[Int(bytes[i])] }
        }
        return r == 0
    }

    /// `MISSION-XXXX-XC`, e.g. `MINUSCA-7Q4K-2M`.
    public var description: String {
        "\(mission)-\(symbols.prefix(4))-\(symbols.suffix(2))"
    }

    /// The GF(32) values of the mission's characters (see the type's documentation).
    static func missionValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "I"), UInt8(ascii: "L"): return 1
        case UInt8(ascii: "O"): return 0
        case UInt8(ascii: "U"): return 27  // V
        default: return symbolValue[Int(byte)]
        }
    }

    private static let notASymbol: UInt8 = 0xFF

    /// ASCII byte → value of that canonical symbol, or `notASymbol`.
    private static let symbolValue: [UInt8] = {
        var table = [UInt8](repeating: notASymbol, count: 256)
        for (value, char) in alphabet.enumerated() { table[Int(char.asciiValue!)] = UInt8(value) }
        return table
    }()
}

/// Arithmetic in GF(32) = GF(2)[x]/(x⁵+x²+1); addition is XOR.
enum GF32 {
    /// α·v, α = x: shift left and reduce by x⁵ = x² + 1.
    static func double(_ v: UInt8) -> UInt8 {
        let shifted = v << 1
        return shifted & 0x20 != 0 ? (shifted ^ 0x25) : shifted
    }
}
