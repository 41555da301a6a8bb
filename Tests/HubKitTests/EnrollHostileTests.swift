@testable import HubKit
import JSON
import Testing
import TestSupport

/// An enrollment request is unauthenticated: a member name made of one huge grapheme cluster
/// must cost the hub time linear in its bytes (issue 14), and is still named in the refusal.
@Suite struct EnrollHostileTests {
    static func body(extraMember: String) -> [UInt8] {
        let key = String(repeating: "ab", count: 32)
        return Array("{\"token\":\"t\",\"nodeId\":\"\(String(key.prefix(32)))\",\"publicKey\":\"\(key)\",\"\(extraMember)\":1}".utf8)
    }

    @Test func aHugeClusterMemberNameIsRefusedInLinearTime() throws {
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
        let result = LinearTime.check(hostile: { _ = try? HubEndpoints.enrollment(hostile) },
                                      plain: { _ = try? HubEndpoints.enrollment(plain) })
        print("HubEndpoints.enrollment, cluster member: \(result)")
        #expect(result.isLinear, "\(result)")
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
