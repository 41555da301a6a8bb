import CCrypto

/// AES-256-GCM through libcrypto's EVP cipher interface. Internal: callers use `SealedBox`,
/// which owns key and nonce handling.
enum AES256GCM {
    static let keyByteCount = 32
    static let nonceByteCount = 12
    static let tagByteCount = 16

    /// Encrypts `plaintext`; returns `ciphertext || tag`.
    static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8]) throws(CryptoError) -> [UInt8] {
        let operation = "AES-256-GCM seal"
        let context = try Context(key: key, nonce: nonce, encrypt: true, operation: operation)
        try context.update(aad: aad, operation: operation)
        var output = try context.update(plaintext, operation: operation)
        var finalLength: Int32 = 0
        var scratch = [UInt8](repeating: 0, count: 16)
        guard EVP_EncryptFinal_ex(context.pointer, &scratch, &finalLength) == 1, finalLength == 0 else {
            throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_EncryptFinal_ex")
        }
        var tag = [UInt8](repeating: 0, count: tagByteCount)
        guard fs_evp_gcm_get_tag(context.pointer, Int32(tagByteCount), &tag) == 1 else {
            throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_CTRL_GCM_GET_TAG")
        }
        output += tag
        return output
    }

    /// Decrypts `ciphertext || tag`; throws `.authenticationFailed` when the tag does not match.
    static func open(_ sealed: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8]) throws(CryptoError) -> [UInt8] {
        let operation = "AES-256-GCM open"
        guard sealed.count >= tagByteCount else { throw CryptoError(.malformedBox, operation: "\(operation): shorter than the tag") }
        let context = try Context(key: key, nonce: nonce, encrypt: false, operation: operation)
        try context.update(aad: aad, operation: operation)
        let output = try context.update(Array(sealed.dropLast(tagByteCount)), operation: operation)
        var tag = Array(sealed.suffix(tagByteCount))
        guard fs_evp_gcm_set_tag(context.pointer, Int32(tagByteCount), &tag) == 1 else {
            throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_CTRL_GCM_SET_TAG")
        }
        var finalLength: Int32 = 0
        var scratch = [UInt8](repeating: 0, count: 16)
        guard EVP_DecryptFinal_ex(context.pointer, &scratch, &finalLength) == 1 else {
            // A tag mismatch queues nothing useful; clear whatever is there.
            ERR_clear_error()
            throw CryptoError(.authenticationFailed, operation: operation)
        }
        return output
    }

    /// Owns one `EVP_CIPHER_CTX` initialised for AES-256-GCM with a 12-byte nonce.
    private final class Context {
        let pointer: OpaquePointer
        let encrypt: Bool

        init(key: [UInt8], nonce: [UInt8], encrypt: Bool, operation: String) throws(CryptoError) {
            precondition(key.count == AES256GCM.keyByteCount && nonce.count == AES256GCM.nonceByteCount,
                         "AES-256-GCM key/nonce length")
            guard let pointer = EVP_CIPHER_CTX_new() else {
                throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_CIPHER_CTX_new")
            }
            self.pointer = pointer
            self.encrypt = encrypt
            let initialise = encrypt ? EVP_EncryptInit_ex : EVP_DecryptInit_ex
            guard initialise(pointer, EVP_aes_256_gcm(), nil, nil, nil) == 1 else {
                throw .drainingQueue(.libraryFailure, operation: "\(operation): cipher init")
            }
            guard fs_evp_gcm_set_ivlen(pointer, Int32(AES256GCM.nonceByteCount)) == 1 else {
                throw .drainingQueue(.libraryFailure, operation: "\(operation): EVP_CTRL_GCM_SET_IVLEN")
            }
            guard initialise(pointer, nil, nil, key, nonce) == 1 else {
                throw .drainingQueue(.libraryFailure, operation: "\(operation): key/nonce init")
            }
        }

        deinit {
            EVP_CIPHER_CTX_free(pointer)
        }

        /// Feeds additional authenticated data (output pointer NULL).
        func update(aad: [UInt8], operation: String) throws(CryptoError) {
            guard !aad.isEmpty else { return }
            var length: Int32 = 0
            let updateFunction = encrypt ? EVP_EncryptUpdate : EVP_DecryptUpdate
            guard updateFunction(pointer, nil, &length, aad, Int32(aad.count)) == 1 else {
                throw .drainingQueue(.libraryFailure, operation: "\(operation): AAD update")
            }
        }

        /// Encrypts or decrypts `input`; GCM is a stream mode, so output length equals input length.
        func update(_ input: [UInt8], operation: String) throws(CryptoError) -> [UInt8] {
            guard !input.isEmpty else { return [] }
            guard input.count <= Int(Int32.max) else {
                throw CryptoError(.libraryFailure, operation: "\(operation): input longer than 2 GiB")
            }
            var output = [UInt8](repeating: 0, count: input.count)
            var length: Int32 = 0
            let updateFunction = encrypt ? EVP_EncryptUpdate : EVP_DecryptUpdate
            guard updateFunction(pointer, &output, &length, input, Int32(input.count)) == 1,
                  Int(length) == input.count else {
                throw .drainingQueue(.libraryFailure, operation: "\(operation): update")
            }
            return output
        }
    }
}
