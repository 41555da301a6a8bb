import SyncProtocol

/// `missionhub audit verify` as a pure function of the stored entries and the anchors an
/// auditor trusts (`AuditLog` invariants 2 and 5): recomputes every hash and names the first
/// entry altered, removed, inserted or moved.
///
/// How each kind of tampering shows (seq is not hashed, so renumbering rows hides nothing):
/// - altered: the entry's hash is not SHA-256 of its previous hash and content;
/// - removed: the next entry's previous hash is no entry's hash (its seq usually jumps);
/// - inserted: the entry after it names as previous the entry before it (or it repeats an
///   earlier entry, hash and all);
/// - reordered: an entry names as previous an entry stored after it (or the genesis, not first);
/// - the tail cut, or the whole chain rewritten from some entry on: only an anchor taken
///   earlier shows it — the registry's (`AuditLog` rule 5) or `--head`/`--count` from an
///   earlier run: the anchored entry must still be there, with that hash, at that position.
public struct AuditChain {
    /// What an earlier run printed, or the registry holds: the head hash and/or the count.
    public struct Anchor: Sendable, Equatable {
        public var count: Int64?
        public var hash: [UInt8]?
        /// Where it comes from, for messages: `--head/--count`, `registry.sqlite`.
        public var source: String

        public init(count: Int64?, hash: [UInt8]?, source: String) {
            self.count = count
            self.hash = hash
            self.source = source
        }
    }

    public enum Finding: Sendable, Equatable {
        case altered(seq: Int64)
        case removed(beforeSeq: Int64)
        case inserted(seq: Int64)
        case reordered(seq: Int64)
        /// An anchor that the chain does not contain (a cut tail, a rewrite, a forged append).
        case anchor(source: String)
    }

    public struct Verdict: Sendable, Equatable {
        /// The first problem and its explanation; nil when the chain is intact.
        public let finding: Finding?
        public let message: String?
        public let count: Int64
        public let head: [UInt8]
    }

    let entries: [AuditEntry]

    public init(_ entries: [AuditEntry]) {
        self.entries = entries
    }

    public func verify(anchors: [Anchor]) -> Verdict {
        let head = entries.last?.hash ?? AuditEntry.genesis
        let count = Int64(entries.count)
        func broken(_ finding: Finding, _ message: String) -> Verdict {
            Verdict(finding: finding, message: message, count: count, head: head)
        }
        var position: [[UInt8]: Int] = [:]
        for (index, entry) in entries.enumerated() where position[entry.hash] == nil { position[entry.hash] = index }
        var previous = AuditEntry.genesis
        for (index, entry) in entries.enumerated() {
            if entry.computedHash != entry.hash {
                return broken(.altered(seq: entry.seq), "entry \(entry.label) was altered: its content no longer gives its hash")
            }
            if let first = position[entry.hash], first < index {
                return broken(.inserted(seq: entry.seq), "entry \(entry.label) was inserted: it repeats entry \(entries[first].label)")
            }
            if entry.previousHash != previous {
                let before = index > 0 ? entries[index - 1] : nil
                if let linked = position[entry.previousHash], linked > index {
                    return broken(.reordered(seq: entry.seq), "entry \(entry.label) is out of order: it was written after entry \(entries[linked].label)")
                } else if let linked = position[entry.previousHash], linked < index - 1 {
                    let forged = entries[linked + 1]
                    return broken(.inserted(seq: forged.seq), "entry \(forged.label) was inserted: entry \(entry.label) was written right after entry \(entries[linked].label)")
                } else if entry.previousHash == AuditEntry.genesis {
                    return broken(.reordered(seq: entry.seq), "entry \(entry.label) is out of order: it was the first entry of the log")
                } else if let before, entry.seq == before.seq + 1 {
                    return broken(.removed(beforeSeq: entry.seq), "the entry written before \(entry.label) is missing: it was removed (and the rows renumbered), or entry \(before.label) was altered and its hash rewritten")
                } else {
                    let first = (before?.seq ?? 0) + 1
                    let range = first == entry.seq - 1 ? "#\(first)" : "#\(first)–#\(entry.seq - 1)"
                    return broken(.removed(beforeSeq: entry.seq), "entry \(range) was removed: entry \(entry.label) follows \(before.map { "entry \($0.label)" } ?? "the start of the log")")
                }
            }
            previous = entry.hash
        }
        for anchor in anchors {
            if let problem = check(anchor) { return broken(.anchor(source: anchor.source), problem) }
        }
        return Verdict(finding: nil, message: nil, count: count, head: head)
    }

    /// Nil when the chain contains the anchored entry; else why not.
    private func check(_ anchor: Anchor) -> String? {
        let count = Int64(entries.count)
        if let anchored = anchor.count {
            guard anchored <= count else {
                let cut = count + 1 == anchored ? "entry #\(anchored) was" : "entries #\(count + 1)–#\(anchored) were"
                return "the log holds \(count) entries but \(anchor.source) says it had \(anchored): \(cut) cut off (or the log rewritten)"
            }
            if let hash = anchor.hash {
                guard anchored > 0 ? entries[Int(anchored) - 1].hash == hash : hash == AuditEntry.genesis else {
                    return "entry #\(anchored) does not have the hash \(anchor.source) gives (\(Hex.encode(hash))): the log was rewritten at or before entry #\(anchored)"
                }
            }
            if anchor.source == AuditVerifySource.registry, anchored < count {
                return "entries #\(anchored + 1)–#\(count) are not covered by \(anchor.source): they were added to hub.sqlite by something other than missionhub, or registry.sqlite was put back from an older copy"
            }
            return nil
        }
        if let hash = anchor.hash, !(entries.contains { $0.hash == hash }) && !(hash == AuditEntry.genesis) {
            return "no entry has the head hash \(Hex.encode(hash)) that \(anchor.source) gives: the log was cut or rewritten since"
        }
        return nil
    }
}

/// The names of anchor sources in messages.
enum AuditVerifySource {
    static let registry = "registry.sqlite's anchor"
    static let earlierRun = "the earlier run (--head/--count)"
}
