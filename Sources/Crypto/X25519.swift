import CCrypto

/// X25519 Diffie-Hellman (RFC 7748) through libcrypto's `EVP_PKEY_X25519`.
///
/// The hub holds an X25519 `PrivateKey`; nodes seal sensitive fields to its `PublicKey` with
/// `SealedBox`.
public enum X25519 {
    /// Length of a shared secret in bytes.
    public static let sharedSecretByteCount = 32

    /// An X25519 private key. Its `description` never shows the key bytes.
    public struct PrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        /// The 32-byte scalar as RFC 7748 encodes it. Treat as secret.
        public let rawRepresentation: [UInt8]
        /// The matching public key.
        public let publicKey: PublicKey

        /// A new random key from libcrypto's key generator.
        public init() {
            let pair = PKey.generateRaw(type: EVP_PKEY_X25519, operation: "X25519.PrivateKey()")
            rawRepresentation = pair.privateKey
            publicKey = PublicKey(checkedRaw: pair.publicKey)
        }

        /// The key whose 32 raw bytes are `rawRepresentation`; throws `.invalidKey` for any other length.
        public init(rawRepresentation: [UInt8]) throws(CryptoError) {
            publicKey = PublicKey(checkedRaw: try PKey.publicRaw(
                type: EVP_PKEY_X25519, privateRaw: rawRepresentation, operation: "X25519.PrivateKey(rawRepresentation:)"))
            self.rawRepresentation = rawRepresentation
        }

        /// The raw 32-byte X25519 output with `peer` (the corresponding C function is
        /// `EVP_PKEY_derive`). Not a key by itself: feed it through a KDF such as `HKDFSHA256`.
        ///
        /// Throws `.invalidSharedSecret` when the result is all zeros (a low-order peer point).
        public func sharedSecret(with peer: PublicKey) throws(CryptoError) -> [UInt8] {
            let operation = "X25519.PrivateKey.sharedSecret(with:)"
            let mine = try PKey.privateKey(type: EVP_PKEY_X25519, raw: rawRepresentation, operation: operation)
            let theirs = try PKey.publicKey(type: EVP_PKEY_X25519, raw: peer.rawRepresentation, operation: operation)
            guard let context = EVP_PKEY_CTX_new(mine.pointer, nil) else {
                throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_PKEY_CTX_new")
            }
            defer { EVP_PKEY_CTX_free(context) }
            guard EVP_PKEY_derive_init(context) == 1 else {
                throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_PKEY_derive_init")
            }
            guard EVP_PKEY_derive_set_peer(context, theirs.pointer) == 1 else {
                throw .drainingQueue(.invalidKey, operation: "\(operation): EVP_PKEY_derive_set_peer")
            }
            var secret = [UInt8](repeating: 0, count: X25519.sharedSecretByteCount)
            var length = secret.count
            let ok = secret.withUnsafeMutableBufferPointer { EVP_PKEY_derive(context, $0.baseAddress, &length) }
            // OpenSSL refuses an all-zero result itself; check again so the guarantee does not
            // depend on the library version.
            guard ok == 1, length == X25519.sharedSecretByteCount, secret.contains(where: { $0 != 0 }) else {
                throw .drainingQueue(.invalidSharedSecret, operation: "\(operation): EVP_PKEY_derive")
            }
            return secret
        }

        public var description: String { "X25519.PrivateKey(public: \(PKey.fingerprint(publicKey.rawRepresentation))…)" }
        public var debugDescription: String { description }
    }

    /// An X25519 public key.
    public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
        /// The 32-byte u-coordinate as RFC 7748 encodes it.
        public let rawRepresentation: [UInt8]

        /// The key encoded as `rawRepresentation`; throws `.invalidKey` for any other length.
        public init(rawRepresentation: [UInt8]) throws(CryptoError) {
            _ = try PKey.publicKey(type: EVP_PKEY_X25519, raw: rawRepresentation,
                                   operation: "X25519.PublicKey(rawRepresentation:)")
            self.rawRepresentation = rawRepresentation
        }

        init(checkedRaw: [UInt8]) {
            rawRepresentation = checkedRaw
        }


        public var description: String { "X25519.PublicKey(\(PKey.fingerprint(rawRepresentation))…)" }
    }
}
