import CCrypto

/// HMAC with SHA-256 (RFC 2104) through libcrypto's EVP_MAC interface.
public enum HMACSHA256 {
    /// Length of a tag in bytes.
    public static let byteCount = 32

    /// The HMAC-SHA256 tag of `message` under `key` (the corresponding C function is `EVP_Q_mac`).
    ///
    /// Any key length is valid, including empty (keys longer than 64 bytes are hashed first, as
    /// RFC 2104 says).
    public static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        var outLength = 0
        // libcrypto dereferences key/data only when their lengths are non-zero, but wants
        // non-null pointers for the empty case; a one-byte dummy covers it.
        let dummy: [UInt8] = [0]
        let result = (key.isEmpty ? dummy : key).withUnsafeBufferPointer { keyBuffer in
            (message.isEmpty ? dummy : message).withUnsafeBufferPointer { dataBuffer in
                out.withUnsafeMutableBufferPointer { outBuffer in
                    EVP_Q_mac(nil, "HMAC", nil, "SHA256", nil,
                              keyBuffer.baseAddress, key.count,
                              dataBuffer.baseAddress, message.count,
                              outBuffer.baseAddress, outBuffer.count, &outLength)
                }
            }
        }
        // HMAC-SHA256 fails only when libcrypto cannot allocate or load its default provider.
        precondition(result != nil && outLength == byteCount,
                     "EVP_Q_mac(HMAC-SHA256) failed: \(CryptoError.drainErrorQueue())")
        return out
    }

    /// Whether `tag` is the HMAC-SHA256 of `message` under `key`, compared in constant time.
    public static func verify(_ tag: [UInt8], for message: [UInt8], key: [UInt8]) -> Bool {
        ConstantTime.equals(authenticate(message, key: key), tag)
    }
}
