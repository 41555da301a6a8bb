import Crypto
@testable import HubKit
import JSON
import SyncEngine
import SyncProtocol
import Testing

@Suite struct EnrollEndpointTests {
    @Test func enrollsAndRepeatsTheSameAnswerForALostReply() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            let token = try await hub.store.async { store in
                try NodeRegistry(store: store).issueToken(name: "field-1", lifetimeMilliseconds: 3_600_000, now: hub.clock.now).token
            }
            let first = try await hub.request("POST", "/v1/enroll", headers: [("FS-Protocol", "1")], body: node.enrollment(token: token))
            #expect(first.status == 200)
            #expect(first.headers["fs-protocol"] == "1")
            #expect(first.headers["fs-hub-time"] == String(hub.clock.now))
            let answer = try #require(first.json)
            #expect(answer["nodeId"]?.stringValue == node.id.hex)
            #expect(answer["hubId"]?.stringValue == hub.store.nodeID.hex)
            #expect(answer["mission"]?.stringValue == "MINUSCA")
            let keyHex = try #require(answer["sealingKey"]?["publicKey"]?.stringValue)
            let key = try #require(Hex.decode(keyHex))
            #expect(answer["sealingKey"]?["keyId"]?.stringValue == Hex.encode(SealingKeys.keyID(for: key)))
            _ = try X25519.PublicKey(rawRepresentation: key)

            // The device lost the answer and asks again with the same token, id and key.
            let again = try await hub.request("POST", "/v1/enroll", headers: [("FS-Protocol", "1")], body: node.enrollment(token: token))
            #expect(again.status == 200)
            #expect(again.body == first.body)

