@testable import HubKit
import SyncEngine
import SyncProtocol
import Testing

@Suite struct PullEndpointTests {
    /// Pulls from `cursor` until `more` is clear; returns the ops and the final cursor.
    func pullAll(_ node: TestNode, _ hub: TestHub, maxBytes: UInt64) async throws -> (ops: [Op], cursor: UInt64, rounds: Int) {
        var cursor: UInt64 = 0, ops: [Op] = [], rounds = 0
        while true {
            let reply = try await node.pull(hub, cursor: cursor, maxBytes: maxBytes)
            try #require(reply.status == 200)
            let response = try PullResponse.decode(reply.body)
            #expect(response.nextCursor >= cursor)
            #expect(BatchCodec.encode(response.ops, compress: false).count <= Int(maxBytes) || response.ops.count == 1)
            ops += response.ops
            cursor = response.nextCursor
            rounds += 1
            if !response.more { return (ops, cursor, rounds) }
            try #require(rounds < 500)
        }
    }

    @Test func aNodePullsOnlyItsScope() async throws {
        try await TestHub.with { hub in
            let a = try TestNode(), b = try TestNode()
            try #require(try await hub.enroll(a, name: "field-a").status == 200)
            try #require(try await hub.enroll(b, name: "field-b").status == 200)
            let reportA = a.report(firstSeq: 1, ref: "MINUSCA-AAAA-2M")
            let reportB = b.report(firstSeq: 1, ref: "MINUSCA-BBBB-2M")
            try #require(try await a.push(hub, reportA.ops).status == 200)
            try #require(try await b.push(hub, reportB.ops).status == 200)
            let hubOnly = "case-1"
            try await hub.store.async { store in
                try store.write { tx in
                    for i in 0..<30 { try tx.set("ref.premises", "p\(i)", "name", .string("Premises \(i) by the market road")) }
                    try tx.create("case", hubOnly)
                    try tx.set("referral", EntityID.make(owner: b.id, local: "r1"), "status", .string("proposed"))
                }
            }
            let (ops, cursor, rounds) = try await pullAll(a, hub, maxBytes: 1024)
            #expect(rounds > 1)
            #expect(ops.allSatisfy { $0.origin == hub.store.nodeID })
            #expect(Set(ops.filter { $0.collection == "ref.premises" }.map(\.entity)).count == 30)
            let entities = Set(ops.map(\.entity))
            #expect(entities.contains(reportA.entity))  // hub.receivedAt on a's report
            #expect(!entities.contains(reportB.entity))
            #expect(!entities.contains(hubOnly))
            #expect(!entities.contains { EntityID.owner($0) == b.id })
            #expect(ops.count == 31)

            // Nothing new: the cursor stays and `more` is clear.
            let idle = try PullResponse.decode(try await a.pull(hub, cursor: cursor).body)
            #expect(idle.ops.isEmpty && !idle.more && idle.nextCursor == cursor)
            // b sees its own stamp and the reference data, not a's report.
            let fromB = try await pullAll(b, hub, maxBytes: 1 << 20).ops
            #expect(fromB.count == 32)
            #expect(!fromB.contains { $0.entity == reportA.entity })
        }
    }

    @Test func malformedPullRequestsAreRefused() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            try #require(try await hub.enroll(node, name: "field-1").status == 200)
            for body: [UInt8] in [[], [0x51], [0x51, 0x02, 0x00, 0x80, 0x08], [0x51, 0x01, 0x00, 0x01], [0x41, 0x01, 0x00, 0x80, 0x08],
                                  PullRequest(cursor: 0).encode() + [0]] {
                let reply = try await hub.request("POST", "/v1/pull", headers: node.signedHeaders("POST", "/v1/pull", body: body), body: body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.errorCode == "malformed")
            }
        }
    }
}
