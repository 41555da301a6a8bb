import CCrypto

/// Which Ed25519 public keys a hub accepts from a device at enrollment.
///
/// libcrypto verifies against any 32 bytes; a key that is not a proper curve point lets a
/// device (or whoever made its key) forge or replay signatures that verify for many messages.
/// A key is refused when:
/// 1. its y coordinate (the low 255 bits, little-endian) is not below p = 2^255 − 19 (a
///    non-canonical encoding: two byte strings for one point);
/// 2. it is one of the 8 points of small order (the identity, the point of order 2, those of
///    order 4 and 8): their y is 0, 1, p − 1 or ±y8 whatever the sign bit (libsodium's
///    `ge25519_has_small_order` list, non-canonical variants caught by rule 1);
/// 3. it decodes to no point: x² = (y² − 1) / (d·y² + 1) mod p has no square root
///    (RFC 8032 §5.1.3 step 2; `BN_mod_sqrt`).
/// Points with a small-order component added to a prime-order one (mixed order) are not
/// refused: libsodium accepts them too, and cofactorless verification treats them as distinct keys.
extension Ed25519.PublicKey {
    /// Why a device key is refused.
    public enum Weakness: String, Sendable, Equatable {
        case nonCanonical = "non_canonical"
        case smallOrder = "small_order"
        case notOnCurve = "not_on_curve"
    }

    /// The rule the key breaks, or nil for an acceptable device key.
    /// - Throws: `.libraryFailure` when libcrypto cannot allocate its numbers.
    public func deviceKeyWeakness() throws(CryptoError) -> Weakness? {
        var y = rawRepresentation
        guard y.count == 32 else { return .notOnCurve }
        y[31] &= 0x7F  // the sign of x
        if y[31] == 0x7F, y[1..<31].allSatisfy({ $0 == 0xFF }), y[0] >= 0xED { return .nonCanonical }
        if Self.smallOrderY.contains(y) { return .smallOrder }
        return try Self.hasSquareRootX(y) ? nil : .notOnCurve
    }

    /// True when the key is canonical, on the curve and not of small order; false also when
    /// libcrypto failed (refusing is the safe answer).
    public var isAcceptableDeviceKey: Bool {
        do {
            return try deviceKeyWeakness() == nil
        } catch {
            return false
        }
    }

    /// y (little-endian, sign bit clear) of the small-order points: 0 (order 4), 1 (order 1),
    /// y8 and p − y8 (order 8), p − 1 (order 2).
    static let smallOrderY: [[UInt8]] = [
        [UInt8](repeating: 0, count: 32),
        [1] + [UInt8](repeating: 0, count: 31),
        [0x26, 0xE8, 0x95, 0x8F, 0xC2, 0xB2, 0x27, 0xB0, 0x45, 0xC3, 0xF4, 0x89, 0xF2, 0xEF, 0x98, 0xF0,
         0xD5, 0xDF, 0xAC, 0x05, 0xD3, 0xC6, 0x33, 0x39, 0xB1, 0x38, 0x02, 0x88, 0x6D, 0x53, 0xFC, 0x05],
        [0xC7, 0x17, 0x6A, 0x70, 0x3D, 0x4D, 0xD8, 0x4F, 0xBA, 0x3C, 0x0B, 0x76, 0x0D, 0x10, 0x67, 0x0F,
         0x2A, 0x20, 0x53, 0xFA, 0x2C, 0x39, 0xCC, 0xC6, 0x4E, 0xC7, 0xFD, 0x77, 0x92, 0xAC, 0x03, 0x7A],
        [0xEC] + [UInt8](repeating: 0xFF, count: 30) + [0x7F],
    ]

    /// p = 2^255 − 19, little-endian.
    static let prime: [UInt8] = [0xED] + [UInt8](repeating: 0xFF, count: 30) + [0x7F]

    /// Whether (y² − 1) / (d·y² + 1) is a square mod p, with d = −121665 / 121666 (RFC 8032 §5.1).
    /// `y` is canonical (below p), little-endian.
    private static func hasSquareRootX(_ y: [UInt8]) throws(CryptoError) -> Bool {
        let operation = "Ed25519.PublicKey.deviceKeyWeakness"
        guard let context = BN_CTX_new() else { throw .drainingQueue(.libraryFailure, operation: "\(operation): BN_CTX_new") }
        defer { BN_CTX_free(context) }
        BN_CTX_start(context)
        defer { BN_CTX_end(context) }
        var numbers: [OpaquePointer] = []
        for _ in 0..<6 {
            guard let n = BN_CTX_get(context) else { throw .drainingQueue(.libraryFailure, operation: "\(operation): BN_CTX_get") }
            numbers.append(n)
        }
        let (p, d, y2, u, v, x2) = (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5])
        let one = BN_value_one()
        defer { ERR_clear_error() }  // "not a square" is queued as an error; here it is an answer
        let ok = BN_lebin2bn(prime, 32, p) != nil && BN_lebin2bn(y, 32, y2) != nil
            // d = (p − 121665) · 121666⁻¹ mod p
            && BN_copy(d, p) != nil && BN_sub_word(d, 121_665) == 1 && BN_set_word(u, 121_666) == 1
            && BN_mod_inverse(v, u, p, context) != nil && BN_mod_mul(d, d, v, p, context) == 1
            // u = y² − 1, v = d·y² + 1, x² = u / v
            && BN_mod_sqr(y2, y2, p, context) == 1 && BN_mod_sub(u, y2, one, p, context) == 1
            && BN_mod_mul(v, d, y2, p, context) == 1 && BN_mod_add(v, v, one, p, context) == 1
            && BN_mod_inverse(v, v, p, context) != nil && BN_mod_mul(x2, u, v, p, context) == 1
        guard ok else { throw .drainingQueue(.libraryFailure, operation: "\(operation): BN arithmetic") }
        // BN_mod_sqrt checks its result and returns NULL when x² has no root.
        return BN_is_zero(x2) == 1 || BN_mod_sqrt(y2, x2, p, context) != nil
    }
}
