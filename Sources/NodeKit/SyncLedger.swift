import SQLite
import SyncEngine

/// Where each report stands with the hub.
enum SyncState: String, Sendable {
    /// Some of the report's changes are not acknowledged by the hub yet.
    case queued
    /// The hub has acknowledged every change (it stored them durably).
    case sent
    /// Every change is acknowledged and the hub's receipt (`hub.receivedAt`) came back.
    case received

    /// For `report show`.
    var explanation: String {
        switch self {
        case .queued: "queued: waiting for the next sync"
        case .sent: "sent: the hub has stored every change"
        case .received: "received: the hub has registered the report"
        }
    }
}

/// How far the hub has acknowledged this node's ops, and the newest op of each report, read in
/// one pass: a report is acknowledged when its newest op's sequence number is at most the
/// hub's contiguous acknowledgement (`peers.push_acked`).
struct SyncLedger {
    let pushAcked: UInt64
    private let newestSeq: [String: UInt64]

    init(node: FieldNode) throws {
        let store = node.store
        pushAcked = try store.peerState(FieldNode.hubPeer).pushAcked
        // Read-only query of the engine's op log; there is no per-entity accessor in Store.
        newestSeq = try store.local { db in
            var newest: [String: UInt64] = [:]
            _ = try db.query("""
                SELECT entity, max(seq) FROM ops WHERE origin = ?1 AND collection = ?2 GROUP BY entity
                """, [.blob(store.nodeID.bytes), .text(FieldNode.reports)]) { row in
                    if let entity = row.string(0), let seq = row.int64(1) { newest[entity] = UInt64(seq) }
                }
            return newest
        }
    }

    func state(of report: StoredReport) -> SyncState {
        if let newest = newestSeq[report.id], newest > pushAcked { return .queued }
        return report.hubReceivedAt == nil ? .sent : .received
    }
}
