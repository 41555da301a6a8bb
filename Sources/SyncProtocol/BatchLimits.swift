/// What a receiver accepts in one batch frame (spec §12). Checked before anything is allocated
/// from a length field.
public struct BatchLimits: Sendable, Equatable {
    /// The whole frame (header + payload + checksum), at most 16 MiB by default.
    public var maxFrameBytes: Int
    /// Ops in one batch, at most 10 000 by default.
    public var maxOps: Int
    /// The payload after inflation, at most 32 MiB by default (a guard against deflate bombs).
    public var maxDecompressedBytes: Int

    public init(maxFrameBytes: Int = 16 * 1024 * 1024, maxOps: Int = 10_000,
                maxDecompressedBytes: Int = 32 * 1024 * 1024) {
        self.maxFrameBytes = maxFrameBytes
        self.maxOps = maxOps
        self.maxDecompressedBytes = maxDecompressedBytes
    }

    /// The limits every conforming peer MUST accept.
    public static let standard = BatchLimits()
}
