import SQLite
import SyncProtocol

/// A few fields of one entity and its existence: what a listing row needs, without the whole
/// document (issue 15: every listing reads an index, not every document — HubKit `ReportIndex`).
public struct ProjectedEntity: Sendable, Equatable {
    public let entity: String
    /// Odd: the entity exists (spec §9.2).
    public let causalLength: UInt64
    /// The winning value of each asked field, in the order asked; nil when never set.
    public let values: [Value?]

    public var exists: Bool { causalLength % 2 == 1 }

    public init(entity: String, causalLength: UInt64, values: [Value?]) {
        self.entity = entity
        self.causalLength = causalLength
        self.values = values
    }
}
