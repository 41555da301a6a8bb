/// How `HTTPClient` checks the server's TLS identity.
public struct TLSOptions: Sendable {
    /// A PEM bundle of trusted CAs to use instead of the system store (for a mission's
    /// private CA). nil uses the system store.
    public var caFile: String?
    /// The server's public key pin, in libcurl's `CURLOPT_PINNEDPUBLICKEY` form:
    /// `"sha256//<base64 of SHA-256 of the DER SubjectPublicKeyInfo>"` (several joined by `;`),
    /// or a path to a PEM/DER public key. A mismatch fails with `CurlError.Code.pinMismatch`.
    public var pinnedPublicKey: String?
    /// Whether to verify the certificate chain and host name. Production code must leave this
    /// `true`; `false` exists only for tests against self-signed servers and must be passed
    /// explicitly. A pin, when set, is still enforced.
    public var verify: Bool

    public init(caFile: String? = nil, pinnedPublicKey: String? = nil, verify: Bool = true) {
        self.caFile = caFile
        self.pinnedPublicKey = pinnedPublicKey
        self.verify = verify
    }
}
