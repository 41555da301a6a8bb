import Testing
import SyncProtocol
@testable import HubKit

@Suite struct BacklogTests {
    /// A node reports how much it still has to send; `missionhub node list` shows the last
    /// figure. The header is informational: a malformed one is ignored, a missing one keeps the
    /// previous figure, and neither refuses the request.
    @Test func theHubRecordsWhatEachNodeReportsAsItsBacklog() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            #expect(try await hub.enroll(node, name: "field-1").status == 200)
            func backlog() async throws -> UInt64? {
                try await hub.store.async { try NodeRegistry(store: $0).nodes().first { $0.nodeID == node.id }?.lastBacklog }
            }
            #expect(try await backlog() == nil)
            func push(_ header: String?) async throws -> Int {
                let body = BatchCodec.encode([], compress: false)
                var headers = node.signedHeaders("POST", "/v1/push", body: body)
                if let header { headers.append((RequestSigning.backlogHeader, header)) }
                return try await hub.request("POST", "/v1/push", headers: headers, body: body).status
            }
            #expect(try await push("17") == 200)
            #expect(try await backlog() == 17)
            #expect(try await push(nil) == 200)
            #expect(try await backlog() == 17)
            #expect(try await push("-3") == 200)
            #expect(try await push("12abc") == 200)
            #expect(try await backlog() == 17)
            #expect(try await push("0") == 200)
            #expect(try await backlog() == 0)
            let listing = try await hub.store.async { store in try NodeListing.text(NodeListing.load(store: store)) }
            #expect(listing.contains("BACKLOG"))
        }
    }
}
