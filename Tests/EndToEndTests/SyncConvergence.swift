import Foundation
import JSON
import Testing

/// The end state every sync test wants, checked from every side: what the programs print
/// (`report list`, `node list`, `status`) and what the store files hold (read-only SQLite).
///
/// For each node, given the references it printed when its reports were written:
/// 1. The hub lists every printed reference exactly once, and nothing else.
/// 2. The node lists exactly its printed references, each `received`; its backlog is 0 and it
///    has no last error.
/// 3. Per report, the hub and the node agree: entity id, origin node, category, child flag;
///    the hub stamped a receipt time.
/// 4. The hub's node list shows the node's ops as contiguous: no gaps, nothing quarantined,
///    contiguous = highest = the number of the node's own ops.
/// 5. Byte for byte: the node's own ops are seq 1…n, the hub holds exactly those (no more, no
///    fewer, the same bodies), and every op the node pulled is an op the hub holds; `status`
///    counts the ops the file holds.
/// 6. Both store files pass `PRAGMA integrity_check`; the node passes `Store.verify` (through
///    `fieldnode debug check`) with a gapless own-op log.
enum SyncConvergence {
    static func expectConverged(_ cluster: SyncCluster, printed: [SyncNode: [String]],
                                sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let context = "in \(cluster.directory)"
        let hubReports = try await cluster.hubReports()
        let hubRefs = hubReports.compactMap(\.ref)
        let expected = Set(printed.values.joined())
        #expect(hubRefs.count == hubReports.count, "reports without a reference at the hub \(context)",
                sourceLocation: sourceLocation)
        #expect(hubRefs.count == Set(hubRefs).count, "duplicate references at the hub: \(duplicates(hubRefs))",
                sourceLocation: sourceLocation)
        #expect(Set(hubRefs) == expected,
                "missing at the hub: \(expected.subtracting(hubRefs).sorted()); unexpected: \(Set(hubRefs).subtracting(expected).sorted())",
                sourceLocation: sourceLocation)
        let byRef = Dictionary(hubReports.map { ($0.ref ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        let hubNodes = try await cluster.hubNodes()
        let hubStore = try await SyncStoreFile.read(cluster.hubDir + "/hub.sqlite")
        #expect(hubStore.integrity == ["ok"], "hub store: \(hubStore.integrity)", sourceLocation: sourceLocation)

        for (node, refs) in printed.sorted(by: { $0.key.name < $1.key.name }) {
            let status = try await cluster.status(node)
            let nodeID = status["nodeId"]?.stringValue ?? "?"
            #expect(status["backlog"]?.int64Value == 0, "\(node.name): backlog \(String(describing: status["backlog"]))",
                    sourceLocation: sourceLocation)
            #expect(status["lastError"]?.isNull == true, "\(node.name): last error \(String(describing: status["lastError"]))",
                    sourceLocation: sourceLocation)

            let reports = try await cluster.reports(node)
            #expect(reports.compactMap(\.ref).sorted() == refs.sorted(), "\(node.name): the node's own list differs from what it printed",
                    sourceLocation: sourceLocation)
            for report in reports {
                #expect(report.sync == "received", "\(node.name): \(report.ref ?? "?") is \(report.sync ?? "?")",
                        sourceLocation: sourceLocation)
                guard let ref = report.ref, let seen = byRef[ref] else { continue }
                #expect(seen.entity == report.id && seen.nodeId == nodeID && seen.category == report.category
                            && seen.involvesChild == report.involvesChild && seen.receivedAt != nil,
                        "\(node.name): \(ref): hub \(seen) vs node \(report)", sourceLocation: sourceLocation)
            }

            let nodeStore = try await SyncStoreFile.read(node.storePath)
            #expect(nodeStore.integrity == ["ok"], "\(node.name) store: \(nodeStore.integrity)", sourceLocation: sourceLocation)
            #expect(status["ops"]?.int64Value == Int64(nodeStore.ops.count),
                    "\(node.name): status counts \(String(describing: status["ops"])) ops, the file holds \(nodeStore.ops.count)",
                    sourceLocation: sourceLocation)
            let own = nodeStore.seqs(of: nodeID)
            #expect(!own.isEmpty && nodeStore.prefix(of: nodeID) != nil, "\(node.name): own ops are not 1…n",
                    sourceLocation: sourceLocation)
            #expect(hubStore.seqs(of: nodeID) == own,
                    "\(node.name): the hub holds \(hubStore.seqs(of: nodeID).count) of its ops, the node \(own.count)",
                    sourceLocation: sourceLocation)
            let differing = nodeStore.ops.filter { hubStore.ops[$0.key] != $0.value }.map(\.key)
            #expect(differing.isEmpty, "\(node.name): ops the hub lacks or holds differently: \(differing.prefix(10))",
                    sourceLocation: sourceLocation)

            let listed = hubNodes[node.name]
            #expect(listed?.nodeId == nodeID && listed?.gaps == 0 && listed?.quarantined == 0
                        && listed?.contiguousSeq == Int64(own.count) && listed?.highestSeq == Int64(own.count),
                    "\(node.name): hub node list \(String(describing: listed)), own ops \(own.count)",
                    sourceLocation: sourceLocation)

            let check = try await cluster.node(node, ["debug", "check"]).json()
            #expect(check["problems"]?.arrayValue?.isEmpty == true, "\(node.name): \(String(describing: check["problems"]))",
                    sourceLocation: sourceLocation)
            #expect(check["gapless"]?.boolValue == true && check["ownOps"]?.int64Value == Int64(own.count),
                    "\(node.name): debug check ownOps \(String(describing: check["ownOps"])), gapless \(String(describing: check["gapless"]))",
                    sourceLocation: sourceLocation)
        }
    }

    /// The elements that occur more than once.
    static func duplicates(_ values: [String]) -> [String] {
        Dictionary(grouping: values, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
    }

}
