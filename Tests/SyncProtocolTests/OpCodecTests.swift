import Testing
@testable import SyncProtocol

@Suite struct OpCodecTests {
    let sample = Op(id: OpID(origin: node(0xAA), seq: 1), hlc: HLC(milliseconds: 1_700_000_000_000, counter: 1),
                    collection: "report", entity: "r1",
                    action: .set(field: "status", value: .string("referred"), rank: 2,
                                 supersedes: [OpID(origin: node(0x01), seq: 3)]))

    @Test func roundTripsSeededRandomOps() throws {
        var gen = OpGenerator(seed: SeededRandom.seed("OpCodec round trip"))
        for op in gen.ops(500) {
            let bytes = OpCodec.encode(op)
            let back = try OpCodec.decode(bytes)
            #expect(back == op)
            #expect(OpCodec.encode(back) == bytes)
        }
    }

    @Test func layoutOfASetOp() {
        let b = OpCodec.encode(sample)
        #expect(b[0] == 0x01)
        #expect(Array(b[1..<17]) == [UInt8](repeating: 0xAA, count: 16))
        #expect(b[17] == 0x01)  // seq varint
        #expect(Array(b[18..<26]) == [0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x00, 0x00, 0x01])
        #expect(Array(b[26..<33]) == [6] + Array("report".utf8))
        #expect(b[36] == 0x02 && b[44] == 0x05 && b[54] == 2 && b[55] == 1 && b.count == 73)
    }

    @Test func everyTruncationIsRefused() {
        let b = OpCodec.encode(sample)
        for n in 0..<b.count {
            #expect(throws: CodecError.self) { try OpCodec.decode(Array(b[0..<n])) }
            do {
                _ = try OpCodec.decode(Array(b[0..<n]))
            } catch {
                #expect(error.code == .truncated, "prefix \(n)")
                #expect(error.offset <= n)
            }
        }
    }

    @Test func trailingBytesAreRefused() {
        #expect(throws: CodecError(.trailingBytes, at: 73)) {
            try OpCodec.decode(OpCodec.encode(sample) + [0])
        }
    }

    @Test func limitsAreEnforced() {
        func op(collection: String = "c", entity: String = "e", action: Action = .exist(causalLength: 1), seq: UInt64 = 1) -> Op {
            Op(id: OpID(origin: node(1), seq: seq), hlc: .zero, collection: collection, entity: entity, action: action)
        }
        func code(_ o: Op) -> CodecError.Code? {
            do { try OpCodec.validate(o); return nil } catch { return error.code }
        }
        #expect(code(op(collection: String(repeating: "c", count: 64))) == nil)
        #expect(code(op(collection: String(repeating: "c", count: 65))) == .tooLong)
        #expect(code(op(entity: String(repeating: "é", count: 64))) == nil)
        #expect(code(op(entity: String(repeating: "é", count: 65))) == .tooLong)
        #expect(code(op(collection: "")) == .badValue)
        #expect(code(op(entity: "")) == .badValue)
        #expect(code(op(seq: 0)) == .badValue)
        #expect(code(op(action: .exist(causalLength: 0))) == .badValue)
        #expect(code(op(action: .add(field: "", element: .null))) == .badValue)
        #expect(code(op(action: .add(field: String(repeating: "f", count: 65), element: .null))) == .tooLong)
        #expect(code(op(action: .add(field: "f", element: .double(.nan)))) == .nonFinite)
        #expect(code(op(action: .add(field: "f", element: .double(-.infinity)))) == .nonFinite)
        #expect(code(op(action: .add(field: "f", element: .string(String(repeating: "s", count: 256 * 1024))))) == nil)
        #expect(code(op(action: .add(field: "f", element: .string(String(repeating: "s", count: 256 * 1024 + 1))))) == .tooLong)
        #expect(code(op(action: .add(field: "f", element: .bytes([UInt8](repeating: 0, count: 256 * 1024 + 1))))) == .tooLong)
        let ids = (1...65).map { OpID(origin: node(2), seq: UInt64($0)) }
        #expect(code(op(action: .remove(field: "f", element: .null, tags: Array(ids.prefix(64))))) == nil)
        #expect(code(op(action: .remove(field: "f", element: .null, tags: ids))) == .tooMany)
        #expect(code(op(action: .remove(field: "f", element: .null, tags: [ids[1], ids[0]]))) == .unsorted)
        #expect(code(op(action: .set(field: "f", value: .null, rank: 0, supersedes: [ids[0], ids[0]]))) == .unsorted)
        #expect(code(op(action: .set(field: "f", value: .null, rank: 0, supersedes: [OpID(origin: node(2), seq: 0)]))) == .badValue)
        #expect(code(OpCodec.normalized(op(action: .set(field: "f", value: .null, rank: 0, supersedes: [ids[1], ids[0], ids[1]])))) == nil)
    }

    @Test func malformedBytesGiveTypedErrors() {
        var b = OpCodec.encode(sample)
        func expectCode(_ bytes: [UInt8], _ code: CodecError.Code, at offset: Int) {
            #expect(throws: CodecError(code, at: offset)) { try OpCodec.decode(bytes) }
        }
        expectCode([0x02] + b.dropFirst(), .badVersion, at: 0)
        var overlong = b; overlong.replaceSubrange(17...17, with: [0x81, 0x00])
        expectCode(overlong, .nonCanonical, at: 17)
        var bigVarint = b; bigVarint.replaceSubrange(17...17, with: [UInt8](repeating: 0xFF, count: 10) + [0x01])
        expectCode(bigVarint, .badVarint, at: 17)
        var wide = b; wide.replaceSubrange(17...17, with: [UInt8](repeating: 0xFF, count: 9) + [0x02])
        expectCode(wide, .badVarint, at: 17)
        var badAction = b; badAction[36] = 0x09
        expectCode(badAction, .badTag, at: 36)
        var badUTF8 = b; badUTF8[27] = 0xFF
        expectCode(badUTF8, .badUTF8, at: 26)
        var surrogate = b; surrogate.replaceSubrange(27..<30, with: [0xED, 0xA0, 0x80])
        expectCode(surrogate, .badUTF8, at: 26)
        b[44] = 0x08  // value tag after "status"
        expectCode(b, .badTag, at: 44)
    }

    @Test func doublesAreCanonical() throws {
        #expect(ValueCodec.encode(.double(-0.0)) == ValueCodec.encode(.double(0.0)))
        #expect(throws: CodecError(.nonCanonical, at: 1)) {
            try ValueCodec.decode([0x04, 0x80, 0, 0, 0, 0, 0, 0, 0])
        }
        #expect(throws: CodecError(.nonFinite, at: 1)) {
            try ValueCodec.decode([0x04, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0])
        }
        #expect(try ValueCodec.decode([0x04, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0]) == .double(1))
        #expect(ValueCodec.encode(.int(-1)) == [0x03, 0x01])
        #expect(ValueCodec.encode(.int(Int64.min)) == [0x03] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
        #expect(try ValueCodec.decode(ValueCodec.encode(.int(Int64.min))) == .int(Int64.min))
    }
}

