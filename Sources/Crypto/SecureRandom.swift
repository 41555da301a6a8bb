import CCrypto

/// Cryptographically secure random bytes from libcrypto's DRBG.
public enum SecureRandom {
    /// `n` random bytes (the corresponding C function is `RAND_bytes`).
    ///
    /// Stops the process if libcrypto cannot produce randomness: continuing with predictable
    /// keys or nonces would be worse than stopping.
    public static func bytes(_ n: Int) -> [UInt8] {
        precondition(n >= 0, "SecureRandom.bytes: negative count \(n)")
        guard n > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: n)
        var offset = 0
        // RAND_bytes takes an Int32 count; fill large requests in slices.
        while offset < n {
            let chunk = min(n - offset, Int(Int32.max))
            let ok = out.withUnsafeMutableBufferPointer { buffer in
                RAND_bytes(buffer.baseAddress! + offset, Int32(chunk))
            }
            precondition(ok == 1, "RAND_bytes failed: \(CryptoError.drainErrorQueue())")
            offset += chunk
        }
        return out
    }
}
