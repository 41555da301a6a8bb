import CCrypto

/// Owns one libcrypto `EVP_PKEY` for the length of an operation and frees it in `deinit`.
///
/// Internal: keys are exposed as value types holding raw bytes; a `PKey` is built from them
/// when libcrypto needs one, so no C handle escapes the module.
final class PKey {
    /// Raw key length for X25519 and Ed25519, private and public alike.
    static let rawByteCount = 32

    let pointer: OpaquePointer

    private init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// A fresh key of `type` (`EVP_PKEY_ED25519` or `EVP_PKEY_X25519`) from libcrypto's keygen.
    static func generate(type: Int32, operation: String) throws(CryptoError) -> PKey {
        guard let context = EVP_PKEY_CTX_new_id(type, nil) else {
            throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_PKEY_CTX_new_id")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else {
            throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_PKEY_keygen_init")
        }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen(context, &key) == 1, let key else {
            throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_PKEY_keygen")
        }
        return PKey(key)
    }

    /// A private key of `type` from its 32 raw bytes.
    static func privateKey(type: Int32, raw: [UInt8], operation: String) throws(CryptoError) -> PKey {
        try fromRaw(type: type, raw: raw, operation: "\(operation): EVP_PKEY_new_raw_private_key",
                    EVP_PKEY_new_raw_private_key)
    }

    /// A public key of `type` from its 32 raw bytes.
    static func publicKey(type: Int32, raw: [UInt8], operation: String) throws(CryptoError) -> PKey {
        try fromRaw(type: type, raw: raw, operation: "\(operation): EVP_PKEY_new_raw_public_key",
                    EVP_PKEY_new_raw_public_key)
    }

    private static func fromRaw(
        type: Int32, raw: [UInt8], operation: String,
        _ make: (Int32, OpaquePointer?, UnsafePointer<UInt8>?, Int) -> OpaquePointer?
    ) throws(CryptoError) -> PKey {
        guard raw.count == rawByteCount else {
            throw CryptoError(.invalidKey, operation: "\(operation): expected \(rawByteCount) bytes, got \(raw.count)")
        }
        guard let key = raw.withUnsafeBufferPointer({ make(type, nil, $0.baseAddress, $0.count) }) else {
            throw .drainingQueue(.invalidKey, operation: operation)
        }
        return PKey(key)
    }

    /// A new key pair of `type` as raw bytes. Key generation fails only when libcrypto cannot
    /// allocate or has no default provider; the process stops then, as for `SecureRandom`.
    static func generateRaw(type: Int32, operation: String) -> (privateKey: [UInt8], publicKey: [UInt8]) {
        do {
            let key = try generate(type: type, operation: operation)
            return (try key.rawPrivate(operation: operation), try key.rawPublic(operation: operation))
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// The raw public key that belongs to the raw private key `privateRaw`.
    static func publicRaw(type: Int32, privateRaw: [UInt8], operation: String) throws(CryptoError) -> [UInt8] {
        try privateKey(type: type, raw: privateRaw, operation: operation).rawPublic(operation: operation)
    }

    /// The first four bytes of a public key in hex: enough to tell keys apart in logs.
    static func fingerprint(_ raw: [UInt8]) -> String {
        raw.prefix(4).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The 32 raw private-key bytes.
    func rawPrivate(operation: String) throws(CryptoError) -> [UInt8] {
        try raw(operation: "\(operation): EVP_PKEY_get_raw_private_key", EVP_PKEY_get_raw_private_key)
    }

    /// The 32 raw public-key bytes.
    func rawPublic(operation: String) throws(CryptoError) -> [UInt8] {
        try raw(operation: "\(operation): EVP_PKEY_get_raw_public_key", EVP_PKEY_get_raw_public_key)
    }

    private func raw(
        operation: String,
        _ get: (OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int>?) -> Int32
    ) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.rawByteCount)
        var length = out.count
        let ok = out.withUnsafeMutableBufferPointer { get(pointer, $0.baseAddress, &length) }
        guard ok == 1, length == Self.rawByteCount else {
            throw .drainingQueue(.libraryFailure, operation: operation)
        }
        return out
    }
}
