import Collections
import FieldModel
import Toolkit
import JSON
import SyncEngine
import SyncProtocol

/// One line of `missionhub report list`: what has arrived, never report content beyond the
/// reference, category, child flag and urgency. A report the hub received stays listed whatever its
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
    public let ageUndetermined: Bool?
    /// The laptop's rule, applied here too: an undetermined age is a possible child.
    public let child: ChildInvolvement?
    public let urgency: ReportUrgency
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
        try load(store: store, filter: ReportFilter())
    }

    /// The reports `filter` selects, newest first; urgency as of the store's clock. Blocking.
    public static func load(store: Store, filter: ReportFilter) throws -> [ReportListing] {
        let names = try NodeRegistry(store: store).names()
        let summaries = try ReportEvents.summaries(store: store)
        let window = ReportUrgency.windowStart(now: store.options.wallClock())
        // The narrow index the merge observer keeps (ReportIndex), not whole documents (issue 15).
        let lines = try ReportIndex.lines(store: store, filter: filter)
        var owners: [Substring: NodeID?] = [:]   // a laptop's reports share its 32-digit prefix
        return lines.compactMap { line -> ReportListing? in
            let prefix = line.entity.prefix(32)
            let owner: NodeID?
            if let known = owners[prefix] { owner = known } else {
                owner = EntityID.owner(line.entity)
                owners[prefix] = owner
            }
            let listing = ReportListing(line, owner: owner, names: names, summary: summaries[line.entity], window: window)
            guard line.exists || listing.receivedAt != nil else { return nil }
            return !filter.urgentOnly || listing.urgency.level == .high ? listing : nil
        }  // in the index's order: newest receipt first, then by reference
    }

    /// The line of one report from its index row (`load`).
    init(_ line: ReportIndex.Line, owner: NodeID?, names: [NodeID: String], summary: ReportEvents.Summary?, window: String) {
        let withdrawal = line.exists ? nil : summary?.lastWithdrawal
        entity = line.entity
        reference = line.ref
        originNode = owner
        originName = owner.flatMap { names[$0] }
        receivedAt = line.receivedAt.flatMap { $0 >= 0 ? UInt64($0) : nil }
        category = line.category
        involvesChild = line.involvesChild
        ageUndetermined = line.ageUndetermined
        child = ChildInvolvement(involvesChild: line.involvesChild, ageUndetermined: line.ageUndetermined)
        urgency = ReportUrgency.assess(ReportUrgency.Facts(child: child, urgentMedicalNeeds: line.urgentMedicalNeeds,
                                                           assaultLastDay: line.assaultLastDay), windowStart: window)
        status = line.exists ? .received : .withdrawn
        withdrawnBy = withdrawal?.by
        withdrawnByName = withdrawal?.by.flatMap { names[$0] }
        withdrawnAt = withdrawal?.at
        amendments = summary?.amendments ?? 0
    }

    /// The line of one report from its whole document (`report show`), by the index's function.
    init(_ document: Document, names: [NodeID: String], summary: ReportEvents.Summary?, now: UInt64) {
        let row = ReportIndexRow(document)
        let line = ReportIndex.Line(entity: row.entity, causalLength: row.causalLength, ref: row.ref, receivedAt: row.receivedAt,
                                    category: row.category, involvesChild: row.involvesChild, ageUndetermined: row.ageUndetermined,
                                    urgentMedicalNeeds: row.urgentMedicalNeeds, assaultLastDay: row.assaultLastDay)
        self.init(line, owner: EntityID.owner(document.entity), names: names, summary: summary,
                  window: ReportUrgency.windowStart(now: now))
    }

    /// `--json`: an array of objects, newest first.
    ///
    ///     [{"ref":"MINUSCA-7Q4K-2M","entity":"…","node":"field-1","nodeId":"…",
    ///       "receivedAt":"2025-11-23T12:13:20Z","category":1,"involvesChild":false,
    ///       "ageUndetermined":true,"child":"maybe","urgency":"high",
    ///       "urgencyReasons":["age undetermined: possible child"],
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
            "ageUndetermined": listing.ageUndetermined.map { .bool($0) } ?? .null,
            "child": listing.child.map { .string($0.rawValue) } ?? .null,
            "urgency": .string(listing.urgency.level.rawValue),
            "urgencyReasons": .array(listing.urgency.reasons.map { .string($0) }),
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
        var table = TextTable(["REFERENCE", "FROM NODE", "RECEIVED", "CATEGORY", "CHILD", "URGENCY", "STATUS", "AMENDED"])
        for listing in listings {
            table.append([
                listing.reference ?? "(no reference yet)",
                listing.originName ?? listing.originNode.map { String($0.hex.prefix(8)) } ?? "-",
                listing.receivedAt.map { TimeText.rfc3339(milliseconds: $0) } ?? "-",
                listing.category.map(String.init) ?? "-",
                listing.child?.rawValue ?? "-",
                listing.urgency.level.rawValue,
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
