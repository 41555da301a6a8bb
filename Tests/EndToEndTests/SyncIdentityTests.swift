import TestSupport
import Foundation
import JSON
import Testing

/// Issue 14, parts 3 and 5, against a real `missionhub serve`: no enrollment takes the hub's
/// own identity or brings a weak key; outstanding tokens are listed without their text,
/// cancelled, and cancelled by a revocation.
@Suite struct SyncIdentityTests {
    /// RFC 8032 test 1's public key: a valid Ed25519 point.
    static let validKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

    /// `POST /v1/enroll` with `body`, raw over loopback: the status line and the body.
    func enroll(_ cluster: SyncCluster, _ body: JSONValue) throws -> (status: String, body: String) {
        let json = JSON.encode(body)
        let request = "POST /v1/enroll HTTP/1.1\r\nHost: 127.0.0.1\r\nFS-Protocol: 1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(json.utf8.count)\r\nConnection: close\r\n\r\n" + json
        let answer = String(decoding: try FaultProxy.exchange(Array(request.utf8), port: cluster.port), as: UTF8.self)
        let status = answer.split(separator: "\r\n").first.map(String.init) ?? ""
        let body = answer.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        return (status, body)
    }

    @Test(.timeLimit(.minutes(1)))
    func noLaptopTakesTheHubsIdentityAndTokensDoWhatAnAdminExpects() async throws {
        let cluster = try await SyncCluster()
        try await cluster.startHub()
        let desk = try await cluster.addNode("desk")
        let credentials = try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: desk.dataDir + "/credentials.json"))))
        let hubID = try #require(credentials["hubId"]?.stringValue)

        // The hub's own id, which every enrolled laptop knows: refused, the token not spent.
        let token = try await cluster.issueToken("intruder")
        let impostor = try enroll(cluster, ["token": .string(token), "nodeId": .string(hubID), "publicKey": .string(Self.validKey)])
        #expect(impostor.status.hasPrefix("HTTP/1.1 409") && impostor.body.contains("already_enrolled"), "\(impostor)")
        // A weak (small-order) device key: refused.
        let weak = try enroll(cluster, ["token": .string(token), "nodeId": .string(String(repeating: "5", count: 32)),
                                        "publicKey": .string(String(repeating: "0", count: 64))])
        #expect(weak.status.hasPrefix("HTTP/1.1 400") && weak.body.contains("malformed"), "\(weak)")
        // Neither refusal spent the token; listing it shows no token text.
        let listed = try await cluster.hubCommand(["node", "tokens", "--json"])
        let rows = try listed.json().arrayValue ?? []
        #expect(rows.count == 1 && rows.first?["name"] == "intruder" && !listed.stdout.contains(token), "\(listed)")
        // Cancelled, it enrolls no one.
        let id = try #require(rows.first?["id"]?.stringValue)
        #expect(try await cluster.hubCommand(["node", "tokens", "--cancel", id]).succeeded)
        let cancelled = try enroll(cluster, ["token": .string(token), "nodeId": .string(String(repeating: "6", count: 32)),
                                             "publicKey": .string(Self.validKey)])
        #expect(cancelled.status.hasPrefix("HTTP/1.1 401") && cancelled.body.contains("bad_token"), "\(cancelled)")
        // Revoking a node cancels its outstanding tokens: a second token issued for the same name
        // before the laptop enrolled cannot bring it back.
        let first = try await cluster.issueToken("desk-2")
        let spare = try await cluster.issueToken("desk-2")
        let desk2 = try await cluster.addNode("desk-2", enroll: false)
        try await cluster.enroll(desk2, at: cluster.hubURL, token: first)
        #expect(try await cluster.hubCommand(["node", "revoke", "desk-2"]).succeeded)
        let left = try await cluster.hubCommand(["node", "tokens", "--json"]).json().arrayValue ?? []
        #expect(left.isEmpty, "revocation left \(left)")
        await #expect(throws: (any Error).self) { try await cluster.enroll(desk2, at: cluster.hubURL, token: spare) }
        let again = try await cluster.issueToken("desk-2")  // nor does a new one
        await #expect(throws: (any Error).self) { try await cluster.enroll(desk2, at: cluster.hubURL, token: again) }
        #expect(try await cluster.sync(desk2).stderr.contains("revoked"))
        // And the hub still writes: a new laptop's report is received.
        let fresh = try await cluster.addNode("fresh")
        let refs = try await cluster.addSamples(fresh, [0])
        #expect(try await cluster.sync(fresh).succeeded)
        #expect(try await cluster.hubReports().first { $0.ref == refs.first }?.receivedAt != nil)
    }
}
