/// Size limits the parser enforces; each breach maps to its own status code.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line, CRLF excluded (414 URI Too Long beyond it).
    public var maxRequestLineBytes: Int
    /// Largest header section (all field lines with their CRLFs, request line excluded),
    /// and separately the largest chunked trailer section (431 beyond it).
    public var maxHeaderBytes: Int
    /// Most field lines in the header section, and separately in the trailers (431 beyond it).
    public var maxHeaderCount: Int
    /// Largest request body after de-chunking (413 beyond it).
    public var maxBodyBytes: Int
    /// Longest chunk-size line including extensions, CRLF excluded (400 beyond it).
    public var maxChunkLineBytes: Int

    public init(maxRequestLineBytes: Int = 8 * 1024, maxHeaderBytes: Int = 16 * 1024,
                maxHeaderCount: Int = 100, maxBodyBytes: Int = 16 * 1024 * 1024,
                maxChunkLineBytes: Int = 1024) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineBytes = maxChunkLineBytes
    }

    /// The defaults: 8 KiB request line, 16 KiB / 100 fields of headers, 16 MiB body.
    public static let `default` = HTTPLimits()
}
