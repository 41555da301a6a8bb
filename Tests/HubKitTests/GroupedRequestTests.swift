import Foundation
@testable import HubKit
import SyncEngine
import SyncProtocol
import Testing
import Toolkit

/// Issue 15: the hub's requests share commits (`Store.grouped`): under concurrency the request
/// counters still only rise, a replay is still refused — even one racing its original in the
/// same group — and a push refused after its counter was accepted still spends the counter.
@Suite struct GroupedRequestTests {
    @Test func concurrentRequestsAndTheirReplaysAcceptEachCounterOnceAndCountersOnlyRise() async throws {
        // Every request comes from 127.0.0.1: lift the per-client connection cap.
        try await TestHub.with(configure: { $0.maxConnectionsPerClient = 256 }) { hub in
            let nodes = try (0..<4).map { _ in try TestNode() }
            for (index, node) in nodes.enumerated() { try #require(try await hub.enroll(node, name: "field-\(index)").status == 200) }
            let before = hub.store.groupCommitStatistics
            // Per node 12 pulls with distinct counters, each sent three times at once: 144 requests.
            let body = PullRequest(cursor: 0, maxBytes: 1 << 20).encode()
            var requests: [(node: Int, counter: UInt64, headers: [(String, String)])] = []
            for (index, node) in nodes.enumerated() {
                for _ in 0..<12 {
                    let counter = node.nextCounter()
                    let headers = node.signedHeaders("POST", "/v1/pull", body: body, counter: counter)
                    requests += Array(repeating: (index, counter, headers), count: 3)
                }
            }
            let seed = ProcessInfo.processInfo.environment["FIELDSYNC_GROUP_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max)
            print("GroupedRequestTests: shuffle seed \(seed) (replay with FIELDSYNC_GROUP_SEED=\(seed))")
            var generator = SplitMix64(seed: seed)
            requests.shuffle(using: &generator)
            let replies = try await withThrowingTaskGroup(of: (Int, UInt64, HTTPReply).self) { group in
                for request in requests {
                    group.addTask { (request.node, request.counter, try await hub.request("POST", "/v1/pull", headers: request.headers, body: body)) }
                }
                var replies: [(Int, UInt64, HTTPReply)] = []
                for try await reply in group { replies.append(reply) }
                return replies
            }
            var accepted: [Int: [UInt64]] = [:]
            for (node, counter, reply) in replies {
                if reply.status == 200 {
                    accepted[node, default: []].append(counter)
                } else {
                    #expect(reply.status == 401 && reply.errorCode == "stale_counter", "seed \(seed): \(reply.status) \(reply.errorCode ?? "-")")
                }
            }
            let rows = try await hub.store.async { try NodeRegistry(store: $0).nodes() }
            for (index, node) in nodes.enumerated() {
                let counters = accepted[index] ?? []
                // No counter was accepted twice, though three copies raced for it.
                #expect(Set(counters).count == counters.count, "seed \(seed): node \(index) had a counter accepted twice: \(counters.sorted())")
                // The highest counter always wins once (nothing above it can refuse it), and the
                // registry holds it: the stored counter never went back.
                let highest = requests.filter { $0.node == index }.map(\.counter).max()
                #expect(counters.max() == highest, "seed \(seed)")
                #expect(rows.first { $0.nodeID == node.id }?.lastCounter == highest, "seed \(seed)")
            }
            let after = hub.store.groupCommitStatistics
            print("GroupedRequestTests: \(after.calls - before.calls) grouped calls in \(after.commits - before.commits) commits, largest \(after.largestGroup)")
            // Every request, refused or not, was decided on the writer in a grouped call.
            #expect(after.calls - before.calls >= requests.count)
        }
    }

    @Test func aPushRefusedAfterItsCounterWasAcceptedStillSpendsTheCounter() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            try #require(try await hub.enroll(node, name: "field-1").status == 200)
            let before = try await hub.snapshot()
            // A frame that does not decode: refused after the signature and the counter passed.
            let bad = Array("not a frame".utf8)
            let headers = node.signedHeaders("POST", "/v1/push", body: bad)
            let refused = try await hub.request("POST", "/v1/push", headers: headers, body: bad)
            #expect(refused.status == 400 && refused.errorCode == "malformed")
            #expect(try await hub.snapshot() == before)
            let counter = UInt64(headers.first { $0.0 == "FS-Counter" }?.1 ?? "")
            let row = try await hub.store.async { try NodeRegistry(store: $0).nodes() }.first
            #expect(row?.lastCounter == counter && row?.lastError == "malformed")
            // Its replay meets the stored counter.
            let replay = try await hub.request("POST", "/v1/push", headers: headers, body: bad)
            #expect(replay.status == 401 && replay.errorCode == "stale_counter")

            // A push whose ops conflict with held ones: the ops roll back alone, the counter stays.
            let report = node.report(firstSeq: 1, ref: "MINUSCA-AAAA-2M")
            #expect(try await node.push(hub, report.ops).status == 200)
            let held = try await hub.snapshot()
            var changed = report.ops
            changed[1] = node.op(2, report.entity, .set(field: "ref", value: .string("MINUSCA-BBBB-3N"), rank: 0, supersedes: []))
            let conflictBody = BatchCodec.encode(changed, compress: false)
            let conflictHeaders = node.signedHeaders("POST", "/v1/push", body: conflictBody)
            let conflict = try await hub.request("POST", "/v1/push", headers: conflictHeaders, body: conflictBody)
            #expect(conflict.errorCode == "op_conflict", "\(conflict.status) \(conflict.errorCode ?? "-")")
            #expect(try await hub.snapshot() == held)
            let spent = UInt64(conflictHeaders.first { $0.0 == "FS-Counter" }?.1 ?? "")
            #expect(try await hub.store.async { try NodeRegistry(store: $0).nodes() }.first?.lastCounter == spent)
        }
    }

