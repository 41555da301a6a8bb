import CCrypto

/// A failure inside the crypto wrapper.
///
/// Carries what failed (`code`, `operation`) and libcrypto's own error text. It never carries
/// key bytes, plaintext or derived secrets, so it is safe to log.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in terms a caller can act on.
    public enum Code: String, Sendable {
        /// A key had the wrong length or libcrypto refused its bytes.
        case invalidKey
        /// A sealed box was shorter than its fixed parts, or had an unknown version byte.
        case malformedBox
        /// A sealed box did not authenticate: wrong recipient key, wrong `info`, or tampered bytes.
        case authenticationFailed
        /// The X25519 exchange produced the all-zero secret (the peer key is a low-order point).
        case invalidSharedSecret
        /// A libcrypto call failed for a reason that is not the caller's input (allocation,
        /// missing provider). Nothing the caller passed can fix it.
        case libraryFailure
    }

    public let code: Code
    /// The operation that failed, e.g. `"Ed25519.PrivateKey.init"` or `"EVP_KDF_derive"`.
    public let operation: String
    /// libcrypto's queued error strings (`ERR_error_string_n`), oldest first; empty when
    /// libcrypto queued none.
    public let libraryMessage: String

    public init(_ code: Code, operation: String, libraryMessage: String = "") {
        self.code = code
        self.operation = operation
        self.libraryMessage = libraryMessage
    }

    /// Builds an error and drains libcrypto's thread-local error queue into its message, so a
    /// later failure does not report this one's leftovers.
    static func drainingQueue(_ code: Code, operation: String) -> CryptoError {
        CryptoError(code, operation: operation, libraryMessage: drainErrorQueue())
    }

    /// Reads and clears every queued libcrypto error on this thread.
    static func drainErrorQueue() -> String {
        var parts: [String] = []
        while true {
            let packed = ERR_get_error()
            if packed == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(packed, &buffer, buffer.count)
            parts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return parts.joined(separator: "; ")
    }

    public var description: String {
        let advice: String
        switch code {
        case .invalidKey:
            advice = "check that the key is the 32-byte raw form and was not truncated or re-encoded"
        case .malformedBox:
            advice = "the sealed data is damaged or not a fieldsync sealed box; restore it from the source"
        case .authenticationFailed:
            advice = "the data was altered or is sealed to a different key or context; do not trust it"
        case .invalidSharedSecret:
            advice = "the peer public key is invalid; obtain the correct key"
        case .libraryFailure:
            advice = "libcrypto failed internally; check memory and the OpenSSL installation"
        }
        let detail = libraryMessage.isEmpty ? "" : " (libcrypto: \(libraryMessage))"
        return "\(operation) failed: \(code.rawValue)\(detail); \(advice)"
    }
}
