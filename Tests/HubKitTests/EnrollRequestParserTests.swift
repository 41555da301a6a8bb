import Crypto
@testable import HubKit
import JSON
import SyncProtocol
import Testing
import TestSupport

/// `HubEndpoints.enrollment(_:)` reads an unauthenticated body: a member name made of one huge
/// grapheme cluster must cost the hub time linear in its bytes (issue 14) and is still named in
/// the refusal; a weak or invalid Ed25519 key is refused.
@Suite struct EnrollRequestParserTests {
    static let nodeID = String(repeating: "ab", count: 16)

    static func body(extraMember: String) -> [UInt8] {
        let key = Hex.encode(Ed25519.PrivateKey().publicKey.rawRepresentation)
        return Array("{\"token\":\"t\",\"nodeId\":\"\(nodeID)\",\"publicKey\":\"\(key)\",\"\(extraMember)\":1}".utf8)
    }

    static func body(publicKey: String) -> [UInt8] {
        Array("{\"token\":\"t\",\"nodeId\":\"\(nodeID)\",\"publicKey\":\"\(publicKey)\"}".utf8)
    }

    @Test func weakOrInvalidDeviceKeysAreRefused() throws {
        let p = "ed" + String(repeating: "ff", count: 30) + "7f"
        let weak = [
            String(repeating: "00", count: 32),                      // order 4
            "01" + String(repeating: "00", count: 31),               // the identity
            "ec" + String(repeating: "ff", count: 30) + "7f",        // order 2
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  // order 8
            p,                                                       // y = p: non-canonical
            "02" + String(repeating: "00", count: 31),               // y = 2: not on the curve
        ]
        for key in weak {
            #expect(throws: HubWireError(.malformed, "The enrollment request needs \"publicKey\": a raw Ed25519 public key as 64 lowercase hex digits, a valid curve point not of small order (weak keys are refused)."), "\(key)") {
                try HubEndpoints.enrollment(Self.body(publicKey: key))
            }
        }
        let good = Ed25519.PrivateKey().publicKey.rawRepresentation
        let (_, _, key) = try HubEndpoints.enrollment(Self.body(publicKey: Hex.encode(good)))
        #expect(key == good)
    }

    @Test func aHugeClusterMemberNameIsRefusedInLinearTime() async throws {
        let cluster = HostileText.cluster(marks: 20_000)
        let hostile = Self.body(extraMember: cluster), plain = Self.body(extraMember: HostileText.plain(matching: cluster))
        #expect(hostile.count == plain.count)
        do {
            _ = try HubEndpoints.enrollment(hostile)
            Issue.record("an unknown member was accepted")
        } catch {
            #expect(error.wire.code == .malformed)
            // Compared by bytes: a String comparison of the message would itself be quadratic.
            #expect(error.wire.message.utf8.starts(with: "The enrollment request has an unknown member \"a\u{301}".utf8))
        }
        let result = await LinearTime.check(hostile: { _ = try? HubEndpoints.enrollment(hostile) },
                                      plain: { _ = try? HubEndpoints.enrollment(plain) })
        print("HubEndpoints.enrollment, cluster member: \(result)")
        #expect(result.isLinear, "\(result)")
    }

    @Test func aSmallGzippedEnrollmentWithAHugeClusterCostsLinearTime() async throws {
        // The attack of issue 14: a few hundred gzipped bytes, unauthenticated, inflating to a
        // 128 KB member name.
        let cluster = HostileText.cluster(marks: 64_000)
        let hostile = ContentCoding.gzip(Self.body(extraMember: cluster))
        let plain = ContentCoding.gzip(Self.body(extraMember: HostileText.plain(matching: cluster)))
        #expect(hostile.count < 1024)
        try await TestHub.with { hub in
            let headers = [("FS-Protocol", "1"), ("Content-Encoding", "gzip")]
            let first = try await hub.request("POST", "/v1/enroll", headers: headers, body: hostile)
            // Refused before it is parsed: it inflates past the 4 KiB an enrollment may take.
            #expect(first.status == 413 && first.errorCode == "too_large")
            let result = await LinearTime.check(
                hostile: { _ = try? await hub.request("POST", "/v1/enroll", headers: headers, body: hostile) },
                plain: { _ = try? await hub.request("POST", "/v1/enroll", headers: headers, body: plain) })
            print("POST /v1/enroll, \(hostile.count) gzipped bytes, 128 KB cluster member: \(result)")
            #expect(result.isLinear, "\(result)")
        }
    }

    @Test func theUnknownMemberIsNamed() {
        #expect(throws: HubWireError.self) { try HubEndpoints.enrollment(Self.body(extraMember: "labels")) }
        do {
            _ = try HubEndpoints.enrollment(Self.body(extraMember: "labels"))
        } catch {
            #expect(error.wire.message.contains("unknown member \"labels\""))
        }
    }
}
