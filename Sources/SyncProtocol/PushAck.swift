/// The hub's answer to a push (spec §10.3): per origin, what it has durably stored.
///
/// Layout (varints unsigned LEB128, minimal):
///
///     0x41 'A'        message kind
///     0x01            version
///     hub time        varint, hub wall clock in ms since the epoch
///     origin count    varint (≤ 10 000); then per origin, strictly ascending by origin bytes:
///       origin        16 bytes
///       contiguous    varint: every seq 1…contiguous is stored (0: none yet)
///       highest       varint: the highest seq stored (≥ contiguous; = contiguous iff no gaps)
///       gap count     varint (≤ 10 000); then per gap lo varint, hi varint:
///                     missing seqs lo…hi; the first lo = contiguous + 1, each lo ≤ hi,
///                     each lo > previous hi + 1, the last hi < highest
///       quarantined   varint: ops of this origin held in quarantine (stored, not merged)
///
/// Invariants:
/// 1. The hub sends it only after the transaction that stored the pushed ops has committed.
/// 2. `decode` refuses every ack that breaks a rule above (`badValue`), with checked
///    arithmetic: nothing wraps or traps, so contiguous = 2^64 - 1 admits no gap.
public struct PushAck: Sendable, Equatable {
    public static let kind: UInt8 = 0x41
    public static let version: UInt8 = 0x01
    /// Most origins and most gaps per origin in one ack.
    public static let maxEntries = 10_000

    public var perOrigin: [OriginAck]
    /// The hub's wall clock when it answered, ms since the epoch.
    public var hubTime: UInt64

    public init(perOrigin: [OriginAck], hubTime: UInt64) {
        self.perOrigin = perOrigin
        self.hubTime = hubTime
    }

    /// The canonical bytes (origins sorted by origin).
    public func encode() -> [UInt8] {
        var w = ByteWriter()
        w.byte(Self.kind)
        w.byte(Self.version)
        w.uvarint(hubTime)
        w.uvarint(UInt64(perOrigin.count))
        for a in perOrigin.sorted(by: { $0.origin < $1.origin }) {
            w.raw(a.origin.bytes)
            w.uvarint(a.contiguousSeq)
            w.uvarint(a.highestSeq)
            w.uvarint(UInt64(a.gaps.count))
            for g in a.gaps {
                w.uvarint(g.lowerBound)
                w.uvarint(g.upperBound)
            }
            w.uvarint(UInt64(max(0, a.quarantined)))
        }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> PushAck {
        var r = ByteReader(bytes)
        try MessageHeader.expect(&r, kind: kind, version: version)
        let hubTime = try r.uvarint()
        let n = try r.count(max: maxEntries)
        var acks: [OriginAck] = []
        for _ in 0..<n {
            let at = r.offset
            let origin = try InlineNames().readNode(&r)
            if let last = acks.last, !(last.origin < origin) {
                throw CodecError(.unsorted, at: at, "origins must be strictly ascending")
            }
            let contiguous = try r.uvarint()
            let highestAt = r.offset
            let highest = try r.uvarint()
            guard highest >= contiguous else { throw CodecError(.badValue, at: highestAt, "highest below contiguous") }
            let gapCount = try r.count(max: maxEntries)
            var gaps: [ClosedRange<UInt64>] = []
            var floor = contiguous  // the next gap must start at floor + 1 (first) or above it + 1
            for i in 0..<gapCount {
                let gapAt = r.offset
                let lo = try r.uvarint(), hi = try r.uvarint()
                // floor + 1 overflows only for contiguous = 2^64 - 1, after which no gap can be.
                let (next, overflow) = floor.addingReportingOverflow(1)
                let startOK = !overflow && (i == 0 ? lo == next : lo > next)
                guard startOK, lo <= hi, hi < highest else {
                    throw CodecError(.badValue, at: gapAt, "gap \(lo)…\(hi) breaks the gap rules")
                }
                gaps.append(lo...hi)
                floor = hi
            }
            guard !gaps.isEmpty || highest == contiguous else {
                throw CodecError(.badValue, at: highestAt, "highest above contiguous needs a gap")
            }
            let qAt = r.offset
            let quarantined = try r.uvarint()
            guard quarantined <= UInt64(Int.max) else { throw CodecError(.badValue, at: qAt, "quarantined count too large") }
            acks.append(OriginAck(origin: origin, contiguousSeq: contiguous, highestSeq: highest, gaps: gaps,
                                  quarantined: Int(quarantined)))
        }
        try r.expectEnd()
        return PushAck(perOrigin: acks, hubTime: hubTime)
    }
}

/// What the hub holds of one origin's ops.
public struct OriginAck: Sendable, Equatable {
    public var origin: NodeID
    /// Every seq 1…contiguousSeq is stored.
    public var contiguousSeq: UInt64
    /// The highest seq stored.
    public var highestSeq: UInt64
    /// Missing seqs between contiguousSeq and highestSeq, ascending and disjoint.
    public var gaps: [ClosedRange<UInt64>]
    /// Ops of this origin stored in quarantine (far-future clock), not merged yet.
    public var quarantined: Int

    public init(origin: NodeID, contiguousSeq: UInt64, highestSeq: UInt64, gaps: [ClosedRange<UInt64>], quarantined: Int) {
        self.origin = origin
        self.contiguousSeq = contiguousSeq
        self.highestSeq = highestSeq
        self.gaps = gaps
        self.quarantined = quarantined
    }

    /// The ack for an origin whose stored seqs are the union of `stored` (any order, may overlap).
    public init(origin: NodeID, stored: [ClosedRange<UInt64>], quarantined: Int) {
        var merged: [ClosedRange<UInt64>] = []
        for r in stored.filter({ $0.upperBound >= 1 }).map({ max(1, $0.lowerBound)...$0.upperBound })
            .sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, last.upperBound == .max || r.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        var gaps: [ClosedRange<UInt64>] = []
        var next: UInt64 = 1
        for r in merged {
            if r.lowerBound > next { gaps.append(next...(r.lowerBound - 1)) }
            guard r.upperBound < .max else { break }  // the last range: nothing lies above it
            next = r.upperBound + 1
        }
        let contiguous = merged.first.map { $0.lowerBound == 1 ? $0.upperBound : 0 } ?? 0
        self.init(origin: origin, contiguousSeq: contiguous, highestSeq: merged.last?.upperBound ?? 0,
                  gaps: gaps, quarantined: quarantined)
    }

    /// Whether the hub holds this seq (durably stored, merged or quarantined).
    public func holds(_ seq: UInt64) -> Bool {
        seq >= 1 && seq <= highestSeq && !gaps.contains { $0.contains(seq) }
    }
}

/// The two leading bytes of every binary session message: kind, version.
enum MessageHeader {
    static func expect(_ r: inout ByteReader, kind: UInt8, version: UInt8) throws(CodecError) {
        let k = try r.byte()
        guard k == kind else { throw CodecError(.badTag, at: 0, "message kind 0x\(String(k, radix: 16)), expected 0x\(String(kind, radix: 16))") }
        let v = try r.byte()
        guard v == version else { throw CodecError(.badVersion, at: 1, "message version \(v), expected \(version)") }
    }
}
