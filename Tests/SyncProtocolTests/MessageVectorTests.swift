import Foundation
import Testing
import TestSupport
@testable import SyncProtocol

/// Protocols/vectors/messages.json: session messages, the signature base string, error bodies.
@Suite struct MessageVectorTests {
    static let ack = PushAck(perOrigin: [OriginAck(origin: nodeA, stored: [1...300], quarantined: 0),
                                         OriginAck(origin: nodeB, stored: [1...3, 6...9], quarantined: 2)],
                             hubTime: VectorCases.t0)
    static let pulls = [PullRequest(cursor: 0, maxBytes: 1024 * 1024), PullRequest(cursor: 1234, maxBytes: 65536)]
    static let hub = node(0x48)
    static let response = PullResponse(ops: [VectorCases.op(hub, 41, .set(field: "status", value: .string("received"), rank: 1,
                                                                          supersedes: []), ms: VectorCases.t0 + 90_000)],
                                       nextCursor: 17, more: false)
    static let errorMessages: [WireError.Code: String] = [
        .unsupportedVersion: "This hub speaks FS-Protocol 1; update fieldnode.",
        .malformed: "The request body could not be decoded (badChecksum at byte 134); fieldnode must be fixed.",
        .tooLarge: "The batch is larger than 16 MiB; send smaller batches.",
        .foreignOrigin: "A pushed op names another node as its origin; push only this node's ops.",
        .opConflict: "An op with this id and different content is already stored; stop and report this node.",
        .unauthenticated: "This device is not known to the hub or its signature is wrong; enroll it again.",
        .revoked: "This device was revoked; ask the mission hub admin.",
        .staleCounter: "The request counter was already used; retry with a counter above lastCounter.",
        .badToken: "The enrollment token is unknown, used or expired; ask the admin for a new one.",
        .alreadyEnrolled: "This node id is enrolled with another key; run fieldnode init on a fresh data dir.",
        .resyncRequired: "This node was silent past the retention window; pull from cursor 0 and push unacknowledged ops.",
        .notFound: "No such endpoint.",
        .methodNotAllowed: "Use POST for this endpoint.",
        .rateLimited: "Too many requests; retry later.",
        .unavailable: "The hub is starting or shutting down; retry later.",
        .internalError: "The hub failed; retry later. The error was logged.",
    ]

    func message(_ name: String, _ bytes: [UInt8], _ fields: [(String, J)]) -> J {
        .obj([("name", .str(name))] + fields + [("hex", .str(hex(bytes)))])
    }

    var tree: J {
        let ack = message("push-ack", Self.ack.encode(), [
            ("hubTime", .int(Self.ack.hubTime)),
            ("perOrigin", .arr(Self.ack.perOrigin.map { a in
                .obj([("origin", .str(a.origin.hex)), ("contiguousSeq", .int(a.contiguousSeq)), ("highestSeq", .int(a.highestSeq)),
                      ("gaps", .arr(a.gaps.map { .arr([.int($0.lowerBound), .int($0.upperBound)]) })), ("quarantined", .int(a.quarantined))])
            })),
        ])
        let pulls = Self.pulls.map { p in
            message("pull-request-cursor-\(p.cursor)", p.encode(), [("cursor", .int(p.cursor)), ("maxBytes", .int(p.maxBytes))])
        }
        let response = message("pull-response", Self.response.encode(compress: false), [
            ("nextCursor", .int(Self.response.nextCursor)), ("more", .bool(Self.response.more)),
            ("ops", .arr(Self.response.ops.map(VectorForm.op))),
        ])
        let body = Self.pulls[1].encode()
        let base = RequestSigning.baseString(method: "POST", path: "/v1/pull", node: nodeA, counter: VectorCases.t0 * 1000, body: body)
        let signing = J.obj([("method", .str("POST")), ("path", .str("/v1/pull")), ("node", .str(nodeA.hex)),
                             ("counter", .int(VectorCases.t0 * 1000)), ("bodyHex", .str(hex(body))),
                             ("baseString", .str(String(decoding: base, as: UTF8.self))), ("baseStringHex", .str(hex(base)))])
        let errors = WireError.Code.allCases.map { code in
            let e = WireError(code, Self.errorMessages[code]!, lastCounter: code == .staleCounter ? VectorCases.t0 * 1000 + 7 : nil)
            return J.obj([("code", .str(code.rawValue)), ("status", .int(code.status)), ("retry", .str(code.retry.rawValue)),
                          ("body", .str(String(decoding: e.jsonBody(), as: UTF8.self)))])
        }
        return .obj(VectorTests.header("session messages (spec §10), signature base string (§10.2), error bodies (§11)")
                    + [("messages", .arr([ack] + pulls + [response])), ("signing", signing), ("errors", .arr(errors))])
    }

    @Test func messageVectors() throws {
        let json = try VectorTests().check("messages.json", tree)
        let messages = try (json["messages"] as? [Any] ?? []).map(VectorParse.dict)
        #expect(messages.count == 4)
        for m in messages {
            let bytes = try VectorParse.hex(m["hex"])
            switch try VectorParse.str(m["name"]) {
            case "push-ack":
                let ack = try PushAck.decode(bytes)
                #expect(ack.hubTime == (try VectorParse.u64(m["hubTime"])))
                #expect(ack.encode() == bytes)
            case let n where n.hasPrefix("pull-request"):
                let p = try PullRequest.decode(bytes)
                let cursor = try VectorParse.u64(m["cursor"]), maxBytes = try VectorParse.u64(m["maxBytes"])
                #expect(p.cursor == cursor && p.maxBytes == maxBytes)
            default:
                let r = try PullResponse.decode(bytes)
                #expect(r.nextCursor == (try VectorParse.u64(m["nextCursor"])))
                #expect(r.ops.map(OpCodec.encode) == (try VectorParse.ops(m["ops"])).map(OpCodec.encode))
            }
        }
        let s = try VectorParse.dict(json["signing"])
        let base = RequestSigning.baseString(method: try VectorParse.str(s["method"]), path: try VectorParse.str(s["path"]),
                                             node: try VectorParse.node(s["node"]), counter: try VectorParse.u64(s["counter"]),
                                             body: try VectorParse.hex(s["bodyHex"]))
        #expect(hex(base) == (try VectorParse.str(s["baseStringHex"])))
        let errors = try (json["errors"] as? [Any] ?? []).map(VectorParse.dict)
        #expect(errors.count == WireError.Code.allCases.count)
        for e in errors {
            let code = WireError.Code(rawValue: try VectorParse.str(e["code"]))
            let status = Int(try VectorParse.u64(e["status"]))
            #expect(code?.status == status)
            #expect(code?.retry.rawValue == (try VectorParse.str(e["retry"])))
        }
    }
}
