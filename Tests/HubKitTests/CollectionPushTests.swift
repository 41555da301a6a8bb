import Collections
@testable import HubKit
import SyncEngine
import SyncProtocol
import Testing

/// Push authorization reads the collection registry (spec §19.4): what it does not declare a
/// node may write is refused whole, naming the field; a collection registered in one place is
/// pushed, stored and served to its owner only.
@Suite struct CollectionPushTests {
    /// A collection as a new feature would add it: this declaration (one file) and one line in
    /// `CollectionRegistry.standard` (here `registering`, so the shipped registry is unchanged).
    enum FollowUpCollection {
        static let name = "followup"
        static let spec = CollectionSpec(
            name: name, scope: .nodeOwned, creators: [.node],
            fields: [
                FieldSpec("note", .string, writers: [.node, .hub], summary: "what the caller said"),
                FieldSpec("status", .string, .ranked(levels: [["due"], ["contacted"], ["closed", "unreachable"]]),
                          writers: [.node, .hub], summary: "forward-only"),
            ],
            summary: "a follow-up call")
    }

    @Test func unknownFieldsWrongValuesAndHubFieldsAreRefusedNamingTheField() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            try #require(try await hub.enroll(node, name: "field-1").status == 200)
            let report = node.report(firstSeq: 1, ref: "MINUSCA-7Q4K-2M")
            let before = try await hub.snapshot()
            let cases: [(Op, String)] = [
                (node.op(5, report.entity, .set(field: "incident.region", value: .string("Ouaka"), rank: 0, supersedes: [])), "'incident.region'"),
                (node.op(5, report.entity, .set(field: "consent.followUpContact", value: .string("yes"), rank: 0, supersedes: [])), "consent.followUpContact"),
                (node.op(5, report.entity, .set(field: "hub.receivedAt", value: .int(1), rank: 0, supersedes: [])), "hub.receivedAt"),
                (node.op(5, report.entity, .exist(causalLength: 1), collection: FollowUpCollection.name), "'followup'"),
            ]
            for (op, name) in cases {
                let reply = try await node.push(hub, report.ops + [op])
                #expect(reply.status == 403 && reply.errorCode == "foreign_origin" && reply.retry == "stop", "\(name)")
                let message = reply.json?["error"]?["message"]?.stringValue ?? ""
                #expect(message.contains(name), "\(message) should name \(name)")
                #expect(try await hub.snapshot() == before, "\(name)")
            }
            #expect(try await node.push(hub, report.ops).status == 200)
        }
    }

    @Test func aRegisteredCollectionIsPushedAndServedToItsOwnerOnly() async throws {
        let registry = CollectionRegistry.standard.registering(FollowUpCollection.spec)
        try await TestHub.with { hub in
            let node = try TestNode(), other = try TestNode()
            try #require(try await hub.enroll(node, name: "field-1").status == 200)
            try #require(try await hub.enroll(other, name: "field-2").status == 200)
            let entity = EntityID.make(owner: node.id)
            let ops = [
                node.op(1, entity, .exist(causalLength: 1), collection: FollowUpCollection.name),
                node.op(2, entity, .set(field: "note", value: .string("call back Tuesday"), rank: 0, supersedes: []),
                        collection: FollowUpCollection.name),
                node.op(3, entity, .set(field: "status", value: .string("contacted"), rank: 2, supersedes: []),
                        collection: FollowUpCollection.name),
            ]
            // The registry is what admits it: the shipped one refuses the unknown collection.
            #expect(throws: HubWireError.self) { try PushAuthorization.check(ops, node: node.id) }
            let backwards = node.op(4, entity, .set(field: "status", value: .string("due"), rank: 2, supersedes: []),
                                    collection: FollowUpCollection.name)
            #expect(throws: HubWireError.self) { try PushAuthorization.check([backwards], node: node.id, collections: registry) }
            // The endpoint's path with the registry that declares it: check, then apply.
            try PushAuthorization.check(ops, node: node.id, collections: registry)
            _ = try await hub.store.async { try $0.apply(ops) }
            let document = try #require(try await hub.store.async { try $0.document(FollowUpCollection.name, entity) })
            #expect(document.string("status") == "contacted")

            let mine = try PullResponse.decode(try await node.pull(hub, cursor: 0).body).ops
            #expect(mine.filter { $0.collection == FollowUpCollection.name }.isEmpty)  // its own ops are left out
            let theirs = try PullResponse.decode(try await other.pull(hub, cursor: 0).body).ops
            #expect(theirs.isEmpty)
            // The hub writes on the node's record: that reaches the owner, and only the owner.
            try await hub.store.async { store in
                try store.write { tx in try tx.set(FollowUpCollection.name, entity, "status", .string("closed"), rank: 3) }
            }
            let served = try PullResponse.decode(try await node.pull(hub, cursor: 0).body).ops
            #expect(served.map(\.collection) == [FollowUpCollection.name])
            #expect(served.allSatisfy { registry.check($0, from: .hub) == nil })
            #expect(try PullResponse.decode(try await other.pull(hub, cursor: 0).body).ops.isEmpty)
        }
    }
}
