/// The payload of a batch frame: a dictionary, then ops that refer to it (spec §8.2).
///
/// Layout (varints unsigned LEB128, minimal):
///
///     node count      varint; then node ids, 16 bytes each, strictly ascending (every op
///                     origin and every id in a supersedes/tags list)
///     string count    varint; then strings, varint length (1…128) + UTF-8, no repeats, in
///                     order of first use (collection, entity, field of each op in op order)
///     op count        varint (0…maxOps); then per op, ops strictly ascending by (origin, seq):
///       origin        varint node index (never smaller than the previous op's)
///       seq           varint: seq − previous seq when the origin is the previous op's,
///                     else seq itself (≥ 1 either way)
///       hlc           zigzag varint: hlc − previous op's hlc (wrapping 64-bit; 0 before the first)
///       collection    varint string index (entry ≤ 64 bytes)
///       entity        varint string index (entry ≤ 128 bytes)
///       action        as in a single op, but a field is a varint string index (entry ≤ 64
///                     bytes) and an op id is a varint node index + varint seq
///
/// Invariants:
/// 1. Strings are compared and indexed by their UTF-8 bytes, never by Swift `String` equality
///    (which would merge canonically equivalent but different byte sequences).
/// 2. Decoding returns every op or throws: there is no partial output.
enum BatchPayload {
    static let maxNameBytes = OpLimits.maxEntityBytes

    static func encode(_ sorted: [Op]) -> [UInt8] {
        var nodes = Set<NodeID>()
        for op in sorted {
            nodes.insert(op.origin)
            switch op.action {
            case .set(_, _, _, let ids), .remove(_, _, let ids): nodes.formUnion(ids.map(\.origin))
            case .exist, .add: break
            }
        }
        var names = BatchNames(nodes: nodes.sorted())
        for op in sorted {
            names.intern(op.collection)
            names.intern(op.entity)
            switch op.action {
            case .set(let f, _, _, _), .add(let f, _), .remove(let f, _, _): names.intern(f)
            case .exist: break
            }
        }
        var w = ByteWriter(capacity: 64 + sorted.count * 32)
        w.uvarint(UInt64(names.nodes.count))
        for n in names.nodes { w.raw(n.bytes) }
        w.uvarint(UInt64(names.strings.count))
        for s in names.strings { w.lengthPrefixed(s) }
        w.uvarint(UInt64(sorted.count))
        var previous: Op?
        for op in sorted {
            w.uvarint(UInt64(names.nodeIndex[op.origin]!))
            w.uvarint(op.origin == previous?.origin ? op.seq - previous!.seq : op.seq)
            w.zigzag(Int64(bitPattern: op.hlc.rawValue &- (previous?.hlc.rawValue ?? 0)))
            names.writeField(op.collection, into: &w)
            names.writeField(op.entity, into: &w)
            ActionCodec.write(op.action, names: names, into: &w)
            previous = op
        }
        return w.bytes
    }

