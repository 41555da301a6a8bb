import Foundation
import JSON
import Testing

/// A stolen laptop cannot erase evidence already at the hub (spec §14.1). The thief holds the
/// laptop and its device key: it rewrites a synced report's narrative (`fieldnode report
/// amend`), deletes the report (`fieldnode debug delete`) and pushes both with the laptop's
/// own signed `fieldnode sync`. The real hub keeps the report listed as withdrawn by that
/// laptop, and `missionhub report show` still reads the original narrative, who changed it and
/// when; neither narrative reaches the hub's log.
@Suite struct SyncStolenLaptopTests {
    @Test(.timeLimit(.minutes(1)))
    func aStolenLaptopCannotEraseWhatTheHubReceived() async throws {
        let cluster = try await SyncCluster()
        try await cluster.startHub()
        let node = try await cluster.addNode("desk")
        let ref = try #require(try await cluster.addSamples(node, [0]).first)
        #expect(try await cluster.sync(node).succeeded)
        let stored = try await cluster.node(node, ["report", "show", ref, "--json"]).json()
        #expect(stored["report"]?["allegation"]?["narrative"] == "(sealed)", "the laptop cannot read it back")
        let atHub = try await cluster.hubCommand(["report", "show", ref, "--json"]).json()
        let original = try #require(atHub["fields"]?["allegation.narrative"]?.stringValue, "\(atHub)")
        let received = try #require(try await cluster.hubReports().first { $0.ref == ref })
        #expect(received.receivedAt != nil, "the hub did not stamp \(ref) as received")

        let rewritten = "Nothing happened; the caller withdrew everything."
        let amended = try await cluster.node(node, ["report", "amend", ref, "--set", "allegation.narrative=\(rewritten)"])
        #expect(amended.succeeded, "\(amended)")
        let deleted = try await cluster.node(node, ["debug", "delete", ref])
        #expect(deleted.succeeded, "\(deleted)")
        #expect(try await cluster.sync(node).succeeded)

        let row = try #require(try await cluster.hubReports().first { $0.ref == ref }, "the hub no longer lists \(ref)")
        #expect(row.status == "withdrawn" && row.withdrawnBy == "desk" && row.amendments == 1, "\(row)")
        let withdrawnAt = try #require(row.withdrawnAt)
        let listed = try await cluster.hubCommand(["report", "list"])
        #expect(listed.stdout.contains("WITHDRAWN by desk at \(withdrawnAt)"), "\(listed)")

        let shown = try await cluster.hubCommand(["report", "show", ref, "--json"]).json()
        #expect(shown["fields"]?["allegation.narrative"] != nil && received.amendments == 0)
        #expect(shown["status"] == "withdrawn" && shown["withdrawnBy"] == "desk")
        #expect(shown["fields"]?["allegation.narrative"] == .string(rewritten), "the current content is kept")
        let history = try #require(shown["history"]?["allegation.narrative"]?.arrayValue)
        #expect(history.count == 1, "\(history)")
        #expect(history.first?["value"] == .string(rewritten))
        #expect(history.first?["previous"] == [.string(original)], "the narrative the hub received is gone: \(shown)")
        #expect(history.first?["by"] == "desk" && history.first?["at"] == .string(withdrawnAt))
        #expect(shown["lifecycle"]?.arrayValue?.map { $0["event"] } == ["withdrawn"])
        let text = try await cluster.hubCommand(["report", "show", ref])
        #expect(text.stdout.contains(original) && text.stdout.contains("withdrew (deleted) the report"), "\(text)")

        let logs = cluster.hubLogs
        #expect(logs.contains("push changed received reports") && logs.contains("withdrawn=1"), "\(logs)")
        #expect(!logs.contains(original) && !logs.contains(rewritten), "report content in the hub's log")
    }
}
