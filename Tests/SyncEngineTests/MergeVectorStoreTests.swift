import Foundation
import Testing
import TestSupport
import Toolkit
import SyncProtocol
@testable import SyncEngine

/// Protocols/vectors/merge.json against the SQLite engine: every case, applied to a real store
/// in several delivery orders and batchings, must give the vector's canonical state bytes.
@Suite struct MergeVectorStoreTests {
    static let file = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocols/vectors/merge.json")

    static func cases() throws -> [(name: String, ops: [Op], state: String)] {
        let json = try VectorParse.dict(try JSONSerialization.jsonObject(with: Data(contentsOf: file)))
        return try (json["cases"] as? [Any] ?? []).map { any in
            let c = try VectorParse.dict(any)
            return (try VectorParse.str(c["name"]), try VectorParse.ops(c["ops"]), try VectorParse.str(c["canonicalState"]))
        }
    }

    @Test func everyMergeVectorHoldsInTheStoreInEveryOrder() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 20)
        // Far enough ahead that no vector op is quarantined (some are stamped a year after t0).
        let clock = ManualClock(1_763_900_000_000 + 2 * 365 * 86_400_000)
        var rng = SplitMix64(seed: 14)
        for c in cases {
            let orders = [c.ops, c.ops.reversed(), c.ops.shuffled(using: &rng), c.ops.shuffled(using: &rng)]
            for (n, order) in orders.enumerated() {
                let dir = TempDir(fast: true)
                let store = try Store.create(path: dir.file("s.db"), role: .node, options: options(clock, synchronous: .off))
                if n % 2 == 0 {
                    for op in order { _ = try store.apply([op]) }      // one transaction per op
                } else {
                    _ = try store.apply(order)                        // the whole set in one batch
                }
                let state = Hex.encode(try store.canonicalState())
                #expect(state == c.state, "\(c.name), order \(n): \(state)")
                #expect(try store.verify().isEmpty, "\(c.name), order \(n)")
            }
        }
    }
}
