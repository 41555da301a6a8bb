import Toolkit
import JSON
import SyncEngine
import SyncProtocol

/// One line of `missionhub report list`: what has arrived, never report content beyond the
/// reference, category and child flag.
public struct ReportListing: HubListing {
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

    /// Every existing report, newest first (by `hub.receivedAt`, then reference). Blocking.
    public static func load(store: Store) throws -> [ReportListing] {
        let names = try NodeRegistry(store: store).names()
        let listings = try store.documents(ReceiptStamper.collection).filter(\.exists).map { document in
            let owner = EntityID.owner(document.entity)
            return ReportListing(
                entity: document.entity, reference: document.string("ref"), originNode: owner,
                originName: owner.flatMap { names[$0] },
                receivedAt: document.value(ReceiptStamper.field).flatMap { if case .int(let ms) = $0, ms >= 0 { UInt64(ms) } else { nil } },
                category: document.value("derived.category").flatMap { if case .int(let c) = $0 { c } else { nil } },
                involvesChild: document.value("derived.involvesChild").flatMap { if case .bool(let b) = $0 { b } else { nil } })
        }
        return listings.sorted { a, b in
            if a.receivedAt != b.receivedAt { return (a.receivedAt ?? 0) > (b.receivedAt ?? 0) }
            return (a.reference ?? a.entity) < (b.reference ?? b.entity)
        }
    }

    /// `--json`: an array of objects, newest first.
    ///
    ///     [{"ref":"MINUSCA-7Q4K-2M","entity":"…","node":"field-1","nodeId":"…",
    ///       "receivedAt":"2025-11-23T12:13:20Z","category":1,"involvesChild":true}]
    public static func json(_ listings: [ReportListing]) -> JSONValue {
        .array(listings.map { listing in
            [
                "ref": listing.reference.map { .string($0) } ?? .null,
                "entity": .string(listing.entity),
                "node": listing.originName.map { .string($0) } ?? .null,
                "nodeId": listing.originNode.map { .string($0.hex) } ?? .null,
                "receivedAt": listing.receivedAt.map { .string(TimeText.rfc3339(milliseconds: $0)) } ?? .null,
                "category": listing.category.map { .int($0) } ?? .null,
                "involvesChild": listing.involvesChild.map { .bool($0) } ?? .null,
            ]
        })
    }

    /// The text table.
    public static func text(_ listings: [ReportListing]) -> String {
        guard !listings.isEmpty else { return "No reports received yet.\n" }
        var table = TextTable(["REFERENCE", "FROM NODE", "RECEIVED", "CATEGORY", "CHILD"])
        for listing in listings {
            table.append([
                listing.reference ?? "(no reference yet)",
                listing.originName ?? listing.originNode.map { String($0.hex.prefix(8)) } ?? "-",
                listing.receivedAt.map { TimeText.rfc3339(milliseconds: $0) } ?? "-",
                listing.category.map(String.init) ?? "-",
                listing.involvesChild.map { $0 ? "yes" : "no" } ?? "-",
            ])
        }
        return table.rendered()
    }
}
