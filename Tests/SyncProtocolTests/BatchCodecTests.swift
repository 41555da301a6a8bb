import Crypto
import Testing
@testable import SyncProtocol

/// A frame around `payload` with a correct checksum, to reach the payload checks.
func frame(payload: [UInt8], flags: UInt8 = 0) -> [UInt8] {
    let n = UInt32(payload.count)
    let head = Array("FSB1".utf8) + [0x01, flags, UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
    return head + payload + SHA256.hash(head + payload)
}

func decodeError(_ bytes: [UInt8], limits: BatchLimits = .standard) -> CodecError? {
    do {
        _ = try BatchCodec.decode(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

@Suite struct BatchCodecTests {
    let a = node(0x0A), b = node(0x0B)

    var small: [Op] {
        [Op(id: OpID(origin: a, seq: 1), hlc: HLC(milliseconds: 1000, counter: 0), collection: "report", entity: "r1",
            action: .exist(causalLength: 1)),
         Op(id: OpID(origin: a, seq: 2), hlc: HLC(milliseconds: 1000, counter: 1), collection: "report", entity: "r1",
            action: .set(field: "area", value: .string("Bangui"), rank: 0, supersedes: [OpID(origin: b, seq: 4)]))]
    }

    @Test func roundTripsSeededRandomBatches() throws {
        let seed = SeededRandom.seed("BatchCodec round trip")
        var gen = OpGenerator(seed: seed, nodeCount: 4)
        for round in 0..<20 {
            let ops = gen.ops(round * 7)
            let bytes = BatchCodec.encode(ops.shuffled(using: &gen.rng), compress: round % 2 == 0)
            let back = try BatchCodec.decode(bytes)
            #expect(back == ops.sorted { $0.id < $1.id })
            #expect(BatchCodec.encode(back, compress: round % 2 == 0) == bytes, "deterministic, seed \(seed)")
        }
    }

    @Test func sortsAndDropsRepeatedIDs() throws {
        let ops = small
        let bytes = BatchCodec.encode([ops[1], ops[0], ops[1]], compress: false)
        #expect(bytes == BatchCodec.encode(ops, compress: false))
        #expect(try BatchCodec.decode(bytes) == ops)
    }

    @Test func emptyBatchIsValid() throws {
        let bytes = BatchCodec.encode([], compress: false)
        #expect(bytes.count == 10 + 3 + 32)
        #expect(try BatchCodec.decode(bytes).isEmpty)
    }

    @Test func equivalentStringsWithDifferentBytesStayDistinct() throws {
        let nfc = "caf\u{E9}", nfd = "cafe\u{301}"
        #expect(nfc == nfd)  // Swift equality would merge them; the codec must not.
        let ops = [Op(id: OpID(origin: a, seq: 1), hlc: .zero, collection: "c", entity: nfc, action: .exist(causalLength: 1)),
                   Op(id: OpID(origin: a, seq: 2), hlc: .zero, collection: "c", entity: nfd, action: .exist(causalLength: 1))]
        let back = try BatchCodec.decode(BatchCodec.encode(ops, compress: false))
        #expect(back.map { Array($0.entity.utf8) } == ops.map { Array($0.entity.utf8) })
    }

    @Test func everyTruncationIsRefused() {
        let bytes = BatchCodec.encode(small, compress: false)
        for n in 0..<bytes.count {
            #expect(decodeError(Array(bytes[0..<n]))?.code == .truncated, "prefix \(n)")
        }
    }

    @Test func everyFlippedByteIsRefused() {
        let bytes = BatchCodec.encode(small, compress: false)
        for i in 0..<bytes.count {
            for mask: UInt8 in [0x01, 0x80] {
                var damaged = bytes
                damaged[i] ^= mask
                let expected: Set<CodecError.Code> = switch i {
                case 0..<4: [.badMagic]
                case 4: [.badVersion]
                case 5: mask == 0x01 ? [.badChecksum] : [.badFlags]
                case 6..<10: [.tooLong, .truncated, .trailingBytes]
                default: [.badChecksum]
                }
                let code = decodeError(damaged)?.code
                #expect(code.map(expected.contains) == true, "byte \(i) mask \(mask): \(String(describing: code))")
            }
        }
    }

    @Test func frameLevelErrors() {
        let bytes = BatchCodec.encode(small, compress: false)
        #expect(decodeError(Array("FSB2".utf8) + bytes.dropFirst(4)) == CodecError(.badMagic, at: 0))
        #expect(decodeError(Array("XS".utf8)) == CodecError(.badMagic, at: 0))
        #expect(decodeError(bytes + [0]) == CodecError(.trailingBytes, at: bytes.count))
        var huge = bytes
        huge.replaceSubrange(6..<10, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(decodeError(huge) == CodecError(.tooLong, at: 6))
        #expect(decodeError(bytes, limits: BatchLimits(maxFrameBytes: bytes.count - 1)) == CodecError(.tooLong, at: 6))
        #expect(decodeError(bytes, limits: BatchLimits(maxOps: 1))?.code == .tooMany)
        #expect(decodeError(frame(payload: [0, 0, 0], flags: 0x02)) == CodecError(.badFlags, at: 5))
    }

    @Test func compressedFramesRoundTripAndRefuseBadStreams() throws {
        var gen = OpGenerator(seed: 11, nodeCount: 2)
        let ops = gen.ops(200)
        let plain = BatchCodec.encode(ops, compress: false)
        let compressed = BatchCodec.encode(ops, compress: true)
        #expect(compressed[5] & BatchCodec.compressedFlag != 0)
        #expect(compressed.count < plain.count)
        #expect(try BatchCodec.decode(compressed) == (try BatchCodec.decode(plain)))
        // A frame that would not shrink stays plain.
        #expect(BatchCodec.encode([], compress: true) == BatchCodec.encode([], compress: false))
        #expect(decodeError(frame(payload: [0xFF, 0xFF], flags: 0x01)) == CodecError(.badCompression, at: 10))
        let bomb = BatchCompression.deflate([UInt8](repeating: 0, count: 1 << 20), dictionary: false)
        #expect(decodeError(frame(payload: bomb, flags: 0x01), limits: BatchLimits(maxDecompressedBytes: 65536))
                == CodecError(.badCompression, at: 10))
        // Payload errors after inflation carry offsets within the inflated payload.
        let badPayload = BatchCompression.deflate([0x00, 0x00, 0x01, 0x07], dictionary: false)
        #expect(decodeError(frame(payload: badPayload, flags: 0x01)) == CodecError(.badIndex, at: 3))
    }

    @Test func aReportSizedFrameUsesThePresetDictionaryAndNeedsIt() throws {
        // One report's worth of ops with the contract's field paths: the preset dictionary wins.
        let origin = NodeID(bytes: [UInt8](repeating: 7, count: 16))!
        let entity = origin.hex + "-0123456789abcdef"
        let paths = ["mission", "channel", "receivedAt", "incident.date", "incident.area", "allegation.narrative",
                     "victims[0].ageBand", "victims[0].sex", "consent.shareWithInvestigators", "consent.followUpContact",
                     "consent.victimAssistanceReferral", "derived.category", "derived.involvesChild", "ref"]
        let ops = paths.enumerated().map { i, path in
            Op(id: OpID(origin: origin, seq: UInt64(i + 1)), hlc: HLC(milliseconds: 1_790_000_000_000 + UInt64(i), counter: 0),
               collection: "report", entity: entity, action: .set(field: path, value: .string("v\(i)"), rank: 0, supersedes: []))
        }
        let encoded = BatchCodec.encode(ops, compress: true)
        #expect(encoded[5] == BatchCodec.compressedFlag | BatchCodec.dictionaryFlag)
        #expect(try BatchCodec.decode(encoded) == ops)
        // Inflating the same stream without the dictionary cannot give the payload back.
        let stream = Array(encoded[10..<(encoded.count - 32)])
        #expect(throws: CodecError.self) {
            _ = try BatchPayload.decode(ByteReader(try BatchCompression.inflate(stream, dictionary: false, maxBytes: 1 << 20, at: 10)),
                                        maxOps: 100)
        }
        // Bit 1 without bit 0 is refused.
        #expect(decodeError(frame(payload: [0, 0, 0], flags: 0x02)) == CodecError(.badFlags, at: 5))
    }

    @Test func payloadErrorsCarryFrameOffsets() {
        let n1 = [UInt8](repeating: 1, count: 16), n2 = [UInt8](repeating: 2, count: 16)
        // nodes, strings ["c","e"], then ops: origin, seq, hlc, collection, entity, exist 1.
        let exist: [UInt8] = [0x01, 0x01]
        func op(_ origin: UInt8, _ seq: UInt8, c: UInt8 = 0, e: UInt8 = 1) -> [UInt8] { [origin, seq, 0, c, e] + exist }
        let strings: [UInt8] = [2, 1, 0x63, 1, 0x65]
        func payload(nodes: [[UInt8]] = [n1, n2], strings s: [UInt8] = strings, ops: [[UInt8]]) -> [UInt8] {
            [UInt8(nodes.count)] + nodes.flatMap { $0 } + s + [UInt8(ops.count)] + ops.flatMap { $0 }
        }
        let opsAt = 10 + 1 + 32 + strings.count + 1
        #expect(decodeError(frame(payload: payload(ops: [op(0, 1), op(1, 1)]))) == nil)
        #expect(decodeError(frame(payload: payload(nodes: [n2, n1], ops: []))) == CodecError(.unsorted, at: 11 + 16))
        #expect(decodeError(frame(payload: payload(nodes: [n1, n1], ops: []))) == CodecError(.unsorted, at: 11 + 16))
        #expect(decodeError(frame(payload: payload(strings: [2, 1, 0x63, 1, 0x63], ops: []))) == CodecError(.duplicate, at: 43 + 3))
        #expect(decodeError(frame(payload: payload(strings: [1, 1, 0xFF], ops: []))) == CodecError(.badUTF8, at: 44))
        #expect(decodeError(frame(payload: payload(strings: [1, 0], ops: []))) == CodecError(.badValue, at: 44))
        #expect(decodeError(frame(payload: payload(ops: [op(2, 1)]))) == CodecError(.badIndex, at: opsAt))
        #expect(decodeError(frame(payload: payload(ops: [op(0, 1, c: 5)]))) == CodecError(.badIndex, at: opsAt + 3))
        #expect(decodeError(frame(payload: payload(ops: [op(1, 1), op(0, 1)]))) == CodecError(.unsorted, at: opsAt + 7))
        #expect(decodeError(frame(payload: payload(ops: [op(0, 1), op(0, 0)]))) == CodecError(.badValue, at: opsAt + 8))
        #expect(decodeError(frame(payload: payload(ops: [op(0, 0)]))) == CodecError(.badValue, at: opsAt + 1))
        #expect(decodeError(frame(payload: payload(ops: [op(0, 1)]) + [0])) == CodecError(.trailingBytes, at: opsAt + 7))
        #expect(decodeError(frame(payload: [0xFF, 0xFF, 0x03])) == CodecError(.truncated, at: 10))
        #expect(decodeError(frame(payload: [0, 0, 0xFF, 0xFF, 0x03]))?.code == .tooMany)
        let long = [UInt8](repeating: 0x61, count: 65)
        let longName = payload(strings: [2, 1, 0x63, 65] + long, ops: [op(0, 1, e: 1)])
        #expect(decodeError(frame(payload: longName)) == nil)  // a 65-byte entity is fine
        let longCollection = payload(strings: [2, 1, 0x63, 65] + long, ops: [op(0, 1, c: 1, e: 0)])
        #expect(decodeError(frame(payload: longCollection)) == CodecError(.tooLong, at: 43 + 4 + 65 + 1 + 3))
    }
}
