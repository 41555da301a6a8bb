@testable import SyncProtocol

/// Malformed inputs and the error code each must get (the offset is recorded from the decoder
/// when the file is written, then the file is the authority).
enum VectorInvalidCases {
    enum Kind: String { case op, batch, pushAck, pullRequest, pullResponse }

    static func decode(_ kind: Kind, _ bytes: [UInt8]) -> CodecError? {
        do {
            switch kind {
            case .op: _ = try OpCodec.decode(bytes)
            case .batch: _ = try BatchCodec.decode(bytes)
            case .pushAck: _ = try PushAck.decode(bytes)
            case .pullRequest: _ = try PullRequest.decode(bytes)
            case .pullResponse: _ = try PullResponse.decode(bytes)
            }
            return nil
        } catch {
            return error
        }
    }

    /// A push ack (hub time 0) with one entry for origin A: contiguous, highest, gap count,
    /// the gaps' lo and hi, quarantined, each as a varint.
    static func ack(_ numbers: [UInt64]) -> [UInt8] {
        var w = ByteWriter()
        for n in numbers { w.uvarint(n) }
        return [0x41, 0x01, 0x00, 0x01] + nodeA.bytes + w.bytes
    }

    static let max = UInt64.max

    /// An op built from raw parts: version, origin A, seq 1, hlc 0, then `rest`.
    static func rawOp(_ rest: [UInt8]) -> [UInt8] { [0x01] + nodeA.bytes + [0x01] + [UInt8](repeating: 0, count: 8) + rest }

    static let name: [UInt8] = [0x01, 0x63]  // "c"
    static func setRest(_ value: [UInt8], rank: [UInt8] = [0], ids: [UInt8] = [0]) -> [UInt8] {
        name + name + [0x02] + name + value + rank + ids
    }

