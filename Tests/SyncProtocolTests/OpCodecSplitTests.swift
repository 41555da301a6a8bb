import Testing
@testable import SyncProtocol

/// `OpCodec.stripped` and `assemble`, what the store keeps of an op and how it puts the bytes
/// back: the same bytes for every op, and no split for bytes that do not match the names given.
@Suite struct OpCodecSplitTests {
    static func field(_ op: Op) -> String? {
        switch op.action {
        case .exist: return nil
        case .set(let f, _, _, _), .add(let f, _), .remove(let f, _, _): return f
        }
    }

    @Test func strippedBytesAssembleToTheEncodingOfEveryOp() throws {
        let seed = SeededRandom.seed("OpCodec split")
        var gen = OpGenerator(seed: seed, nodeCount: 3)
        for op in gen.ops(500) {
            let bytes = OpCodec.encode(op), field = Self.field(op)
            let rest = try #require(OpCodec.stripped(bytes, id: op.id, collection: op.collection, entity: op.entity, field: field),
                                    "op \(op.id), seed \(seed)")
            // What is kept starts with the hlc and leaves out origin, collection, entity and field.
            let hlc = (0..<8).map { UInt8(truncatingIfNeeded: op.hlc.rawValue >> UInt64(56 - 8 * $0)) }
            #expect(Array(rest.prefix(8)) == hlc, "seed \(seed)")
            let names = 16 + op.collection.utf8.count + op.entity.utf8.count + (field?.utf8.count ?? 0)
            #expect(rest.count <= bytes.count - names - 4, "seed \(seed)")
            #expect(OpCodec.assemble(op.id, collection: op.collection, entity: op.entity, field: field, stripped: rest) == bytes,
                    "op \(op.id), seed \(seed)")
            // Names that are not the op's give no split.
            #expect(OpCodec.stripped(bytes, id: op.id, collection: op.collection, entity: op.entity + "x", field: field) == nil)
            #expect(OpCodec.stripped(bytes, id: OpID(origin: op.id.origin, seq: op.id.seq + 1), collection: op.collection,
                                     entity: op.entity, field: field) == nil)
            #expect(OpCodec.stripped(bytes, id: op.id, collection: op.collection, entity: op.entity,
                                     field: field == nil ? "status" : nil) == nil)
        }
    }
}
