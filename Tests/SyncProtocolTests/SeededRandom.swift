import Foundation
import Toolkit
@testable import SyncProtocol

typealias SeededRandom = SplitMix64

extension SplitMix64 {
    /// The seed from `SYNC_SEED`, or a fresh one; printed so a failure can be replayed.
    static func seed(_ test: String) -> UInt64 {
        let seed = ProcessInfo.processInfo.environment["SYNC_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 0...UInt64.max)
        print("\(test): seed \(seed) (replay with SYNC_SEED=\(seed))")
        return seed
    }
}

/// Random ops within every limit, drawn from small pools so registers and sets collide.
struct OpGenerator {
    var rng: SeededRandom
    let nodes: [NodeID]
    let collections = ["report", "case", "ref.mission"]
    let entities = ["r1", "r2", "entité-3"]
    let fields = ["status", "area", "needs"]

    init(seed: UInt64, nodeCount: Int = 3) {
        rng = SeededRandom(seed: seed)
        var ids: [NodeID] = []
        for _ in 0..<nodeCount {
            var b = [UInt8]()
            for _ in 0..<16 { b.append(UInt8.random(in: 0...255, using: &rng)) }
            ids.append(NodeID(bytes: b)!)
        }
        nodes = ids
    }

    mutating func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &rng)] }

    mutating func value() -> Value {
        switch Int.random(in: 0..<9, using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .int(Int64.random(in: Int64.min...Int64.max, using: &rng))
        case 3: return .int(Int64.random(in: -3...3, using: &rng))
        case 4: return .double(Double.random(in: -1e9...1e9, using: &rng))
        case 5: return .string(pick(["", "a", "referred", "ünï", "🙂 x", "line\nbreak"]))
        case 6: return .bytes((0..<Int.random(in: 0..<5, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        case 7: return .sealed(SealedValue(keyID: [1, 2], ciphertext: [UInt8](repeating: 7, count: Int.random(in: 0..<4, using: &rng))))
        default: return .string(pick(["x", "y", "z"]))
        }
    }

    mutating func ids(max n: Int, seqs: ClosedRange<UInt64>) -> [OpID] {
        var set = Set<OpID>()
        for _ in 0..<Int.random(in: 0...n, using: &rng) {
            set.insert(OpID(origin: pick(nodes), seq: UInt64.random(in: seqs, using: &rng)))
        }
        return set.sorted()
    }

    mutating func action(seqs: ClosedRange<UInt64>) -> Action {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return .exist(causalLength: UInt64.random(in: 1...4, using: &rng))
        case 1: return .set(field: pick(fields), value: value(), rank: UInt32.random(in: 0...2, using: &rng),
                            supersedes: ids(max: 3, seqs: seqs))
        case 2: return .add(field: pick(fields), element: pick([.string("x"), .string("y"), .int(-1), .null]))
        default: return .remove(field: pick(fields), element: pick([.string("x"), .string("y"), .int(-1), .null]),
                                tags: ids(max: 3, seqs: seqs))
        }
    }

    /// One op with the given id; hlc, names and action random.
    mutating func op(id: OpID, seqs: ClosedRange<UInt64>) -> Op {
        let ms = UInt64.random(in: 1_700_000_000_000...1_700_000_000_050, using: &rng)
        return Op(id: id, hlc: HLC(milliseconds: ms, counter: UInt16.random(in: 0...3, using: &rng)),
                  collection: pick(collections), entity: pick(entities), action: action(seqs: seqs))
    }

    /// `count` ops with distinct ids (origins from the pool, seqs 1…count).
    mutating func ops(_ count: Int) -> [Op] {
        var next = [NodeID: UInt64]()
        return (0..<count).map { _ in
            let origin = pick(nodes)
            let seq = next[origin, default: 0] + 1
            next[origin] = seq
            return op(id: OpID(origin: origin, seq: seq), seqs: 1...UInt64(max(1, count / 2)))
        }
    }
}

func node(_ byte: UInt8) -> NodeID { NodeID(bytes: [UInt8](repeating: byte, count: 16))! }

func hex(_ b: [UInt8]) -> String { Hex.encode(b) }
