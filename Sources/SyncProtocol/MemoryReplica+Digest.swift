import Crypto

/// The canonical state digest (spec §9.6): SHA-256 over this byte string.
///
///     "FSSTATE1"
///     per entity with at least one op, ascending by (collection bytes, entity bytes):
///       0x45 'E' | collection | entity | varint causal length
///       per register field with a value (at least one head), ascending by field bytes:
///         0x52 'R' | field | winner id | winner value | varint n | n × (conflict id | value)
///       per set field with at least one present element, ascending by field bytes:
///         0x53 'S' | field | varint n | n × element value (ascending by encoding)
///
/// Names are varint length + UTF-8, ids are 16-byte origin + varint seq, values are §7
/// encodings, conflicts are in register order (highest first).
extension MemoryReplica {
    public static let digestMagic: [UInt8] = Array("FSSTATE1".utf8)

    /// The bytes whose SHA-256 is `stateDigest()`; exposed so a mismatch can be diffed.
    public func canonicalState() -> [UInt8] {
        var w = ByteWriter(capacity: 256)
        w.raw(Self.digestMagic)
        let fieldsByEntity = fieldsByEntity()
        for entity in entities {
            w.byte(0x45)
            w.lengthPrefixed(entity.collection)
            w.lengthPrefixed(entity.entity)
            w.uvarint(causalLength(entity))
            let fields = fieldsByEntity[entity] ?? ([], [])
            for field in fields.registers {
                let (winner, conflicts) = register(FieldKey(entity: entity, field: field))
                guard let winner else { continue }   // no head: the register has no value
                w.byte(0x52)
                w.lengthPrefixed(field)
                entry(winner, into: &w)
                w.uvarint(UInt64(conflicts.count))
                for op in conflicts { entry(op, into: &w) }
            }
            for field in fields.sets {
                let present = elements(FieldKey(entity: entity, field: field))
                if present.isEmpty { continue }
                w.byte(0x53)
                w.lengthPrefixed(field)
                w.uvarint(UInt64(present.count))
                for e in present { w.raw(e) }
            }
        }
        return w.bytes
    }

    private func entry(_ op: Op, into w: inout ByteWriter) {
        InlineNames().writeOpID(op.id, into: &w)
        if case .set(_, let value, _, _) = op.action { ValueCodec.write(value, into: &w) }
    }

    /// SHA-256 of `canonicalState()`: equal on every replica that holds the same set of ops.
    public func stateDigest() -> [UInt8] { SHA256.hash(canonicalState()) }
}
