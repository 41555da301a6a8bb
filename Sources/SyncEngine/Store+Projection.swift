import SQLite
import SyncProtocol

/// A few fields of every entity of a collection, read from the registers' primary key
/// (entity, field) without assembling whole documents (issue 15: every listing reads an index,
/// not every document).
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

extension Store {
    /// For each entity of `collection`, its causal length and the winners of `fields`: one
    /// ordered scan of the collection's entities and one primary-key lookup per field, on a
    /// reader (`Store.read`). Conflicts are not read; `document` has them.
    public func project(_ collection: String, fields: [String]) throws -> [ProjectedEntity] {
        try read { db in
            // One primary-key lookup per field (a LEFT JOIN on (entity_id, field)).
            let columns = fields.indices.map { "r\($0).vtype, r\($0).value" }
            let joins = fields.indices.map { "LEFT JOIN registers r\($0) ON r\($0).entity_id = e.id AND r\($0).field = ?\($0 + 2)" }
            let sql = "SELECT e.entity, e.causal_length" + (columns.isEmpty ? "" : ", " + columns.joined(separator: ", "))
                + " FROM entities e " + joins.joined(separator: " ") + " WHERE e.collection = ?1 ORDER BY e.id"
            return try db.query(sql, [.text(collection)] + fields.map { .text($0) }) { row in
                let values: [Value?] = fields.indices.map { i in
                    guard let vtype = row.int64(2 + 2 * i) else { return nil }
                    return Value(vtype: vtype, value: row[3 + 2 * i])
                }
                return ProjectedEntity(entity: row.string(0) ?? "", causalLength: row.uint64(1) ?? 0, values: values)
            }
        }
    }
}
