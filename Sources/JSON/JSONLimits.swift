/// Bounds the parser enforces before and while it reads a document, so that hostile or broken
/// input (an upload, a USB bundle) cannot exhaust memory or the stack.
public struct JSONLimits: Sendable, Equatable {
    /// The largest input accepted, in bytes (checked before parsing starts; a skipped BOM counts).
    public var maxBytes: Int
    /// The deepest nesting of arrays and objects accepted. `[]` and `{}` are depth 1, `[[]]` is
    /// depth 2; a scalar document is depth 0. A document exactly at the limit is accepted.
    public var maxDepth: Int
    /// The longest string (key or value) accepted, in bytes of decoded UTF-8.
    public var maxStringBytes: Int

    /// Creates limits; each argument defaults to the value in `JSONLimits.default`.
    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 64, maxStringBytes: Int = 1 << 20) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
    }

    /// 1 MiB input, 64 levels of nesting, 1 MiB strings.
    public static let `default` = JSONLimits()
}
