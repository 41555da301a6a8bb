/// A node asks the hub for the ops of its scopes after its cursor (spec §10.4).
///
/// Layout: `0x51 'Q' | 0x01 | cursor varint | max bytes varint (1024 … 16 MiB)`.
public struct PullRequest: Sendable, Equatable {
    public static let kind: UInt8 = 0x51
    public static let version: UInt8 = 0x01
    public static let minMaxBytes: UInt64 = 1024

    /// The hub sequence of the last op the node has durably stored (0 before the first pull).
    public var cursor: UInt64
    /// The largest batch frame the node wants in the answer.
    public var maxBytes: UInt64

    public init(cursor: UInt64, maxBytes: UInt64 = 1024 * 1024) {
        self.cursor = cursor
        self.maxBytes = maxBytes
    }

    public func encode() -> [UInt8] {
        var w = ByteWriter(capacity: 16)
        w.byte(Self.kind)
        w.byte(Self.version)
        w.uvarint(cursor)
        w.uvarint(maxBytes)
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> PullRequest {
        var r = ByteReader(bytes)
        try MessageHeader.expect(&r, kind: kind, version: version)
        let cursor = try r.uvarint()
        let at = r.offset
        let maxBytes = try r.uvarint()
        guard maxBytes >= minMaxBytes, maxBytes <= UInt64(BatchLimits.standard.maxFrameBytes) else {
            throw CodecError(.badValue, at: at, "max bytes must be 1024…16777216")
        }
        try r.expectEnd()
        return PullRequest(cursor: cursor, maxBytes: maxBytes)
    }
}

/// The hub's answer to a pull (spec §10.4).
///
/// Layout: `0x52 'R' | 0x01 | flags u8 (bit 0: more; others 0) | next cursor varint |
/// batch frame (§8) to the end of the body`.
public struct PullResponse: Sendable, Equatable {
    public static let kind: UInt8 = 0x52
    public static let version: UInt8 = 0x01
    public static let moreFlag: UInt8 = 0x01

    /// The scope's ops with hub sequence in (request cursor, nextCursor], ascending by (origin, seq).
    public var ops: [Op]
    /// The cursor to store, in the same transaction as `ops`.
    public var nextCursor: UInt64
    /// More ops are waiting: pull again at once.
    public var more: Bool

    public init(ops: [Op], nextCursor: UInt64, more: Bool) {
        self.ops = ops
        self.nextCursor = nextCursor
        self.more = more
    }

    public func encode(compress: Bool) -> [UInt8] {
        var w = ByteWriter()
        w.byte(Self.kind)
        w.byte(Self.version)
        w.byte(more ? Self.moreFlag : 0)
        w.uvarint(nextCursor)
        w.raw(BatchCodec.encode(ops, compress: compress))
        return w.bytes
    }

    /// Decodes the message; errors inside the batch frame carry offsets within the whole body.
    public static func decode(_ bytes: [UInt8], limits: BatchLimits = .standard) throws(CodecError) -> PullResponse {
        var r = ByteReader(bytes)
        try MessageHeader.expect(&r, kind: kind, version: version)
        let flags = try r.byte()
        guard flags & ~moreFlag == 0 else { throw CodecError(.badFlags, at: 2, "undefined flag bits") }
        let cursor = try r.uvarint()
        let base = r.offset
        do {
            let ops = try BatchCodec.decode(Array(bytes[base...]), limits: limits)
            return PullResponse(ops: ops, nextCursor: cursor, more: flags & moreFlag != 0)
        } catch {
            throw CodecError(error.code, at: base + error.offset, error.detail)
        }
    }
}
