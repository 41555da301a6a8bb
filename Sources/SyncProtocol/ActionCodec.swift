/// How an action refers to field names and op ids: inline in a single op (`OpCodec`), or by
/// dictionary index inside a batch (`BatchCodec`). The rest of the action body is shared.
protocol ActionNames {
    func writeField(_ field: String, into w: inout ByteWriter)
    func writeOpID(_ id: OpID, into w: inout ByteWriter)
    func readField(_ r: inout ByteReader) throws(CodecError) -> String
    func readOpID(_ r: inout ByteReader) throws(CodecError) -> OpID
}

/// The action part of an op (spec §6.2).
///
/// Invariants:
/// 1. Tag byte 0x01 exist (varint causal length ≥ 1), 0x02 set (field, value, varint rank
///    ≤ 2^32-1, id list), 0x03 add (field, value), 0x04 remove (field, value, id list).
/// 2. An id list is a varint count ≤ 64 followed by the ids, strictly ascending by
///    (origin bytes, seq), every seq ≥ 1.
enum ActionCodec {
    enum Tag: UInt8 { case exist = 0x01, set = 0x02, add = 0x03, remove = 0x04 }

    static func write<N: ActionNames>(_ action: Action, names: N, into w: inout ByteWriter) {
        switch action {
        case .exist(let length):
            w.byte(Tag.exist.rawValue)
            w.uvarint(length)
        case .set(let field, let value, let rank, let supersedes):
            w.byte(Tag.set.rawValue)
            names.writeField(field, into: &w)
            ValueCodec.write(value, into: &w)
            w.uvarint(UInt64(rank))
            writeIDs(supersedes, names: names, into: &w)
        case .add(let field, let element):
            w.byte(Tag.add.rawValue)
            names.writeField(field, into: &w)
            ValueCodec.write(element, into: &w)
        case .remove(let field, let element, let tags):
            w.byte(Tag.remove.rawValue)
            names.writeField(field, into: &w)
            ValueCodec.write(element, into: &w)
            writeIDs(tags, names: names, into: &w)
        }
    }

    static func read<N: ActionNames>(_ r: inout ByteReader, names: N) throws(CodecError) -> Action {
        let start = r.offset
        let tagByte = try r.byte()
        guard let tag = Tag(rawValue: tagByte) else {
            throw CodecError(.badTag, at: start, "action tag 0x\(String(tagByte, radix: 16)) is not defined")
        }
        switch tag {
        case .exist:
            let at = r.offset
            let length = try r.uvarint()
            guard length >= 1 else { throw CodecError(.badValue, at: at, "causal length must be at least 1") }
            return .exist(causalLength: length)
        case .set:
            let field = try names.readField(&r)
            let value = try ValueCodec.read(&r)
            let at = r.offset
            let rank = try r.uvarint()
            guard rank <= OpLimits.maxRank else { throw CodecError(.badValue, at: at, "rank exceeds 2^32-1") }
            let supersedes = try readIDs(&r, names: names)
            return .set(field: field, value: value, rank: UInt32(rank), supersedes: supersedes)
        case .add:
            let field = try names.readField(&r)
            return .add(field: field, element: try ValueCodec.read(&r))
        case .remove:
            let field = try names.readField(&r)
            let element = try ValueCodec.read(&r)
            return .remove(field: field, element: element, tags: try readIDs(&r, names: names))
        }
    }

    static func writeIDs<N: ActionNames>(_ ids: [OpID], names: N, into w: inout ByteWriter) {
        w.uvarint(UInt64(ids.count))
        for id in ids { names.writeOpID(id, into: &w) }
    }

    static func readIDs<N: ActionNames>(_ r: inout ByteReader, names: N) throws(CodecError) -> [OpID] {
        let n = try r.count(max: OpLimits.maxIDList)
        var ids: [OpID] = []
        ids.reserveCapacity(n)
        for _ in 0..<n {
            let at = r.offset
            let id = try names.readOpID(&r)
            if let last = ids.last, !(last < id) {
                throw CodecError(.unsorted, at: at, "id list must be strictly ascending by (origin, seq)")
            }
            ids.append(id)
        }
        return ids
    }

    /// Reads a seq varint and refuses 0.
    static func readSeq(_ r: inout ByteReader) throws(CodecError) -> UInt64 {
        let at = r.offset
        let seq = try r.uvarint()
        guard seq >= 1 else { throw CodecError(.badValue, at: at, "seq must be at least 1") }
        return seq
    }
}