            let nodes = try await hub.store.async { try NodeRegistry(store: $0).nodes() }
            #expect(nodes.map(\.name) == ["field-1"])
            #expect(nodes.first?.nodeID == node.id)
        }
    }

    @Test func refusesReusedExpiredAndUnknownTokensChangingNothing() async throws {
        try await TestHub.with { hub in
            let first = try TestNode(), second = try TestNode()
            let token = try await hub.store.async { store in
                try NodeRegistry(store: store).issueToken(name: "field-1", lifetimeMilliseconds: 60_000, now: hub.clock.now).token
            }
            #expect(try await hub.request("POST", "/v1/enroll", headers: [("FS-Protocol", "1")], body: first.enrollment(token: token)).status == 200)
            let before = try await hub.snapshot()

            // Reuse by another device, and by the same device with another key.
            for body in [second.enrollment(token: token), first.enrollment(token: token, publicKey: second.key.publicKey.rawRepresentation)] {
                let reply = try await hub.request("POST", "/v1/enroll", headers: [("FS-Protocol", "1")], body: body)
                #expect(reply.status == 401)
                #expect(reply.errorCode == "bad_token")
                #expect(reply.retry == "stop")
            }
            // Unknown token.
            let unknown = try await hub.request("POST", "/v1/enroll", headers: [("FS-Protocol", "1")],
                                                body: second.enrollment(token: EnrollmentToken.generate()))
            #expect(unknown.status == 401 && unknown.errorCode == "bad_token")

            // Expired: issued for one minute, presented a minute later.
            let late = try await hub.store.async { store in
                try NodeRegistry(store: store).issueToken(name: "field-2", lifetimeMilliseconds: 60_000, now: hub.clock.now).token
            }
            hub.clock.advance(milliseconds: 60_000)
            let expired = try await hub.request("POST", "/v1/enroll", headers: [("FS-Protocol", "1")], body: second.enrollment(token: late))
            #expect(expired.status == 401 && expired.errorCode == "bad_token")
            #expect(try await hub.snapshot() == before)
        }
    }

    @Test func aNodeIDEnrolledUnderAnotherNameIsAConflict() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            #expect(try await hub.enroll(node, name: "field-1").status == 200)
            let before = try await hub.snapshot()
            let reply = try await hub.enroll(node, name: "field-2")
            #expect(reply.status == 409)
            #expect(reply.errorCode == "already_enrolled")
            #expect(reply.retry == "stop")
            #expect(try await hub.snapshot() == before)
        }
    }

    @Test func reEnrollingARevokedNodeAndReusingItsName() async throws {
        try await TestHub.with { hub in
            let old = try TestNode(), replacement = try TestNode()
            #expect(try await hub.enroll(old, name: "field-1").status == 200)
            // An active name cannot get a token.
            await #expect(throws: HubError.self) {
                try await hub.store.async { try NodeRegistry(store: $0).issueToken(name: "field-1", lifetimeMilliseconds: 60_000, now: 0) }
            }
            try await hub.store.async { store in _ = try NodeRegistry(store: store).revoke(name: "field-1", now: hub.clock.now) }
            #expect(try await old.push(hub, []).errorCode == "revoked")
            // The admin sees the revoked laptop still knocking: in the log and in `node list`.
            #expect(hub.log.lines.contains { $0.contains("request refused before authentication") && $0.contains("code=revoked")
                && $0.contains("claimed_node=\(old.id.hex)") })
            let lastError = try await hub.store.async { try NodeRegistry(store: $0).nodes().first { $0.nodeID == old.id }?.lastError }
            #expect(lastError == "revoked")
            // A new laptop takes the name; the revoked row keeps its history under a new name.
            #expect(try await hub.enroll(replacement, name: "field-1").status == 200)
            let names = try await hub.store.async { try NodeRegistry(store: $0).nodes().map { "\($0.name) \($0.isRevoked)" } }
            #expect(names.sorted() == ["field-1 false", "field-1~\(old.id.hex) true"])
            #expect(try await replacement.push(hub, []).status == 200)
            #expect(try await old.push(hub, []).errorCode == "revoked")
        }
    }

    @Test func refusesMalformedRequests() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            let token = try await hub.store.async { store in
                try NodeRegistry(store: store).issueToken(name: "field-1", lifetimeMilliseconds: 60_000, now: hub.clock.now).token
            }
            let cases: [([(String, String)], [UInt8], Int, String)] = [
                ([], node.enrollment(token: token), 400, "unsupported_version"),
                ([("FS-Protocol", "2")], node.enrollment(token: token), 400, "unsupported_version"),
                ([("FS-Protocol", "1")], Array("{\"token\":".utf8), 400, "malformed"),
                ([("FS-Protocol", "1")], Array("[]".utf8), 400, "malformed"),
                ([("FS-Protocol", "1")], Array(#"{"token":"\#(token)","nodeId":"ABC","publicKey":"00"}"#.utf8), 400, "malformed"),
                ([("FS-Protocol", "1")], Array(#"{"token":"\#(token)","nodeId":"\#(node.id.hex)","publicKey":"\#(String(repeating: "0", count: 63))"}"#.utf8), 400, "malformed"),
                ([("FS-Protocol", "1")], Array(#"{"token":"\#(token)","nodeId":"\#(node.id.hex)","publicKey":"\#(Hex.encode(node.key.publicKey.rawRepresentation))","extra":1}"#.utf8), 400, "malformed"),
            ]
            for (headers, body, status, code) in cases {
                let reply = try await hub.request("POST", "/v1/enroll", headers: headers, body: body)
                #expect(reply.status == status, "\(String(decoding: body, as: UTF8.self))")
                #expect(reply.errorCode == code)
                #expect(reply.headers["fs-hub-time"] != nil)
            }
            // None of that used the token.
            #expect(try await hub.request("POST", "/v1/enroll", headers: [("FS-Protocol", "1")], body: node.enrollment(token: token)).status == 200)
        }
    }

    /// Enrollment is unauthenticated: a body over 4 KiB as sent, or one that inflates past
    /// 4 KiB (a gzip bomb), is `too_large` without being inflated or parsed whole, and spends
    /// no token; a gzipped enrollment under the cap still works.
    @Test func oversizedAndBombEnrollmentsAreRefusedBeforeAnyWork() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            let token = try await hub.store.async { store in
                try NodeRegistry(store: store).issueToken(name: "field-1", lifetimeMilliseconds: 3_600_000, now: hub.clock.now).token
            }
            let valid = node.enrollment(token: token)
            let padded = valid + [UInt8](repeating: 0x20, count: 4096 - valid.count + 1)  // valid JSON, 4097 bytes
            let bomb = ContentCoding.gzip([UInt8](repeating: 0x20, count: 8 << 20))       // 8 MiB of spaces, ~8 KiB sent
            let smallBomb = ContentCoding.gzip(valid + [UInt8](repeating: 0x20, count: 4096))  // < 4 KiB sent, > 4 KiB inflated
            for (headers, body) in [([("FS-Protocol", "1")], padded),
                                    ([("FS-Protocol", "1"), ("Content-Encoding", "gzip")], bomb),
                                    ([("FS-Protocol", "1"), ("Content-Encoding", "gzip")], smallBomb)] {
                let reply = try await hub.request("POST", "/v1/enroll", headers: headers, body: body)
                #expect(reply.status == 413, "\(body.count) bytes sent")
                #expect(reply.errorCode == "too_large")
            }
            #expect(smallBomb.count < 4096)
            let gzipped = try await hub.request("POST", "/v1/enroll", headers: [("FS-Protocol", "1"), ("Content-Encoding", "gzip")],
                                                body: ContentCoding.gzip(valid))
            #expect(gzipped.status == 200)
        }
    }

    @Test func healthAndUnknownRoutes() async throws {
        try await TestHub.with { hub in
            let health = try await hub.request("GET", "/v1/health")
            #expect(health.status == 200)
            #expect(health.json == ["status": "ok", "protocol": 1, "hubTime": .int(Int64(hub.clock.now))])
            let missing = try await hub.request("GET", "/v1/nothing")
            #expect(missing.status == 404 && missing.errorCode == "not_found" && missing.headers["fs-protocol"] == "1")
            let wrongMethod = try await hub.request("GET", "/v1/push")
            #expect(wrongMethod.status == 405 && wrongMethod.errorCode == "method_not_allowed")
            #expect(wrongMethod.headers["allow"] == "POST")
        }
    }
}