    static func decode(_ reader: ByteReader, maxOps: Int) throws(CodecError) -> [Op] {
        var r = reader
        var names = BatchNames(nodes: [])
        let nodeCount = try fitting(&r, each: 16)
        for _ in 0..<nodeCount {
            let at = r.offset
            let node = try InlineNames().readNode(&r)
            if let last = names.nodes.last, !(last < node) {
                throw CodecError(.unsorted, at: at, "dictionary node ids must be strictly ascending")
            }
            names.nodes.append(node)
        }
        let stringCount = try fitting(&r, each: 2)
        var seen = Set<[UInt8]>()
        for _ in 0..<stringCount {
            let at = r.offset
            let s = try r.string(min: 1, max: maxNameBytes)
            let utf8 = Array(s.utf8)
            guard seen.insert(utf8).inserted else { throw CodecError(.duplicate, at: at, "dictionary repeats a string") }
            names.strings.append(utf8)
            names.decoded.append(s)
        }
        let opCount = try r.count(max: maxOps)
        var ops: [Op] = []
        ops.reserveCapacity(min(opCount, r.remaining / 6))
        var previous: Op?
        for _ in 0..<opCount {
            let at = r.offset
            let origin = try names.readNode(&r)
            let seqAt = r.offset
            let delta = try ActionCodec.readSeq(&r)
            var seq = delta
            if let p = previous {
                guard p.origin <= origin else { throw CodecError(.unsorted, at: at, "ops must be ascending by origin") }
                if p.origin == origin {
                    let (sum, overflow) = p.seq.addingReportingOverflow(delta)
                    guard !overflow else { throw CodecError(.badValue, at: seqAt, "seq overflows 64 bits") }
                    seq = sum
                }
            }
            let hlcDelta = try r.zigzag()
            let hlc = HLC(rawValue: (previous?.hlc.rawValue ?? 0) &+ UInt64(bitPattern: hlcDelta))
            let collection = try names.readName(&r, max: OpLimits.maxCollectionBytes)
            let entity = try names.readName(&r, max: OpLimits.maxEntityBytes)
            let action = try ActionCodec.read(&r, names: names)
            let op = Op(id: OpID(origin: origin, seq: seq), hlc: hlc, collection: collection, entity: entity, action: action)
            ops.append(op)
            previous = op
        }
        try r.expectEnd()
        return ops
    }

    /// A count whose entries take at least `each` bytes: refused as truncated when the rest of
    /// the payload cannot hold them (so a hostile count never drives an allocation).
    private static func fitting(_ r: inout ByteReader, each: Int) throws(CodecError) -> Int {
        let at = r.offset
        let n = try r.uvarint()
        guard n <= UInt64(r.remaining / each) else {
            throw CodecError(.truncated, at: at, "\(n) dictionary entries cannot fit in \(r.remaining) bytes")
        }
        return Int(n)
    }
}

/// The batch dictionary: node ids and names referred to by index.
struct BatchNames: ActionNames {
    var nodes: [NodeID]
    var nodeIndex: [NodeID: Int] = [:]
    var strings: [[UInt8]] = []
    var decoded: [String] = []
    var stringIndex: [[UInt8]: Int] = [:]

    init(nodes: [NodeID]) {
        self.nodes = nodes
        for (i, n) in nodes.enumerated() { nodeIndex[n] = i }
    }

    mutating func intern(_ s: String) {
        let utf8 = Array(s.utf8)
        if stringIndex[utf8] == nil {
            stringIndex[utf8] = strings.count
            strings.append(utf8)
        }
    }

    func writeField(_ field: String, into w: inout ByteWriter) {
        w.uvarint(UInt64(stringIndex[Array(field.utf8)]!))
    }

    func writeOpID(_ id: OpID, into w: inout ByteWriter) {
        w.uvarint(UInt64(nodeIndex[id.origin]!))
        w.uvarint(id.seq)
    }

    func readField(_ r: inout ByteReader) throws(CodecError) -> String {
        try readName(&r, max: OpLimits.maxFieldBytes)
    }

    func readOpID(_ r: inout ByteReader) throws(CodecError) -> OpID {
        let origin = try readNode(&r)
        return OpID(origin: origin, seq: try ActionCodec.readSeq(&r))
    }

    func readNode(_ r: inout ByteReader) throws(CodecError) -> NodeID {
        let at = r.offset
        let i = try r.uvarint()
        guard i < UInt64(nodes.count) else { throw CodecError(.badIndex, at: at, "node index \(i) of \(nodes.count)") }
        return nodes[Int(i)]
    }

    func readName(_ r: inout ByteReader, max: Int) throws(CodecError) -> String {
        let at = r.offset
        let i = try r.uvarint()
        guard i < UInt64(strings.count) else { throw CodecError(.badIndex, at: at, "string index \(i) of \(strings.count)") }
        guard strings[Int(i)].count <= max else {
            throw CodecError(.tooLong, at: at, "name of \(strings[Int(i)].count) bytes exceeds the limit \(max)")
        }
        return decoded[Int(i)]
    }
}
