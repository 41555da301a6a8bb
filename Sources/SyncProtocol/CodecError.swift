/// Why bytes received from a peer (an op, a batch frame, a session message) were refused.
///
/// Every decoder in this module reports malformed input with exactly one of these, never a
/// crash and never partial output. `offset` is the index of the first byte of the item that
/// could not be accepted (for a compressed batch payload: the index within the decompressed
/// payload, see `Protocols/sync-v1.md` §8).
public struct CodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable, machine-readable reason (its `rawValue` is what the spec and the test vectors use).
    public enum Code: String, Sendable, CaseIterable {
        /// The input ended inside an item.
        case truncated
        /// The leading version byte names an encoding this peer does not implement.
        case badVersion
        /// An action, value or message tag is not defined.
        case badTag
        /// A string is not valid UTF-8.
        case badUTF8
        /// A length exceeds its limit (see the limits table).
        case tooLong
        /// A list has more entries than its limit.
        case tooMany
        /// A double is NaN or infinite.
        case nonFinite
        /// The item has more than one encoding and this one is not the canonical one
        /// (an over-long varint, a negative zero).
        case nonCanonical
        /// A varint runs past 10 bytes or past 64 bits.
        case badVarint
        /// A field holds a value outside its domain (seq 0, causal length 0, rank above 2^32-1,
        /// an empty collection, entity or field name).
        case badValue
        /// Bytes follow the end of the item.
        case trailingBytes
        /// A batch frame does not start with `FSB1`.
        case badMagic
        /// A batch frame's SHA-256 does not match its contents.
        case badChecksum
        /// A flags byte has a bit set that this version does not define.
        case badFlags
        /// A dictionary index points past the dictionary.
        case badIndex
        /// Entries that must be strictly ascending (ops in a batch, ids in a list, dictionary
        /// node ids) are not, or repeat.
        case unsorted
        /// A dictionary repeats an entry.
        case duplicate
        /// A compressed payload could not be inflated, or inflates past its cap.
        case badCompression
    }

    /// The reason.
    public let code: Code
    /// Index of the first byte of the offending item.
    public let offset: Int
    /// A short, human-readable detail (never sent over the wire verbatim).
    public let detail: String

    public init(_ code: Code, at offset: Int, _ detail: String = "") {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    public var description: String {
        let base = "\(code.rawValue) at byte \(offset)"
        let what = detail.isEmpty ? base : "\(base): \(detail)"
        return what + " (the sender produced malformed sync data; the input was refused unchanged)"
    }

    /// Two errors are equal when they have the same code and offset; the detail text may change.
    public static func == (a: CodecError, b: CodecError) -> Bool {
        a.code == b.code && a.offset == b.offset
    }
}
