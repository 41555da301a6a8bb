import Collections
import Toolkit
import JSON
import SyncEngine
import SyncProtocol

/// One line of `missionhub report list`: what has arrived, never report content beyond the
/// reference, category and child flag. A report the hub received stays listed whatever its
/// origin does later (spec §14.1): deleted at the node, it shows as withdrawn; changed after
/// receipt, it shows how many amendments `report show` details.
public struct ReportListing: HubListing {
    /// `received`: live at the hub; `withdrawn`: deleted by the field after the hub received it
    /// (its content is kept and shown by `report show`).
    public enum Status: String, Sendable {
        case received
        case withdrawn
    }

    public let entity: String
    /// The reference code (`ref` field), nil if it has not arrived yet.
    public let reference: String?
    public let originNode: NodeID?
    /// The origin's enrolled name, nil when unknown.
    public let originName: String?
    /// `hub.receivedAt`: when the report's creation reached the hub (ms).
    public let receivedAt: UInt64?
    public let category: Int64?
    public let involvesChild: Bool?
    public let status: Status
    /// The node whose op withdrew the report last, and its enrolled name (nil when unknown).
    public let withdrawnBy: NodeID?
    public let withdrawnByName: String?
    /// When the hub received that withdrawal (ms).
    public let withdrawnAt: UInt64?
    /// Changes the field made after receipt (`ReportEvents`), re-creations included.
    public let amendments: Int

    /// Every report that exists or that the hub received, newest first (by `hub.receivedAt`,
    /// then reference). Blocking.
    public static func load(store: Store) throws -> [ReportListing] {
        let names = try NodeRegistry(store: store).names()
        let summaries = try ReportEvents.summaries(store: store)
        // The narrow index the merge observer keeps (ReportIndex), not whole documents (issue 15).
        let rows = try ReportIndex.rows(store: store)
        var owners: [Substring: NodeID?] = [:]   // a laptop's reports share its 32-digit prefix
        let listings = rows.compactMap { row -> ReportListing? in
            let prefix = row.entity.prefix(32)
            let owner: NodeID?
            if let known = owners[prefix] { owner = known } else {
                owner = EntityID.owner(row.entity)
                owners[prefix] = owner
            }
            let listing = ReportListing(row, owner: owner, names: names, summary: summaries[row.entity])
            return row.exists || listing.receivedAt != nil ? listing : nil
        }
        return listings  // in the index's order: newest receipt first, then by reference
    }

    /// The fields a line shows, in `ProjectedEntity.values` order.
    static let fields = [ReportCollection.Field.ref, ReportCollection.Field.hubReceivedAt,
                         ReportCollection.Field.category, ReportCollection.Field.involvesChild]

    /// The line of one report from its projection (`load`).
    init(_ row: ProjectedEntity, owner: NodeID?, names: [NodeID: String], summary: ReportEvents.Summary?) {
        let withdrawal = row.exists ? nil : summary?.lastWithdrawal
        entity = row.entity
        reference = row.values[0].flatMap { if case .string(let text) = $0 { text } else { nil } }
        originNode = owner
        originName = owner.flatMap { names[$0] }
        receivedAt = row.values[1].flatMap { if case .int(let ms) = $0, ms >= 0 { UInt64(ms) } else { nil } }
        category = row.values[2].flatMap { if case .int(let c) = $0 { c } else { nil } }
        involvesChild = row.values[3].flatMap { if case .bool(let b) = $0 { b } else { nil } }
        status = row.exists ? .received : .withdrawn
        withdrawnBy = withdrawal?.by
        withdrawnByName = withdrawal?.by.flatMap { names[$0] }
        withdrawnAt = withdrawal?.at
        amendments = summary?.amendments ?? 0
    }

    /// The line of one report from its whole document (`report show`).
    init(_ document: Document, names: [NodeID: String], summary: ReportEvents.Summary?) {
        self.init(ProjectedEntity(entity: document.entity, causalLength: document.causalLength,
                                  values: Self.fields.map { document.value($0) }),
                  owner: EntityID.owner(document.entity), names: names, summary: summary)
    }

    /// `--json`: an array of objects, newest first.
    ///
    ///     [{"ref":"MINUSCA-7Q4K-2M","entity":"…","node":"field-1","nodeId":"…",
    ///       "receivedAt":"2025-11-23T12:13:20Z","category":1,"involvesChild":true,
    ///       "status":"withdrawn","withdrawnBy":"field-1","withdrawnByNodeId":"…",
    ///       "withdrawnAt":"2025-11-24T08:00:00Z","amendments":2}]
    ///
    /// `withdrawnBy`, `withdrawnByNodeId` and `withdrawnAt` are null unless the status is
    /// `withdrawn` (`withdrawnBy` also when the node is not enrolled here).
    public static func json(_ listings: [ReportListing]) -> JSONValue {
        .array(listings.map(\.json))
    }

    /// The object of one line (also the head of `report show --json`).
    var json: JSONValue {
        let listing = self
        return [
            "ref": listing.reference.map { .string($0) } ?? .null,
            "entity": .string(listing.entity),
            "node": listing.originName.map { .string($0) } ?? .null,
            "nodeId": listing.originNode.map { .string($0.hex) } ?? .null,
            "receivedAt": listing.receivedAt.map { .string(TimeText.rfc3339(milliseconds: $0)) } ?? .null,
            "category": listing.category.map { .int($0) } ?? .null,
            "involvesChild": listing.involvesChild.map { .bool($0) } ?? .null,
            "status": .string(listing.status.rawValue),
            "withdrawnBy": listing.withdrawnByName.map { .string($0) } ?? .null,
            "withdrawnByNodeId": listing.withdrawnBy.map { .string($0.hex) } ?? .null,
            "withdrawnAt": listing.withdrawnAt.map { .string(TimeText.rfc3339(milliseconds: $0)) } ?? .null,
            "amendments": .int(Int64(listing.amendments)),
        ]
    }

    /// The text table.
    public static func text(_ listings: [ReportListing]) -> String {
        guard !listings.isEmpty else { return "No reports received yet.\n" }
        var table = TextTable(["REFERENCE", "FROM NODE", "RECEIVED", "CATEGORY", "CHILD", "STATUS", "AMENDED"])
        for listing in listings {
            table.append([
                listing.reference ?? "(no reference yet)",
                listing.originName ?? listing.originNode.map { String($0.hex.prefix(8)) } ?? "-",
                listing.receivedAt.map { TimeText.rfc3339(milliseconds: $0) } ?? "-",
                listing.category.map(String.init) ?? "-",
                listing.involvesChild.map { $0 ? "yes" : "no" } ?? "-",
                listing.statusText,
                listing.amendments == 0 ? "-" : "\(listing.amendments)x",
            ])
        }
        return table.rendered()
    }

    /// `received`, or `WITHDRAWN by NODE at TIME`.
    var statusText: String {
        guard status == .withdrawn else { return status.rawValue }
        let by = withdrawnByName ?? withdrawnBy.map { String($0.hex.prefix(8)) }
        return "WITHDRAWN" + (by.map { " by \($0)" } ?? "") + (withdrawnAt.map { " at \(TimeText.rfc3339(milliseconds: $0))" } ?? "")
    }
}
