import Crypto
@testable import HubKit
import SyncEngine
import SyncProtocol
import Testing

@Suite struct PushEndpointTests {
    @Test func signedPushIsStoredStampedAndAcknowledged() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            try #require(try await hub.enroll(node, name: "field-1").status == 200)
            let report = node.report(firstSeq: 1, ref: "MINUSCA-7Q4K-2M", child: true)
            let reply = try await node.push(hub, report.ops)
            #expect(reply.status == 200)
            #expect(reply.headers["content-type"] == "application/octet-stream")
            let ack = try PushAck.decode(reply.body)
            #expect(ack.hubTime == hub.clock.now)
            #expect(ack.perOrigin == [OriginAck(origin: node.id, contiguousSeq: 4, highestSeq: 4, gaps: [], quarantined: 0)])

            let document = try #require(try await hub.store.async { try $0.document("report", report.entity) })
            #expect(document.string("ref") == "MINUSCA-7Q4K-2M")
            #expect(document.value("hub.receivedAt") == .int(Int64(hub.clock.now)))
            #expect(document.fields["hub.receivedAt"]?.winner.id.origin == hub.store.nodeID)
            let listed = try await hub.store.async { try ReportListing.load(store: $0) }
            #expect(listed.map(\.originName) == ["field-1"])
            #expect(listed.first?.involvesChild == true)
        }
    }

    @Test func theSameBatchTwiceChangesNothing() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            try #require(try await hub.enroll(node, name: "field-1").status == 200)
            let ops = node.report(firstSeq: 1, ref: "MINUSCA-AAAA-2M").ops
            let first = try PushAck.decode(try await node.push(hub, ops).body)
            let after = try await hub.snapshot()
            hub.clock.advance(milliseconds: 1000)
            let second = try await node.push(hub, ops)
            #expect(second.status == 200)
            let again = try PushAck.decode(second.body)
            #expect(again.perOrigin == first.perOrigin)
            #expect(try await hub.snapshot() == after)
            // A partial resend (the ack of the first half was lost) is no different.
            #expect(try PushAck.decode(try await node.push(hub, Array(ops.prefix(2))).body).perOrigin == first.perOrigin)
            #expect(try await hub.snapshot() == after)
        }
    }

    /// The hub lists at most 64 gaps (HubEndpoints.originAck): the ack it sends over the wire
    /// then stops before the first gap it does not list, so it never claims an op it lacks.
    @Test func anAckOverTheWireWithMoreThan64GapsClaimsNothingTheHubLacks() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            try #require(try await hub.enroll(node, name: "field-1").status == 200)
            let entity = EntityID.make(owner: node.id)
            let sent = stride(from: 1, through: 299, by: 2).map { seq in   // 1, 3, 5 … 299: 149 gaps
                node.op(UInt64(seq), entity, seq == 1 ? .exist(causalLength: 1) : .set(field: "incident.area", value: .string("area \(seq)"), rank: 0, supersedes: []))
            }
            let reply = try await node.push(hub, sent)
            #expect(reply.status == 200)
            let mine = try #require(try PushAck.decode(reply.body).perOrigin.first)
            #expect(mine.contiguousSeq == 1 && mine.gaps.count == 64)
            #expect(mine.highestSeq == mine.gaps.last!.upperBound + 1, "highest \(mine.highestSeq)")
            let held = Set(sent.map(\.seq))
            for seq in 1...mine.highestSeq where !mine.gaps.contains(where: { $0.contains(seq) }) {
                #expect(held.contains(seq), "the ack claims op \(seq), which the hub lacks")
            }
            #expect(mine.highestSeq < 299, "the ack claims beyond its 64th gap")
        }
    }

    @Test func gapsAndQuarantineShowInTheAck() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            try #require(try await hub.enroll(node, name: "field-1").status == 200)
            let entity = EntityID.make(owner: node.id)
            let future = hub.clock.now + 3_600_000
            let ops = [node.op(1, entity, .exist(causalLength: 1)),
                       node.op(3, entity, .set(field: "derived.category", value: .int(1), rank: 0, supersedes: [])),
                       node.op(6, entity, .set(field: "derived.category", value: .int(2), rank: 0, supersedes: []), ms: future)]
            let ack = try PushAck.decode(try await node.push(hub, ops).body)
            #expect(ack.perOrigin == [OriginAck(origin: node.id, contiguousSeq: 1, highestSeq: 6, gaps: [2...2, 4...5], quarantined: 1)])
        }
    }

    @Test func aQuarantinedReportIsStampedWhenReleased() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            try #require(try await hub.enroll(node, name: "field-1").status == 200)
            let entity = EntityID.make(owner: node.id)
            let ahead = hub.clock.now + 3_600_000
            let ops = [node.op(1, entity, .exist(causalLength: 1), ms: ahead),
                       node.op(2, entity, .set(field: "ref", value: .string("MINUSCA-FFFF-2M"), rank: 0, supersedes: []), ms: ahead)]
            let held = try PushAck.decode(try await node.push(hub, ops).body)
            #expect(held.perOrigin == [OriginAck(origin: node.id, contiguousSeq: 2, highestSeq: 2, gaps: [], quarantined: 2)])
            #expect(try await hub.store.async { try $0.document("report", entity) } == nil)

            hub.clock.advance(milliseconds: 3_600_000)
            let released = try PushAck.decode(try await node.push(hub, []).body)
            #expect(released.perOrigin.first?.quarantined == 0)
            let document = try #require(try await hub.store.async { try $0.document("report", entity) })
            #expect(document.value("hub.receivedAt") == .int(Int64(hub.clock.now)))
            #expect(try await hub.store.async { try HubServer.release($0, now: hub.clock.now) } == 0)
        }
    }

    @Test func refusedRequestsChangeNothing() async throws {
        try await TestHub.with { hub in
            let node = try TestNode(), other = try TestNode(), stranger = try TestNode(), gone = try TestNode()
            try #require(try await hub.enroll(node, name: "field-1").status == 200)
            try #require(try await hub.enroll(other, name: "field-2").status == 200)
            try #require(try await hub.enroll(gone, name: "field-3").status == 200)
            try await hub.store.async { store in _ = try NodeRegistry(store: store).revoke(name: "field-3", now: 1) }
            try #require(try await node.push(hub, node.report(firstSeq: 1, ref: "MINUSCA-BBBB-2M").ops).status == 200)
            let before = try await hub.snapshot()
            let mine = EntityID.make(owner: node.id), theirs = EntityID.make(owner: other.id)
            let next = node.report(firstSeq: 5, ref: "MINUSCA-CCCC-2M").ops
            let body = BatchCodec.encode(next, compress: false)
            var flipped = body
            flipped[20] ^= 0x04

            struct Case {
                let name: String, headers: [(String, String)], body: [UInt8], status: Int, code: String, retry: String
            }
            func batch(_ ops: [Op]) -> [UInt8] { BatchCodec.encode(ops, compress: false) }
            let cases = [
                Case(name: "forged signature", headers: node.signedHeaders("POST", "/v1/push", body: body, signer: other.key),
                     body: body, status: 401, code: "unauthenticated", retry: "reenroll"),
                Case(name: "signature over another body", headers: node.signedHeaders("POST", "/v1/push", body: batch([])),
                     body: body, status: 401, code: "unauthenticated", retry: "reenroll"),
                Case(name: "unknown node", headers: stranger.signedHeaders("POST", "/v1/push", body: body),
                     body: body, status: 401, code: "unauthenticated", retry: "reenroll"),
                Case(name: "revoked node", headers: gone.signedHeaders("POST", "/v1/push", body: batch([])),
                     body: batch([]), status: 401, code: "revoked", retry: "stop"),
                Case(name: "stale counter", headers: node.signedHeaders("POST", "/v1/push", body: body, counter: 5),
                     body: body, status: 401, code: "stale_counter", retry: "now"),
                Case(name: "wrong protocol", headers: [("FS-Protocol", "2")] + node.signedHeaders("POST", "/v1/push", body: body).dropFirst(),
                     body: body, status: 400, code: "unsupported_version", retry: "stop"),
                Case(name: "bad node header", headers: node.signedHeaders("POST", "/v1/push", body: body).map { $0.0 == "FS-Node" ? ($0.0, $0.1.uppercased()) : $0 },
                     body: body, status: 400, code: "malformed", retry: "stop"),
                Case(name: "foreign origin", headers: node.signedHeaders("POST", "/v1/push", body: batch([node.op(5, mine, .exist(causalLength: 1), origin: other.id)])),
                     body: batch([node.op(5, mine, .exist(causalLength: 1), origin: other.id)]), status: 403, code: "foreign_origin", retry: "stop"),
                Case(name: "another node's entity", headers: node.signedHeaders("POST", "/v1/push", body: batch([node.op(5, theirs, .exist(causalLength: 2))])),
                     body: batch([node.op(5, theirs, .exist(causalLength: 2))]), status: 403, code: "foreign_origin", retry: "stop"),
                Case(name: "reference data", headers: node.signedHeaders("POST", "/v1/push", body: batch([node.op(5, mine, .exist(causalLength: 1), collection: "ref.mission")])),
                     body: batch([node.op(5, mine, .exist(causalLength: 1), collection: "ref.mission")]), status: 403, code: "foreign_origin", retry: "stop"),
                Case(name: "hub field", headers: node.signedHeaders("POST", "/v1/push", body: batch([node.op(5, mine, .set(field: "hub.receivedAt", value: .int(1), rank: 0, supersedes: []))])),
                     body: batch([node.op(5, mine, .set(field: "hub.receivedAt", value: .int(1), rank: 0, supersedes: []))]), status: 403, code: "foreign_origin", retry: "stop"),
                Case(name: "bit flip", headers: node.signedHeaders("POST", "/v1/push", body: flipped),
                     body: flipped, status: 400, code: "malformed", retry: "stop"),
                Case(name: "not a frame", headers: node.signedHeaders("POST", "/v1/push", body: Array("hello".utf8)),
                     body: Array("hello".utf8), status: 400, code: "malformed", retry: "stop"),
                Case(name: "conflicting duplicate", headers: node.signedHeaders("POST", "/v1/push", body: batch([node.op(1, mine, .exist(causalLength: 1))])),
                     body: batch([node.op(1, mine, .exist(causalLength: 1))]), status: 409, code: "op_conflict", retry: "stop"),
            ]
            for test in cases {
                let reply = try await hub.request("POST", "/v1/push", headers: test.headers, body: test.body)
                #expect(reply.status == test.status, "\(test.name)")
                #expect(reply.errorCode == test.code, "\(test.name)")
                #expect(reply.retry == test.retry, "\(test.name)")
                #expect(reply.headers["fs-hub-time"] != nil, "\(test.name)")
                #expect(try await hub.snapshot() == before, "\(test.name)")
            }
            let flipReply = try await hub.request("POST", "/v1/push", headers: node.signedHeaders("POST", "/v1/push", body: flipped), body: flipped)
            #expect(flipReply.json?["error"]?["message"]?.stringValue?.contains("badChecksum") == true)

            // A refused request did not use up its counter: the same counter, signed right, passes.
            let counterOfForgery = node.nextCounter()
            let forged = node.signedHeaders("POST", "/v1/push", body: batch([]), counter: counterOfForgery, signer: other.key)
            #expect(try await hub.request("POST", "/v1/push", headers: forged, body: batch([])).status == 401)
            let honest = node.signedHeaders("POST", "/v1/push", body: batch([]), counter: counterOfForgery)
            #expect(try await hub.request("POST", "/v1/push", headers: honest, body: batch([])).status == 200)

            // An exact replay of an accepted request is refused with the counter it must beat.
            let accepted = node.signedHeaders("POST", "/v1/push", body: body)
            #expect(try await hub.request("POST", "/v1/push", headers: accepted, body: body).status == 200)
            let afterAccepted = try await hub.snapshot()
            let replay = try await hub.request("POST", "/v1/push", headers: accepted, body: body)
            #expect(replay.status == 401 && replay.errorCode == "stale_counter")
            let counter = UInt64(accepted.first { $0.0 == "FS-Counter" }?.1 ?? "")
            #expect(replay.json?["error"]?["lastCounter"]?.int64Value.map(UInt64.init) == counter)
            #expect(try await hub.snapshot() == afterAccepted)

            let rows = try await hub.store.async { try NodeRegistry(store: $0).nodes() }
            #expect(rows.first { $0.nodeID == node.id }?.lastError == nil)
        }
    }

    @Test func lastErrorIsRecordedAndClearedBySuccess() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            try #require(try await hub.enroll(node, name: "field-1").status == 200)
            let bad = Array("nope".utf8)
            _ = try await hub.request("POST", "/v1/push", headers: node.signedHeaders("POST", "/v1/push", body: bad), body: bad)
            #expect(try await hub.store.async { try NodeRegistry(store: $0).nodes() }.first?.lastError == "malformed")
            #expect(try await node.push(hub, []).status == 200)
            #expect(try await hub.store.async { try NodeRegistry(store: $0).nodes() }.first?.lastError == nil)
        }
    }

    @Test func oversizedBodiesAreRefusedWith413() async throws {
        try await TestHub.with(configure: { $0.maxBodyBytes = 4096 }) { hub in
            let node = try TestNode()
            try #require(try await hub.enroll(node, name: "field-1").status == 200)
            let before = try await hub.snapshot()
            let entity = EntityID.make(owner: node.id)
            let big = BatchCodec.encode([node.op(1, entity, .set(field: "narrative", value: .string(String(repeating: "x", count: 8000)), rank: 0, supersedes: []))], compress: false)
            let reply = try await hub.request("POST", "/v1/push", headers: node.signedHeaders("POST", "/v1/push", body: big), body: big)
            #expect(reply.status == 413)
            // A small gzip body that inflates past the limit: too_large from the hub itself.
            let bomb = ContentCoding.gzip(big)
            #expect(bomb.count < 4096)
            let inflated = try await hub.request("POST", "/v1/push",
                                                 headers: node.signedHeaders("POST", "/v1/push", body: bomb) + [("Content-Encoding", "gzip")], body: bomb)
            #expect(inflated.status == 413)
            #expect(inflated.errorCode == "too_large" && inflated.retry == "now")
            #expect(try await hub.snapshot() == before)
        }
    }

    @Test func compressedRequestsAndResponses() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            try #require(try await hub.enroll(node, name: "field-1").status == 200)
            let ops = node.report(firstSeq: 1, ref: "MINUSCA-DDDD-2M").ops
            let body = ContentCoding.gzip(BatchCodec.encode(ops, compress: false))
            let reply = try await hub.request("POST", "/v1/push", headers: node.signedHeaders("POST", "/v1/push", body: body) + [("Content-Encoding", "gzip")], body: body)
            #expect(reply.status == 200)
            #expect(try PushAck.decode(reply.body).perOrigin.first?.contiguousSeq == 4)
            // A deflated frame (spec §8.3, here with the preset dictionary) is as good as a plain one.
            let more = node.report(firstSeq: 5, ref: "MINUSCA-DDDE-2M").ops + (9..<40).map {
                node.op($0, EntityID.make(owner: node.id, local: "notes"), .add(field: "needs", element: .string("need \($0 % 3)")))
            }
            let frame = BatchCodec.encode(more, compress: true)
            try #require(frame[5] & BatchCodec.compressedFlag != 0)
            let deflated = try await hub.request("POST", "/v1/push", headers: node.signedHeaders("POST", "/v1/push", body: frame), body: frame)
            #expect(try PushAck.decode(deflated.body).perOrigin.first?.contiguousSeq == 39)
            let unknown = try await hub.request("POST", "/v1/push", headers: node.signedHeaders("POST", "/v1/push", body: body) + [("Content-Encoding", "br")], body: body)
            #expect(unknown.status == 400 && unknown.errorCode == "malformed")

            // A pull response that compresses well carries a deflated frame.
            try await hub.store.async { store in
                try store.write { tx in
                    for i in 0..<40 { try tx.set("ref.premises", "p\(i)", "name", .string("Premises number \(i) near the river")) }
                }
            }
            let pullBody = PullRequest(cursor: 0).encode()
            let pulled = try await hub.request("POST", "/v1/pull", headers: node.signedHeaders("POST", "/v1/pull", body: pullBody), body: pullBody)
            #expect(pulled.status == 200)
            let response = try PullResponse.decode(pulled.body)
            try #require(response.nextCursor < 128)  // a one-byte varint: the frame starts at byte 4
            #expect(pulled.body[4 + BatchCodec.magic.count + 1] & BatchCodec.compressedFlag != 0)
            #expect(try PullResponse.decode(pulled.body).ops.filter { $0.collection == "ref.premises" }.count == 40)
        }
    }
}
