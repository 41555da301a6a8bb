import CCrypto

/// Ed25519 signatures (RFC 8032, PureEdDSA) through libcrypto's `EVP_PKEY_ED25519`.
///
/// Used to sign device requests: the node holds a `PrivateKey`, the hub stores the enrolled
/// `PublicKey` and checks each request with `isValidSignature(_:for:)`.
public enum Ed25519 {
    /// Length of a signature in bytes.
    public static let signatureByteCount = 64

    /// An Ed25519 signing key. Its `description` never shows the key bytes.
    public struct PrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        /// The 32-byte RFC 8032 seed. Treat as secret: store sealed or with 0600 permissions.
        public let rawRepresentation: [UInt8]
        /// The matching public key.
        public let publicKey: PublicKey

        /// A new random key from libcrypto's key generator.
        public init() {
            let pair = PKey.generateRaw(type: EVP_PKEY_ED25519, operation: "Ed25519.PrivateKey()")
            rawRepresentation = pair.privateKey
            publicKey = PublicKey(checkedRaw: pair.publicKey)
        }

        /// The key whose 32-byte seed is `rawRepresentation`; throws `.invalidKey` for any other length.
        public init(rawRepresentation: [UInt8]) throws(CryptoError) {
            publicKey = PublicKey(checkedRaw: try PKey.publicRaw(
                type: EVP_PKEY_ED25519, privateRaw: rawRepresentation, operation: "Ed25519.PrivateKey(rawRepresentation:)"))
            self.rawRepresentation = rawRepresentation
        }

        /// The 64-byte signature of `message` (the corresponding C function is `EVP_DigestSign`).
        ///
        /// Ed25519 signing is deterministic: the same key and message give the same bytes.
        public func signature(for message: [UInt8]) -> [UInt8] {
            do {
                return try sign(message)
            } catch {
                // The key bytes were accepted by libcrypto at init; signing them again can fail
                // only when libcrypto cannot allocate, after which nothing sensible remains.
                preconditionFailure("Ed25519 signing failed: \(error)")
            }
        }

        private func sign(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
            let operation = "Ed25519.PrivateKey.signature(for:)"
            let key = try PKey.privateKey(type: EVP_PKEY_ED25519, raw: rawRepresentation, operation: operation)
            guard let context = EVP_MD_CTX_new() else {
                throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_MD_CTX_new")
            }
            defer { EVP_MD_CTX_free(context) }
            // PureEdDSA: the digest argument must be NULL.
            guard EVP_DigestSignInit(context, nil, nil, nil, key.pointer) == 1 else {
                throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_DigestSignInit")
            }
            var signature = [UInt8](repeating: 0, count: Ed25519.signatureByteCount)
            var length = signature.count
            let ok = message.withUnsafeBufferPointer { input in
                signature.withUnsafeMutableBufferPointer { output in
                    EVP_DigestSign(context, output.baseAddress, &length, input.baseAddress, input.count)
                }
            }
            guard ok == 1, length == Ed25519.signatureByteCount else {
                throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_DigestSign")
            }
            return signature
        }

        public var description: String { "Ed25519.PrivateKey(public: \(PKey.fingerprint(publicKey.rawRepresentation))…)" }
        public var debugDescription: String { description }
    }

    /// An Ed25519 verification key.
    public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
        /// The 32-byte RFC 8032 encoding of the point.
        public let rawRepresentation: [UInt8]

        /// The key encoded as `rawRepresentation`; throws `.invalidKey` for a wrong length or
        /// bytes libcrypto refuses.
        public init(rawRepresentation: [UInt8]) throws(CryptoError) {
            _ = try PKey.publicKey(type: EVP_PKEY_ED25519, raw: rawRepresentation,
                                   operation: "Ed25519.PublicKey(rawRepresentation:)")
            self.rawRepresentation = rawRepresentation
        }

        init(checkedRaw: [UInt8]) {
            rawRepresentation = checkedRaw
        }

        /// Whether `signature` is a valid Ed25519 signature of `message` under this key
        /// (the corresponding C function is `EVP_DigestVerify`). Any malformed input is `false`.
        public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
            defer { ERR_clear_error() }  // a rejected signature queues an error; it is an answer, not a fault
            // Any failure here (wrong length, key or context refused) means "not valid".
            guard signature.count == Ed25519.signatureByteCount,
                  let key = try? PKey.publicKey(type: EVP_PKEY_ED25519, raw: rawRepresentation,
                                                operation: "Ed25519.PublicKey.isValidSignature"),
                  let context = EVP_MD_CTX_new()
            else { return false }
            defer { EVP_MD_CTX_free(context) }
            guard EVP_DigestVerifyInit(context, nil, nil, nil, key.pointer) == 1 else { return false }
            let result = signature.withUnsafeBufferPointer { sig in
                message.withUnsafeBufferPointer { msg in
                    EVP_DigestVerify(context, sig.baseAddress, sig.count, msg.baseAddress, msg.count)
                }
            }
            return result == 1
        }


        public var description: String { "Ed25519.PublicKey(\(PKey.fingerprint(rawRepresentation))…)" }
    }
}

