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

/// Which reports have changes the hub has not acknowledged: the entities touched by this
/// node's ops above the hub's contiguous acknowledgement (`Store.pendingPush`), read once.
struct SyncLedger {
    private let unacknowledged: Set<String>

    init(node: FieldNode) throws {
        let pending = try node.store.pendingPush(peer: FieldNode.hubPeer, maxOps: Int.max, maxBytes: Int.max)
        unacknowledged = Set(pending.filter { $0.collection == FieldNode.reports }.map(\.entity))
    }

    func state(of report: StoredReport) -> SyncState {
        if unacknowledged.contains(report.id) { return .queued }
        return report.hubReceivedAt == nil ? .sent : .received
    }
}
