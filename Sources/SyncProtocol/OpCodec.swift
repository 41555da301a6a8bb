import Crypto

/// The canonical binary encoding of one op: its stored form and its hash input (spec §6).
///
/// Layout (all varints unsigned LEB128, minimal):
///
///     0x01                      version
///     origin                    16 bytes
///     seq                       varint, ≥ 1
///     hlc                       8 bytes, big-endian raw HLC (48-bit ms << 16 | counter)
///     collection                varint length (1…64) + UTF-8
///     entity                    varint length (1…128) + UTF-8
///     action                    tag byte + body (see `ActionCodec`), names and ids inline:
///                               field = varint length (1…64) + UTF-8,
///                               op id = 16-byte origin + varint seq (≥ 1)
///
/// Invariants:
/// 1. `decode(encode(op)) == op` for every op that passes `validate`.
/// 2. `encode(decode(b)) == b` for every `b` that `decode` accepts: each op has one encoding.
/// 3. `decode` never returns an op that breaks a limit of `OpLimits`, and never reads past
///    the end, and refuses trailing bytes.
public enum OpCodec {
    /// The version byte this implementation writes and reads.
    public static let version: UInt8 = 0x01

    /// The canonical bytes of `op`. An op that fails `validate` still encodes, but `decode`
    /// refuses the result: check local ops with `validate` (after `normalized`) before storing.
    public static func encode(_ op: Op) -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        w.byte(version)
        w.raw(op.id.origin.bytes)
        w.uvarint(op.id.seq)
        w.u64(op.hlc.rawValue)
        w.string(op.collection)
        w.string(op.entity)
        ActionCodec.write(op.action, names: InlineNames(), into: &w)
        return w.bytes
    }

    /// An encoding without its id, collection, entity and field name: the hlc (8 bytes), the
    /// action's tag and the rest of the action after its field name (`field` is nil for an exist
    /// op, which names none). A store that keeps those as columns stores only this; `assemble`
    /// puts them back. Nil when `bytes` is not laid out as an op with those names would be.
    public static func stripped(_ bytes: [UInt8], id: OpID, collection: String, entity: String, field: String?) -> [UInt8]? {
        var w = ByteWriter(capacity: 48)
        w.byte(version)
        w.raw(id.origin.bytes)
        w.uvarint(id.seq)
        let hlcAt = w.bytes.count
        w.string(collection)
        w.string(entity)
        let names = w.bytes[hlcAt...]
        let tagAt = hlcAt + 8 + names.count
        var fieldBytes = ByteWriter(capacity: 16)
        if let field { fieldBytes.string(field) }
        let restAt = tagAt + 1 + fieldBytes.bytes.count
        guard bytes.count >= restAt, bytes[..<hlcAt].elementsEqual(w.bytes[..<hlcAt]),
              bytes[(hlcAt + 8)..<tagAt].elementsEqual(names),
              bytes[(tagAt + 1)..<restAt].elementsEqual(fieldBytes.bytes),
              (bytes[tagAt] == ActionCodec.Tag.exist.rawValue) == (field == nil) else { return nil }
        return Array(bytes[hlcAt..<(hlcAt + 8)]) + [bytes[tagAt]] + bytes[restAt...]
    }

    /// The canonical encoding from its parts (`stripped`'s inverse): a concatenation, so the
    /// bytes are exactly those that were stripped, never a re-encoding.
    public static func assemble(_ id: OpID, collection: String, entity: String, field: String?, stripped rest: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: 48 + collection.utf8.count + entity.utf8.count + rest.count)
        w.byte(version)
        w.raw(id.origin.bytes)
        w.uvarint(id.seq)
        w.raw(Array(rest.prefix(8)))
        w.string(collection)
        w.string(entity)
        if rest.count > 8 { w.byte(rest[8]) }
        if let field { w.string(field) }
        w.raw(Array(rest.dropFirst(9)))
        return w.bytes
    }

    /// Decodes exactly one op, validating every limit and refusing trailing bytes.
    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> Op {
        var r = ByteReader(bytes)
        let v = try r.byte()
        guard v == version else { throw CodecError(.badVersion, at: 0, "op version \(v), expected \(version)") }
        let names = InlineNames()
        let origin = try names.readNode(&r)
        let seq = try ActionCodec.readSeq(&r)
        let hlc = HLC(rawValue: try r.u64())
        let collection = try r.string(min: 1, max: OpLimits.maxCollectionBytes)
        let entity = try r.string(min: 1, max: OpLimits.maxEntityBytes)
        let action = try ActionCodec.read(&r, names: names)
        try r.expectEnd()
        return Op(id: OpID(origin: origin, seq: seq), hlc: hlc, collection: collection, entity: entity, action: action)
    }

    /// SHA-256 of the canonical encoding: the op's content hash.
    public static func hash(_ op: Op) -> [UInt8] { SHA256.hash(encode(op)) }

    /// Throws the error `decode` would throw for this op's encoding (a limit, a zero seq, an
    /// unsorted id list, a non-finite double…); returns when the op is valid on the wire.
    public static func validate(_ op: Op) throws(CodecError) {
        _ = try decode(encode(op))
    }

    /// The same op with its id lists sorted ascending and de-duplicated and a negative zero
    /// replaced by +0.0: the form a writer should create before `validate`.
    public static func normalized(_ op: Op) -> Op {
        func ids(_ list: [OpID]) -> [OpID] { Array(Set(list)).sorted() }
        func value(_ v: Value) -> Value {
            if case .double(let d) = v, d == 0 { return .double(0) }
            return v
        }
        let action: Action
        switch op.action {
        case .exist: action = op.action
        case .set(let f, let v, let rank, let sup): action = .set(field: f, value: value(v), rank: rank, supersedes: ids(sup))
        case .add(let f, let e): action = .add(field: f, element: value(e))
        case .remove(let f, let e, let tags): action = .remove(field: f, element: value(e), tags: ids(tags))
        }
        return Op(id: op.id, hlc: op.hlc, collection: op.collection, entity: op.entity, action: action)
    }
}

/// Names and ids written in full, as in a single op.
struct InlineNames: ActionNames {
    func writeField(_ field: String, into w: inout ByteWriter) { w.string(field) }

    func writeOpID(_ id: OpID, into w: inout ByteWriter) {
        w.raw(id.origin.bytes)
        w.uvarint(id.seq)
    }

    func readField(_ r: inout ByteReader) throws(CodecError) -> String {
        try r.string(min: 1, max: OpLimits.maxFieldBytes)
    }

    func readOpID(_ r: inout ByteReader) throws(CodecError) -> OpID {
        let origin = try readNode(&r)
        return OpID(origin: origin, seq: try ActionCodec.readSeq(&r))
    }

    func readNode(_ r: inout ByteReader) throws(CodecError) -> NodeID {
        // 16 bytes were read, so the initializer cannot fail.
        NodeID(bytes: try r.raw(16))!
    }
}
