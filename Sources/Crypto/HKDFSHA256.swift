import CCrypto

/// HKDF with SHA-256 (RFC 5869, extract-then-expand) through libcrypto's `EVP_KDF` "HKDF".
public enum HKDFSHA256 {
    /// The longest output RFC 5869 allows for SHA-256 (255 blocks of 32 bytes).
    public static let maximumOutputByteCount = 255 * 32
    /// libcrypto's limit on `info`.
    public static let maximumInfoByteCount = 1024

    /// `outputByteCount` bytes of keying material derived from `inputKeyMaterial`
    /// (the corresponding C function is `EVP_KDF_derive`).
    ///
    /// - Precondition: `1 <= outputByteCount <= maximumOutputByteCount` and
    ///   `info.count <= maximumInfoByteCount`; these are programming errors, not input errors.
    public static func deriveKey(
        inputKeyMaterial: [UInt8], salt: [UInt8], info: [UInt8], outputByteCount: Int
    ) throws(CryptoError) -> [UInt8] {
        precondition((1...maximumOutputByteCount).contains(outputByteCount),
                     "HKDF-SHA256 output length \(outputByteCount) out of range")
        precondition(info.count <= maximumInfoByteCount, "HKDF info longer than \(maximumInfoByteCount) bytes")
        let operation = "HKDF-SHA256"
        guard let kdf = EVP_KDF_fetch(nil, "HKDF", nil) else {
            throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_KDF_fetch")
        }
        defer { EVP_KDF_free(kdf) }
        guard let context = EVP_KDF_CTX_new(kdf) else {
            throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_KDF_CTX_new")
        }
        defer { EVP_KDF_CTX_free(context) }

        var output = [UInt8](repeating: 0, count: outputByteCount)
        let ok = inputKeyMaterial.withUnsafeBufferPointer { key in
            salt.withUnsafeBufferPointer { saltBuffer in
                info.withUnsafeBufferPointer { infoBuffer in
                    output.withUnsafeMutableBufferPointer { out in
                        fs_kdf_derive_hkdf_sha256(context, key.baseAddress, key.count,
                                                  saltBuffer.baseAddress, saltBuffer.count,
                                                  infoBuffer.baseAddress, infoBuffer.count,
                                                  out.baseAddress, out.count)
                    }
                }
            }
        }
        guard ok == 1 else { throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_KDF_derive") }
        return output
    }
}
