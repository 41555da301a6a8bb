import JSON

/// One row of `missionhub report list --json`.
struct HubReport: Sendable, Equatable {
    let ref: String?
    let entity: String?
    let nodeId: String?
    let receivedAt: String?
    let category: Int64?
    let involvesChild: Bool?
    let status: String?
    let withdrawnBy: String?
    let withdrawnAt: String?
    let amendments: Int64?

    init(_ json: JSONValue) {
        status = json["status"]?.stringValue
        withdrawnBy = json["withdrawnBy"]?.stringValue
        withdrawnAt = json["withdrawnAt"]?.stringValue
        amendments = json["amendments"]?.int64Value
        ref = json["ref"]?.stringValue
        entity = json["entity"]?.stringValue
        nodeId = json["nodeId"]?.stringValue
        receivedAt = json["receivedAt"]?.stringValue
        category = json["category"]?.int64Value
        involvesChild = json["involvesChild"]?.boolValue
    }
}

/// One row of `missionhub node list --json`.
struct HubNode: Sendable, Equatable {
    let name: String
    let nodeId: String?
    let revoked: Bool?
    let lastContact: String?
    let contiguousSeq: Int64?
    let highestSeq: Int64?
    let gaps: Int?
    let quarantined: Int64?
    /// What the node last reported as unsent (`FS-Backlog`); nil: unknown.
    let backlog: Int64?

    init(_ json: JSONValue) {
        name = json["name"]?.stringValue ?? ""
        backlog = json["backlog"]?.int64Value
        nodeId = json["nodeId"]?.stringValue
        revoked = json["revoked"]?.boolValue
        lastContact = json["lastContact"]?.stringValue
        contiguousSeq = json["received"]?["contiguousSeq"]?.int64Value
        highestSeq = json["received"]?["highestSeq"]?.int64Value
        gaps = json["received"]?["gaps"]?.arrayValue?.count
        quarantined = json["received"]?["quarantined"]?.int64Value
    }
}

/// One row of `fieldnode report list --json`.
struct NodeReport: Sendable, Equatable {
    let id: String?
    let ref: String?
    let sync: String?
    let category: Int64?
    let involvesChild: Bool?

    init(_ json: JSONValue) {
        id = json["id"]?.stringValue
        ref = json["ref"]?.stringValue
        sync = json["sync"]?.stringValue
        category = json["category"]?.int64Value
        involvesChild = json["involvesChild"]?.boolValue
    }
}
