import Foundation
import JSON
import SyncEngine

/// `fieldnode status [--json]`: who this node is, what it holds and how its sync stands.
enum StatusCommand {
    /// Beyond this difference from the hub's clock, status warns (the hub quarantines ops
    /// stamped this far ahead of it).
    static let clockWarningMilliseconds: Int64 = 5 * 60 * 1000

    static func run(_ context: NodeContext) throws {
        let node = try context.openNode()
        let store = node.store
        let peer = try store.peerState(FieldNode.hubPeer)
        let reports = try store.documents(FieldNode.reports).filter(\.exists).count
        let ops = try store.counts().ops
        let backlog = try store.backlog(peer: FieldNode.hubPeer)
        let hubURL = try store.metadata(FieldNode.Key.hubURL)
        let bytes = fileSize(node.home.storePath) + fileSize(node.home.storePath + "-wal")
        let clockWarning = peer.clockOffsetMilliseconds.flatMap(clockWarning)
        let heldReports = peer.heldAtPeer > 0 ? try store.entitiesStampedAhead() : 0
        let backlogText = backlogLine(backlog: backlog, peer: peer)
        if context.command.flag("json") {
            context.sayJSON(.object(JSONObject([
                "nodeId": .string(store.nodeID.hex),
                "nodeName": .string(node.nodeName),
                "mission": .string(node.mission),
                "dataDir": .string(node.home.directory),
                "storePath": .string(node.home.storePath),
                "storeBytes": .int(Int64(bytes)),
                "reports": .int(Int64(reports)),
                "ops": .int(Int64(ops)),
                "backlog": .int(Int64(backlog)),
                "backlogVerified": .bool(peer.acksVerified),
                "heldAtHub": ["ops": .int(Int64(peer.heldAtPeer)), "reports": .int(Int64(heldReports))],
                "hubURL": hubURL.map(JSONValue.string) ?? .null,
                "lastSyncAt": peer.lastSuccessMilliseconds.map { .int(Int64($0)) } ?? .null,
                "lastError": peer.lastError.map(JSONValue.string) ?? .null,
                "clockOffsetMilliseconds": peer.clockOffsetMilliseconds.map(JSONValue.int) ?? .null,
                "clockWarning": clockWarning.map(JSONValue.string) ?? .null,
            ])))
            return
        }
        var lines: [(String, String)] = [
            ("node", "\(node.nodeName) (id \(store.nodeID.hex))"),
            ("mission", node.mission),
            ("data dir", node.home.directory),
            ("store", "\(node.home.storePath) (\(humanBytes(bytes)))"),
            ("reports", "\(reports)"),
            ("ops", "\(ops)"),
            ("backlog", backlogText),
            ("hub", hubURL ?? "not enrolled (run: fieldnode enroll --hub URL --token TOKEN)"),
            ("last sync", peer.lastSuccessMilliseconds.map { LocalTime.display(milliseconds: $0) } ?? "never"),
            ("last error", peer.lastError ?? "none"),
        ]
        if peer.heldAtPeer > 0 {
            lines.append(("held at hub", "\(heldReports) reports (\(peer.heldAtPeer) changes) stamped while this laptop's clock was ahead; kept in the hub's quarantine until the hub admin releases them (missionhub quarantine release)"))
        }
        if let clockWarning { lines.append(("clock", "warning: \(clockWarning)")) }
        context.output.write(ReportShowCommand.aligned(lines.map { ($0.0 + ":", $0.1) }))
    }

    /// What the hub holds of our changes, only as far as its last acknowledgement proves it: a
    /// hub restored from a backup (new epoch) may have lost some, until the next sync asks.
    static func backlogLine(backlog: Int, peer: PeerState) -> String {
        guard peer.acksVerified else {
            return "unknown: the hub was restored from a backup; the next sync asks it what it holds and resends the rest"
        }
        guard backlog == 0 else { return "\(backlog) changes not yet acknowledged by the hub" }
        guard let last = peer.lastSuccessMilliseconds else { return "none" }
        return "none: the hub acknowledged every change (at the last sync, \(LocalTime.display(milliseconds: last)))"
    }

    /// A warning when our clock is more than 5 minutes off the hub's (offset = hub − ours).
    static func clockWarning(_ offset: Int64) -> String? {
        guard offset.magnitude > clockWarningMilliseconds.magnitude else { return nil }
        let minutes = offset.magnitude / 60_000
        let direction = offset > 0 ? "behind" : "ahead of"
        return "this laptop's clock is \(minutes) minutes \(direction) the hub's; set the system clock right (timedatectl)"
    }

    private static func fileSize(_ path: String) -> UInt64 {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_size) : 0
    }

    /// `812 bytes`, `148 KiB`, `3.2 MiB`.
    static func humanBytes(_ bytes: UInt64) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1024 * 1024 { return "\(bytes / 1024) KiB" }
        let tenths = bytes * 10 / (1024 * 1024)
        return "\(tenths / 10).\(tenths % 10) MiB"
    }
}
