// SealedBox — anonymous public-key encryption to one recipient (ECIES shape:
// X25519 + HKDF-SHA256 + AES-256-GCM). Nodes seal sensitive report fields to the hub's key at
// intake, so a seized laptop holds only ciphertext it cannot open.
//
// Format, version 1 (all lengths in bytes, no padding, no length prefixes):
//
//   offset  length  field
//   0       1       version = 0x01
//   1       32      E  = ephemeral X25519 public key (RFC 7748 encoding)
//   33      12      N  = AES-GCM nonce
//   45      n       C  = AES-256-GCM ciphertext of the plaintext (n = plaintext length)
//   45+n    16      T  = AES-GCM tag
//
// Invariants:
//   1. A box is at least 61 bytes (1 + 32 + 12 + 16); anything shorter is malformed.
//   2. Byte 0 is the version; only 0x01 is defined. An unknown version is malformed, never
//      guessed at.
//   3. Every box has a fresh ephemeral key pair; its private half is never stored or reused.
//   4. The AES key is HKDF-SHA256(IKM = X25519(e, R), salt = E || R, info = caller's info, L = 32)
//      where e is the ephemeral private key and R the recipient's 32-byte public key. The salt
//      binds the key to both public keys; `info` binds it to the caller's context (e.g. which
//      field of which record), so a box cannot be replayed into another context.
//   5. N is 12 fresh random bytes. The key is already unique per box (invariant 3), so nonce
//      reuse under one key cannot occur.
//   6. The AAD is bytes 0..<33 (version || E), so the header is authenticated with the body.
//   7. n equals the plaintext length (GCM is a stream mode); an empty plaintext is allowed.
//   8. Opening returns plaintext only after the tag verifies; any failure (wrong key, wrong
//      info, any altered byte) is `CryptoError.authenticationFailed` with no partial output.
//   9. An all-zero X25519 result (low-order point E or R) is refused on both sides.

/// Seals bytes to an X25519 public key; see the format and invariants at the top of this file.
public enum SealedBox {
    /// The only version this code writes or reads.
    public static let version: UInt8 = 0x01
    static let headerByteCount = 1 + 32
    /// Bytes a box adds to its plaintext: version, ephemeral key, nonce and tag.
    public static let overheadByteCount = headerByteCount + AES256GCM.nonceByteCount + AES256GCM.tagByteCount

    /// Encrypts `plaintext` so that only the holder of `recipient`'s private key can read it.
    ///
    /// `info` names the context (for example `"fieldsync/report/narrative/v1"`); the same
    /// bytes must be passed to `open`. At most `HKDFSHA256.maximumInfoByteCount` bytes.
    public static func seal(_ plaintext: [UInt8], to recipient: X25519.PublicKey, info: [UInt8]) throws(CryptoError) -> [UInt8] {
        let ephemeral = X25519.PrivateKey()
        let header = [version] + ephemeral.publicKey.rawRepresentation
        let key = try deriveKey(
            secret: try ephemeral.sharedSecret(with: recipient),
            ephemeralPublic: ephemeral.publicKey, recipientPublic: recipient, info: info)
        let nonce = SecureRandom.bytes(AES256GCM.nonceByteCount)
        let body = try AES256GCM.seal(plaintext, key: key, nonce: nonce, aad: header)
        return header + nonce + body
    }

    /// Decrypts a box made by `seal(_:to:info:)` for `recipient`'s public key with the same `info`.
    ///
    /// Throws `.malformedBox` when the box is too short or has an unknown version, and
    /// `.authenticationFailed` when the key, the info or any byte does not match.
    public static func open(_ box: [UInt8], with recipient: X25519.PrivateKey, info: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard box.count >= overheadByteCount else {
            throw CryptoError(.malformedBox, operation: "SealedBox.open: \(box.count) bytes, need at least \(overheadByteCount)")
        }
        guard box[0] == version else {
            throw CryptoError(.malformedBox, operation: "SealedBox.open: unknown version \(box[0])")
        }
        let ephemeralRaw = Array(box[1..<headerByteCount])
        let nonceEnd = headerByteCount + AES256GCM.nonceByteCount
        let ephemeralPublic = try X25519.PublicKey(rawRepresentation: ephemeralRaw)
        let secret: [UInt8]
        do {
            secret = try recipient.sharedSecret(with: ephemeralPublic)
        } catch where error.code == .invalidSharedSecret {
            // A forged low-order ephemeral key is a tampered box, whatever libcrypto calls it.
            throw CryptoError(.authenticationFailed, operation: "SealedBox.open: invalid ephemeral key")
        }
        let key = try deriveKey(secret: secret, ephemeralPublic: ephemeralPublic,
                                recipientPublic: recipient.publicKey, info: info)
        return try AES256GCM.open(Array(box[nonceEnd...]), key: key,
                                  nonce: Array(box[headerByteCount..<nonceEnd]),
                                  aad: Array(box[0..<headerByteCount]))
    }

    /// Invariant 4.
    private static func deriveKey(
        secret: [UInt8], ephemeralPublic: X25519.PublicKey, recipientPublic: X25519.PublicKey, info: [UInt8]
    ) throws(CryptoError) -> [UInt8] {
        try HKDFSHA256.deriveKey(
            inputKeyMaterial: secret,
            salt: ephemeralPublic.rawRepresentation + recipientPublic.rawRepresentation,
            info: info, outputByteCount: AES256GCM.keyByteCount)
    }
}
