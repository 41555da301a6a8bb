import Toolkit
import JSON
import SyncEngine
import SyncProtocol

/// One line of `missionhub node list`: the registry row plus what the hub holds of the node's
/// ops. The hub cannot know a node's unsent backlog; it shows what it received: the
/// contiguous seq, the gaps above it and the ops held in quarantine.
public struct NodeListing: HubListing {
    public let node: EnrolledNode
    public let received: OriginState

    /// Every enrolled node with its received-ops state. Blocking.
    public static func load(store: Store) throws -> [NodeListing] {
        let nodes = try NodeRegistry(store: store).nodes()
        let states = try store.originStates(nodes.map(\.nodeID))
        return zip(nodes, states).map { NodeListing(node: $0, received: $1) }
    }

    /// `--json`: an array of objects, by name.
    ///
    ///     [{"name":"field-1","nodeId":"…","enrolledAt":"2025-11-23T12:00:00Z",
    ///       "lastContact":"…"|null,"protocol":1|null,"revoked":false,"revokedAt":null,
    ///       "lastError":null,"backlog":0|null,"received":{"contiguousSeq":12,"highestSeq":14,
    ///       "gaps":[[13,13]],"quarantined":0}}]
    public static func json(_ listings: [NodeListing]) -> JSONValue {
        .array(listings.map { listing in
            let node = listing.node, state = listing.received
            let gaps: [JSONValue] = state.gaps.map { [.int(Int64(clamping: $0.lowerBound)), .int(Int64(clamping: $0.upperBound))] }
            return [
                "name": .string(node.name),
                "nodeId": .string(node.nodeID.hex),
                "enrolledAt": .string(TimeText.rfc3339(milliseconds: node.enrolledAt)),
                "lastContact": node.lastContact.map { .string(TimeText.rfc3339(milliseconds: $0)) } ?? .null,
                "protocol": node.lastProtocol.map { .int(Int64($0)) } ?? .null,
                "revoked": .bool(node.isRevoked),
                "revokedAt": node.revokedAt.map { .string(TimeText.rfc3339(milliseconds: $0)) } ?? .null,
                "lastError": node.lastError.map { .string($0) } ?? .null,
                "backlog": node.lastBacklog.map { .int(Int64(clamping: $0)) } ?? .null,
                "received": [
                    "contiguousSeq": .int(Int64(clamping: state.contiguous)),
                    "highestSeq": .int(Int64(clamping: state.maxSeq)),
                    "gaps": .array(gaps),
                    "quarantined": .int(Int64(state.quarantined)),
                ],
            ]
        })
    }

    /// The text table.
    public static func text(_ listings: [NodeListing]) -> String {
        guard !listings.isEmpty else {
            return "No nodes enrolled yet. Issue a token with `missionhub node enroll NAME`.\n"
        }
        var table = TextTable(["NAME", "NODE ID", "ENROLLED", "LAST CONTACT", "BACKLOG", "OPS RECEIVED", "GAPS", "QUARANTINED",
                               "PROTOCOL", "STATUS"])
        for listing in listings {
            let node = listing.node, state = listing.received
            let gaps = state.gaps.isEmpty ? "-" : state.gaps.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
            var status = node.revokedAt.map { "revoked \(TimeText.rfc3339(milliseconds: $0))" } ?? "active"
            if let error = node.lastError { status += " (last error: \(error))" }
            table.append([
                node.name, node.nodeID.hex, TimeText.rfc3339(milliseconds: node.enrolledAt),
                node.lastContact.map { TimeText.rfc3339(milliseconds: $0) } ?? "never",
                node.lastBacklog.map(String.init) ?? "-",
                state.maxSeq > state.contiguous ? "\(state.contiguous) (highest \(state.maxSeq))" : "\(state.contiguous)",
                gaps, "\(state.quarantined)", node.lastProtocol.map(String.init) ?? "-", status,
            ])
        }
        return table.rendered()
    }
}