@Suite struct OpCodecMutationTests {
    @Test func everyPrefixOfEveryVectorOpIsTruncated() {
        for (name, op) in VectorCases.opCases {
            let bytes = OpCodec.encode(op)
            for n in 0..<bytes.count {
                let code: CodecError.Code?
                do { _ = try OpCodec.decode(Array(bytes[0..<n])); code = nil } catch { code = error.code }
                #expect(code == .truncated, "\(name) prefix \(n)")
            }
        }
    }

    /// Random byte mutations never crash; whatever still decodes is canonical (re-encodes to
    /// the same bytes), so no op has two accepted encodings.
    @Test func mutatedOpsAreRefusedOrCanonical() {
        let seed = SeededRandom.seed("OpCodec mutations")
        var rng = SeededRandom(seed: seed)
        let valid = VectorCases.opCases.map { OpCodec.encode($0.1) }
        for round in 0..<3000 {
            var bytes = valid[Int.random(in: 0..<valid.count, using: &rng)]
            for _ in 0...Int.random(in: 0..<3, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: i)
                default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: i)
                }
                if bytes.isEmpty { break }
            }
            if let op = try? OpCodec.decode(bytes) {
                #expect(OpCodec.encode(op) == bytes, "round \(round), seed \(seed)")
            }
        }
    }

    @Test func mutatedBatchesAreRefusedOrDecodeConsistently() {
        let seed = SeededRandom.seed("BatchCodec mutations")
        var rng = SeededRandom(seed: seed)
        let payloads = VectorCases.batchCases.map { BatchPayload.encode($0.1.sorted { $0.id < $1.id }) }
        for round in 0..<2000 {
            var payload = payloads[Int.random(in: 0..<payloads.count, using: &rng)]
            guard !payload.isEmpty else { continue }
            let i = Int.random(in: 0..<payload.count, using: &rng)
            payload[i] = UInt8.random(in: 0...255, using: &rng)
            // Re-checksummed, so the mutation reaches the payload decoder.
            if let ops = try? BatchCodec.decode(frame(payload: payload)) {
                #expect(zip(ops, ops.dropFirst()).allSatisfy { $0.id < $1.id }, "round \(round), seed \(seed)")
                #expect(ops.allSatisfy { (try? OpCodec.validate($0)) != nil })
                #expect((try? BatchCodec.decode(BatchCodec.encode(ops, compress: false))) == ops)
            }
        }
    }
}