    @Test func concurrentPushesOfManyNodesShareCommitsAndEveryAckedOpIsHeld() async throws {
        try await TestHub.with { hub in
            let nodes = try (0..<24).map { _ in try TestNode() }
            for (index, node) in nodes.enumerated() { try #require(try await hub.enroll(node, name: "field-\(index)").status == 200) }
            let before = hub.store.groupCommitStatistics
            let acks = try await withThrowingTaskGroup(of: (NodeID, HTTPReply).self) { group in
                for node in nodes {
                    group.addTask { (node.id, try await node.push(hub, node.report(firstSeq: 1, ref: "MINUSCA-AAAA-2M").ops)) }
                }
                var acks: [(NodeID, HTTPReply)] = []
                for try await ack in group { acks.append(ack) }
                return acks
            }
            for (id, reply) in acks {
                #expect(reply.status == 200)
                let ack = try PushAck.decode(reply.body)
                #expect(ack.perOrigin.first { $0.origin == id }?.contiguousSeq == 4)
            }
            let states = try await hub.store.async { store in try store.originStates(nodes.map(\.id)) }
            #expect(states.allSatisfy { $0.contiguous == 4 })
            let after = hub.store.groupCommitStatistics
            print("GroupedRequestTests: 24 concurrent pushes in \(after.commits - before.commits) commits, largest group \(after.largestGroup)")
            #expect(after.calls - before.calls >= nodes.count)
        }
    }
}

/// The keys cached for checking signatures off the writer (`NodeKeys`) never let a revoked
/// node in: a revocation made behind the cache's back (as `missionhub node revoke` does, from
/// another process) is answered `revoked`, with a good signature or a bad one.
@Suite struct NodeKeysTests {
    @Test func aRevocationMadeAfterTheKeyWasCachedIsRefusedWithRevoked() async throws {
        try await TestHub.with { hub in
            let node = try TestNode(), other = try TestNode()
            try #require(try await hub.enroll(node, name: "field-1").status == 200)
            #expect(try await node.pull(hub, cursor: 0).status == 200)  // the key is cached now
            _ = try await hub.store.async { store in try NodeRegistry(store: store).revoke(name: "field-1", now: hub.clock.now) }
            let signed = try await node.pull(hub, cursor: 0)
            #expect(signed.errorCode == "revoked", "\(signed.status) \(signed.errorCode ?? "-")")
            let body = PullRequest(cursor: 0, maxBytes: 1 << 20).encode()
            let forged = try await hub.request("POST", "/v1/pull", headers: node.signedHeaders("POST", "/v1/pull", body: body, signer: other.key), body: body)
            #expect(forged.errorCode == "revoked")
            let row = try await hub.store.async { try NodeRegistry(store: $0).nodes() }.first
            #expect(row?.lastError == "revoked")
        }
    }
}
