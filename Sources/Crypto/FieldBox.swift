// FieldBox — the sealed-field format (sync-v1.md §7.3): many small values sealed to one
// X25519 recipient with ONE ephemeral key per batch of values (a node's write transaction),
// each value still openable on its own.
//
// Format, version 2 (all lengths in bytes, no padding):
//
//   offset  length  field
//   0       1       version = 0x02   (0x01 is `SealedBox`; the two are never confused)
//   1       32      E  = the ephemeral X25519 public key (RFC 7748 encoding)
//   33      2       n  = the value's ordinal under E, u16 big-endian
//   35      m       C  = AES-256-GCM ciphertext of the plaintext (m = plaintext length)
//   35+m    16      T  = AES-GCM tag
//
// Invariants:
//   1. A box is at least 51 bytes; byte 0 is 0x02. Anything else is malformed, never guessed at.
//   2. Under one E, every value has its own n (0, 1, 2, … in the order sealed). A sealer that
//      has used all 65 536 ordinals draws a new ephemeral key; the private half of E lives only
//      in the sealer and is never stored.
//   3. okm = HKDF-SHA256(IKM = X25519(e, R), salt = E || R,
//                        info = "fieldsync/field/v2" || 0x00 || context || n, L = 44);
//      key = okm[0..<32], nonce = okm[32..<44]. (E, context, n) is unique per value, so no
//      key and nonce pair is ever used twice, and the nonce needs no bytes in the box.
//   4. `context` is the caller's binding (sync-v1.md: the key id, the entity and the field),
//      so a box moved to another field or record does not open.
//   5. AAD = bytes 0..<35 (version || E || n): the header is authenticated with the body.
//   6. Opening returns plaintext only after the tag verifies; any failure (wrong key, wrong
//      context, any altered byte) is `.authenticationFailed` with no partial output. A
//      low-order E (all-zero shared secret) is refused on both sides.

/// Seals values for one recipient under one ephemeral key; see the format above.
///
/// Make one per write transaction and drop it with the transaction: while it lives it holds the
/// ephemeral private key, which could open everything it sealed.
public struct FieldBoxSealer {
    public static let version: UInt8 = 0x02
    static let headerByteCount = 1 + 32 + 2
    /// Bytes a box adds to its plaintext: version, ephemeral key, ordinal and tag.
    public static let overheadByteCount = headerByteCount + AES256GCM.tagByteCount

    private let recipient: X25519.PublicKey
    private var ephemeral: X25519.PrivateKey
    private var secret: [UInt8]
    private var next: UInt32 = 0

    /// A sealer to `recipient`; `ephemeral` is a fresh random key unless a test vector fixes it.
    public init(recipient: X25519.PublicKey, ephemeral: X25519.PrivateKey = X25519.PrivateKey()) throws(CryptoError) {
        self.recipient = recipient
        self.ephemeral = ephemeral
        secret = try ephemeral.sharedSecret(with: recipient)
    }

    /// The ephemeral public key of the values sealed so far (E).
    public var ephemeralPublicKey: X25519.PublicKey { ephemeral.publicKey }

    /// Seals `plaintext` bound to `context` (invariants 2–5).
    public mutating func seal(_ plaintext: [UInt8], context: [UInt8]) throws(CryptoError) -> [UInt8] {
        if next > UInt32(UInt16.max) {
            ephemeral = X25519.PrivateKey()
            secret = try ephemeral.sharedSecret(with: recipient)
            next = 0
        }
        let ordinal = UInt16(next)
        next += 1
        let header = [Self.version] + ephemeral.publicKey.rawRepresentation + [UInt8(ordinal >> 8), UInt8(ordinal & 0xff)]
        let (key, nonce) = try FieldBox.keyAndNonce(secret: secret, ephemeral: ephemeral.publicKey.rawRepresentation,
                                                    recipient: recipient.rawRepresentation, context: context,
                                                    ordinal: Array(header[33..<35]))
        return header + (try AES256GCM.seal(plaintext, key: key, nonce: nonce, aad: header))
    }
}

/// Opening boxes made by `FieldBoxSealer`.
public enum FieldBox {
    static let label = Array("fieldsync/field/v2".utf8) + [0]

    /// The plaintext of `box`, sealed to `recipient`'s public key with the same `context`.
    ///
    /// Throws `.malformedBox` for a box too short or of another version, `.authenticationFailed`
    /// when the key, the context or any byte does not match.
    public static func open(_ box: [UInt8], with recipient: X25519.PrivateKey, context: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard box.count >= FieldBoxSealer.overheadByteCount else {
            throw CryptoError(.malformedBox, operation: "FieldBox.open: \(box.count) bytes, need at least \(FieldBoxSealer.overheadByteCount)")
        }
        guard box[0] == FieldBoxSealer.version else {
            throw CryptoError(.malformedBox, operation: "FieldBox.open: version \(box[0]), expected \(FieldBoxSealer.version)")
        }
        let ephemeralRaw = Array(box[1..<33])
        let secret: [UInt8]
        do {
            secret = try recipient.sharedSecret(with: try X25519.PublicKey(rawRepresentation: ephemeralRaw))
        } catch where error.code == .invalidSharedSecret || error.code == .invalidKey {
            throw CryptoError(.authenticationFailed, operation: "FieldBox.open: invalid ephemeral key")
        }
        let header = Array(box[0..<FieldBoxSealer.headerByteCount])
        let (key, nonce) = try keyAndNonce(secret: secret, ephemeral: ephemeralRaw, recipient: recipient.publicKey.rawRepresentation,
                                           context: context, ordinal: Array(header[33..<35]))
        return try AES256GCM.open(Array(box[FieldBoxSealer.headerByteCount...]), key: key, nonce: nonce, aad: header)
    }

    /// Invariant 3.
    static func keyAndNonce(secret: [UInt8], ephemeral: [UInt8], recipient: [UInt8], context: [UInt8],
                            ordinal: [UInt8]) throws(CryptoError) -> (key: [UInt8], nonce: [UInt8]) {
        let okm = try HKDFSHA256.deriveKey(inputKeyMaterial: secret, salt: ephemeral + recipient,
                                           info: label + context + ordinal,
                                           outputByteCount: AES256GCM.keyByteCount + AES256GCM.nonceByteCount)
        return (Array(okm[0..<AES256GCM.keyByteCount]), Array(okm[AES256GCM.keyByteCount...]))
    }
}