    static var all: [(String, Kind, [UInt8], CodecError.Code)] {
        let valid = OpCodec.encode(VectorCases.opCases[0].1)
        let validBatch = BatchCodec.encode(VectorCases.batchCases[2].1, compress: false)
        let exist1 = [0x01, 0x01] as [UInt8]
        func payload(nodes: [NodeID], strings: [UInt8], ops: [[UInt8]]) -> [UInt8] {
            [UInt8(nodes.count)] + nodes.flatMap(\.bytes) + strings + [UInt8(ops.count)] + ops.flatMap { $0 }
        }
        var badChecksum = validBatch; badChecksum[validBatch.count - 1] ^= 0x01
        var hugeLength = validBatch; hugeLength.replaceSubrange(6..<10, with: [0xFF, 0xFF, 0xFF, 0xFF])
        var badVersion = validBatch; badVersion[4] = 0x02
        let surrogate: [UInt8] = [0x05, 0x03, 0xED, 0xA0, 0x80]
        let sixtyFive = [65] + [UInt8](repeating: 0x63, count: 65)
        return [
            ("op-empty", .op, [], .truncated),
            ("op-bad-version", .op, [0x02] + valid.dropFirst(), .badVersion),
            ("op-truncated-in-hlc", .op, Array(valid.prefix(20)), .truncated),
            ("op-trailing-byte", .op, valid + [0x00], .trailingBytes),
            ("op-seq-zero", .op, [0x01] + nodeA.bytes + [0x00] + valid.dropFirst(18), .badValue),
            ("op-overlong-varint", .op, [0x01] + nodeA.bytes + [0x81, 0x00] + valid.dropFirst(18), .nonCanonical),
            ("op-varint-over-64-bits", .op, [0x01] + nodeA.bytes + [UInt8](repeating: 0xFF, count: 9) + [0x02], .badVarint),
            ("op-bad-action-tag", .op, rawOp(name + name + [0x05]), .badTag),
            ("op-empty-collection", .op, rawOp([0x00] + name + exist1), .badValue),
            ("op-collection-65-bytes", .op, rawOp(sixtyFive + name + exist1), .tooLong),
            ("op-entity-bad-utf8", .op, rawOp(name + [0x02, 0xC3, 0x28] + exist1), .badUTF8),
            ("op-causal-length-zero", .op, rawOp(name + name + [0x01, 0x00]), .badValue),
            ("op-rank-over-32-bits", .op, rawOp(setRest([0x00], rank: [0x80, 0x80, 0x80, 0x80, 0x10])), .badValue),
            ("op-supersedes-unsorted", .op, rawOp(setRest([0x00], ids: [0x02] + nodeB.bytes + [0x01] + nodeA.bytes + [0x01])), .unsorted),
            ("op-supersedes-65-ids", .op, rawOp(setRest([0x00], ids: [65])), .tooMany),
            ("op-double-nan", .op, rawOp(setRest([0x04, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0])), .nonFinite),
            ("op-double-infinity", .op, rawOp(setRest([0x04, 0x7F, 0xF0, 0, 0, 0, 0, 0, 0])), .nonFinite),
            ("op-double-negative-zero", .op, rawOp(setRest([0x04, 0x80, 0, 0, 0, 0, 0, 0, 0])), .nonCanonical),
            ("op-bad-value-tag", .op, rawOp(setRest([0x08])), .badTag),
            ("op-string-surrogate", .op, rawOp(setRest(surrogate)), .badUTF8),
            ("op-string-over-256-KiB", .op, rawOp(setRest([0x05, 0x81, 0x80, 0x10])), .tooLong),
            ("op-field-empty", .op, rawOp(name + name + [0x03, 0x00, 0x00]), .badValue),
            ("batch-empty-input", .batch, [], .truncated),
            ("batch-bad-magic", .batch, Array("FSB2".utf8) + validBatch.dropFirst(4), .badMagic),
            ("batch-bad-version", .batch, badVersion, .badVersion),
            ("batch-undefined-flag", .batch, frame(payload: [0, 0, 0], flags: 0x80), .badFlags),
            ("batch-length-over-limit", .batch, hugeLength, .tooLong),
            ("batch-truncated-checksum", .batch, Array(validBatch.dropLast()), .truncated),
            ("batch-trailing-byte", .batch, validBatch + [0], .trailingBytes),
            ("batch-bad-checksum", .batch, badChecksum, .badChecksum),
            ("batch-compressed-garbage", .batch, frame(payload: [0xFF, 0xFF], flags: 0x01), .badCompression),
            ("batch-nodes-unsorted", .batch, frame(payload: payload(nodes: [nodeB, nodeA], strings: [0], ops: [])), .unsorted),
            ("batch-string-repeated", .batch, frame(payload: payload(nodes: [], strings: [2, 1, 0x63, 1, 0x63], ops: [])), .duplicate),
            ("batch-node-index-out-of-range", .batch,
             frame(payload: payload(nodes: [nodeA], strings: [1, 1, 0x63], ops: [[1, 1, 0, 0, 0] + exist1])), .badIndex),
            ("batch-ops-unsorted", .batch,
             frame(payload: payload(nodes: [nodeA, nodeB], strings: [1, 1, 0x63], ops: [[1, 1, 0, 0, 0] + exist1, [0, 1, 0, 0, 0] + exist1])), .unsorted),
            ("batch-seq-delta-zero", .batch,
             frame(payload: payload(nodes: [nodeA], strings: [1, 1, 0x63], ops: [[0, 1, 0, 0, 0] + exist1, [0, 0, 0, 0, 0] + exist1])), .badValue),
            ("batch-too-many-ops", .batch, frame(payload: [0, 0, 0x91, 0x4E]), .tooMany),
            ("batch-dictionary-count-past-end", .batch, frame(payload: [0x7F]), .truncated),
            ("pushack-gap-not-after-contiguous", .pushAck, [0x41, 0x01, 0x00, 0x01] + nodeA.bytes + [3, 9, 1, 5, 5, 0], .badValue),
            ("pushack-bad-kind", .pushAck, [0x52, 0x01], .badTag),
            // Numbers that contradict each other (spec §10.3): refused, never wrapped.
            ("pushack-gap-after-max-contiguous", .pushAck, ack([max, max, 1, 0, 0, 0]), .badValue),
            ("pushack-highest-below-contiguous", .pushAck, ack([5, 3, 0, 0]), .badValue),
            ("pushack-highest-above-contiguous-without-gap", .pushAck, ack([3, 9, 0, 0]), .badValue),
            ("pushack-gap-below-contiguous", .pushAck, ack([3, 9, 1, 2, 5, 0]), .badValue),
            ("pushack-gap-reaching-highest", .pushAck, ack([3, 9, 1, 4, 9, 0]), .badValue),
            ("pushack-gap-beyond-highest", .pushAck, ack([max - 2, max - 1, 1, max - 1, max, 0]), .badValue),
            ("pushack-gap-reversed", .pushAck, ack([3, 9, 1, 4, 3, 0]), .badValue),
            ("pushack-gaps-touching", .pushAck, ack([3, 20, 2, 4, 5, 6, 7, 0]), .badValue),
            ("pushack-gaps-overlapping", .pushAck, ack([3, 20, 2, 4, 8, 6, 9, 0]), .badValue),
            ("pushack-quarantined-beyond-int", .pushAck, ack([3, 3, 0, max]), .badValue),
            ("pushack-contiguous-wider-than-64-bits", .pushAck,
             [0x41, 0x01, 0x00, 0x01] + nodeA.bytes + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02], .badVarint),
            ("pullrequest-max-bytes-too-small", .pullRequest, [0x51, 0x01, 0x00, 0x10], .badValue),
            ("pullresponse-undefined-flag", .pullResponse, [0x52, 0x01, 0x04, 0x00], .badFlags),
            ("pullresponse-bad-frame", .pullResponse, [0x52, 0x01, 0x00, 0x00] + badChecksum, .badChecksum),
        ]
    }
}
