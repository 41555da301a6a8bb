/// A scrubbed narrative and what was replaced in it.
///
/// The replacements name kinds and byte ranges only, never the replaced text, so the result can
/// be summarised to the operator or logged without carrying an identifier.
public struct ScrubResult: Sendable, Hashable {
    /// The narrative with every detected identifier replaced by its placeholder; every other
    /// byte exactly as given.
    public let text: String
    /// In order of position.
    public let replacements: [Replacement]

    /// One replaced span.
    public struct Replacement: Sendable, Hashable {
        public let kind: ScrubKind
        /// UTF-8 byte offsets of the replaced span in the input.
        public let original: Range<Int>
        /// UTF-8 byte offsets of the placeholder in `text`.
        public let scrubbed: Range<Int>
    }

    /// How many spans of `kind` were replaced.
    public func count(of kind: ScrubKind) -> Int {
        replacements.reduce(0) { $0 + ($1.kind == kind ? 1 : 0) }
    }

    /// For the operator: "replaced 2 names, 1 phone number", or "nothing replaced".
    public var summary: String {
        let parts = ScrubKind.allCases.compactMap { kind -> String? in
            let n = count(of: kind)
            return n == 0 ? nil : "\(n) \(n == 1 ? kind.words.one : kind.words.many)"
        }
        return parts.isEmpty ? "nothing replaced" : "replaced " + parts.joined(separator: ", ")
    }
}
