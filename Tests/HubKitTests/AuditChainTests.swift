import Crypto
import Foundation
@testable import HubKit
import Testing
import Toolkit

/// The audit chain's verifier as a pure function: each kind of tampering, at a random place in a
/// random chain, is named at the entry where it happened. Replay with `AUDIT_SEED=n`.
@Suite struct AuditChainTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["AUDIT_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)

    /// A chain of `count` entries as `AuditLog` writes them.
    static func chain(_ count: Int, _ random: inout SplitMix64) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        var previous = AuditEntry.genesis
        let actions = AuditAction.allCases
        for seq in 1...count {
            let entry = AuditEntry.make(seq: Int64(seq), at: 1_790_000_000_000 + UInt64(seq) * 1000,
                                        actor: .admin(environment: ["SUDO_USER": "user\(random.next() % 5)"]),
                                        action: actions[Int(random.next() % UInt64(actions.count))],
                                        target: ["report": "r\(random.next() % 1000)", "n": String(seq)], previous: previous)
            entries.append(entry)
            previous = entry.hash
        }
        return entries
    }

    /// The rows renumbered 1, 2, 3… as someone editing the file would leave them.
    static func renumbered(_ entries: [AuditEntry]) -> [AuditEntry] {
        entries.enumerated().map { index, e in
            AuditEntry(seq: Int64(index + 1), at: e.at, actorKind: e.actorKind, actor: e.actor, action: e.action, target: e.target,
                       previousHash: e.previousHash, hash: e.hash)
        }
    }

    @Test func anIntactChainPassesWithItsOwnHeadAsAnchor() {
        var random = SplitMix64(seed: Self.seed)
        let entries = Self.chain(30, &random)
        let verdict = AuditChain(entries).verify(anchors: [AuditChain.Anchor(count: 30, hash: entries[29].hash, source: "run")])
        #expect(verdict.finding == nil, "seed \(Self.seed): \(verdict.message ?? "")")
        #expect(verdict.count == 30 && verdict.head == entries[29].hash)
        #expect(AuditChain([]).verify(anchors: []).finding == nil)
    }

    @Test(arguments: 0..<25) func eachTamperingIsNamedWhereItHappened(round: Int) {
        var random = SplitMix64(seed: Self.seed &+ UInt64(round))
        let count = 8 + Int(random.next() % 40)
        let entries = Self.chain(count, &random)
        let at = 1 + Int(random.next() % UInt64(count - 2))   // an index with neighbours on both sides
        let context = "seed \(Self.seed) round \(round) (replay with AUDIT_SEED=\(Self.seed)), entry index \(at) of \(count)"

        // Altered: a field changed in place, its hash left.
        var altered = entries
        let e = entries[at]
        altered[at] = AuditEntry(seq: e.seq, at: e.at, actorKind: e.actorKind, actor: "mallory", action: e.action, target: e.target,
                                 previousHash: e.previousHash, hash: e.hash)
        #expect(AuditChain(altered).verify(anchors: []).finding == .altered(seq: e.seq), "\(context)")

        // Removed, with the seq gap left, and with the rows renumbered.
        var removed = entries
        removed.remove(at: at)
        #expect(AuditChain(removed).verify(anchors: []).finding == .removed(beforeSeq: e.seq + 1), "\(context)")
        #expect(AuditChain(Self.renumbered(removed)).verify(anchors: []).finding == .removed(beforeSeq: e.seq), "\(context)")

        // Inserted: a well-formed forgery chained to its predecessor, the rows after renumbered.
        let forged = AuditEntry.make(seq: e.seq, at: e.at, actor: .hub, action: .nodeRevoked, target: ["name": "x"],
                                     previous: entries[at - 1].hash)
        var inserted = entries
        inserted.insert(forged, at: at)
        #expect(AuditChain(Self.renumbered(inserted)).verify(anchors: []).finding == .inserted(seq: e.seq), "\(context)")
        // …or a copy of an earlier entry replayed.
        var replayed = entries
        replayed.insert(entries[at - 1], at: at + 1)
        #expect(AuditChain(Self.renumbered(replayed)).verify(anchors: []).finding == .inserted(seq: e.seq + 1), "\(context)")

        // Reordered: two entries swap places.
        let other = at + 1 + Int(random.next() % UInt64(count - at - 1))
        var swapped = entries
        swapped.swapAt(at, other)
        #expect(AuditChain(Self.renumbered(swapped)).verify(anchors: []).finding == .reordered(seq: e.seq), "\(context)")

        // The tail cut: invisible to the chain, caught by an anchor from before.
        let cut = Array(entries.prefix(at))
        #expect(AuditChain(cut).verify(anchors: []).finding == nil, "a cut tail leaves a valid chain")
        let anchor = AuditChain.Anchor(count: Int64(count), hash: entries[count - 1].hash, source: "run")
        #expect(AuditChain(cut).verify(anchors: [anchor]).finding == .anchor(source: "run"), "\(context)")
        let headOnly = AuditChain.Anchor(count: nil, hash: entries[count - 1].hash, source: "run")
        #expect(AuditChain(cut).verify(anchors: [headOnly]).finding == .anchor(source: "run"), "\(context)")
        // Rewritten from `at` on with fresh hashes: a valid chain, but not the anchored one.
        var rewritten = Array(entries.prefix(at))
        for index in at..<count {
            rewritten.append(AuditEntry.make(seq: Int64(index + 1), at: entries[index].at, actor: .hub, action: .reportList,
                                             target: [:], previous: rewritten.last?.hash ?? AuditEntry.genesis))
        }
        #expect(AuditChain(rewritten).verify(anchors: []).finding == nil)
        #expect(AuditChain(rewritten).verify(anchors: [anchor]).finding == .anchor(source: "run"), "\(context)")
        // An anchor from earlier still holds on the untouched prefix.
        let earlier = AuditChain.Anchor(count: Int64(at), hash: entries[at - 1].hash, source: "run")
        #expect(AuditChain(rewritten).verify(anchors: [earlier]).finding == nil, "\(context)")
    }

    @Test func theCanonicalBytesAreAsDocumented() {
        let entry = AuditEntry.make(seq: 1, at: 0x0102, actor: AuditActor(kind: .admin, name: "al"), action: .reportShow,
                                    target: ["ref": "M-1", "report": "e"], previous: AuditEntry.genesis)
        let expected = Array("fieldsync-audit-v1".utf8) + [0, 0, 0, 0, 0, 0, 0, 0x01, 0x02]
            + [0, 0, 0, 5] + Array("admin".utf8) + [0, 0, 0, 2] + Array("al".utf8)
            + [0, 0, 0, 11] + Array("report.show".utf8)
            + [0, 0, 0, UInt8(entry.target.utf8.count)] + Array(#"{"ref":"M-1","report":"e"}"#.utf8)
        #expect(entry.target == #"{"ref":"M-1","report":"e"}"#, "keys sorted, compact")
        #expect(entry.canonical == expected)
        #expect(entry.hash == SHA256.hash(AuditEntry.genesis + expected))
    }
}
