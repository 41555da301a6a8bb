import Foundation
import Testing

/// Issue 14, part 2, with real processes: a laptop whose clock ran a year ahead records reports
/// offline; the hub holds them in quarantine (kept, listed with the reason, counted on the
/// laptop). Once the laptop's clock is corrected its next report is merged on the next sync and
/// its amendment to an older report too; the admin releases the held reports, and the
/// amendment — written after the laptop saw the old value — wins over the year-ahead stamp.
@Suite struct SyncClockTests {
    static let year: Int64 = 365 * 86_400_000

    @Test(.timeLimit(.minutes(2)))
    func aLaptopWhoseClockRanAYearAheadRecoversOnceCorrected() async throws {
        let cluster = try await SyncCluster()
        try await cluster.startHub()
        // Offline from the start, its clock a year ahead: two reports stamped a year ahead.
        var desk = try await cluster.addNode("desk", enroll: false, environment: ["FIELDNODE_TEST_CLOCK_OFFSET_MS": String(Self.year)])
        let early = try await cluster.addSamples(desk, [0, 1])
        try await cluster.enroll(desk, at: cluster.hubURL)
        let first = try await cluster.sync(desk)
        let held = try first.json()
        #expect(held["reportsHeldAtHub"] == 2, "\(first)")
        #expect((held["quarantinedAtHub"]?.int64Value ?? 0) > 0)
        let warned = try await cluster.node(desk, ["status"])
        #expect(warned.stdout.contains("held at hub:") && warned.stdout.contains("2 reports"), "\(warned)")
        #expect(try await cluster.status(desk)["heldAtHub"]?["reports"] == 2)
        #expect(try await cluster.hubReports().isEmpty, "held reports must not be merged yet")
        let listed = try await cluster.hubCommand(["quarantine", "list", "--json"]).json()
        let row = try #require(listed.arrayValue?.first)
        #expect(row["node"] == "desk" && (row["ops"]?.int64Value ?? 0) > 0 && row["records"] == 2)
        #expect(row["reason"]?.stringValue?.contains("ahead of the hub's clock") == true)
        #expect((row["aheadByMilliseconds"]?.int64Value ?? 0) > Self.year - 86_400_000)

        // The clock is set right. The next report reaches the hub and is merged on the next sync,
        // and so is an amendment to an older (held) report.
        desk.environment = [:]
        let later = try await cluster.addSamples(desk, [2])
        let amended = try await cluster.node(desk, ["report", "amend", early[0], "--set", "incident.area=Bria"])
        #expect(amended.succeeded, "\(amended)")
        #expect(try await cluster.sync(desk).succeeded)
        #expect(try await cluster.hubReports().compactMap(\.ref) == later, "the report recorded after the correction waits")

        // The admin releases the held reports: every report is there, and the amendment wins.
        let released = try await cluster.hubCommand(["quarantine", "release", "desk"])
        #expect(released.succeeded && released.stdout.contains("Released"), "\(released)")
        #expect(Set(try await cluster.hubReports().compactMap(\.ref)) == Set(early + later))
        let shown = try await cluster.hubCommand(["report", "show", early[0], "--json"]).json()
        #expect(shown["fields"]?["incident.area"] == "Bria", "a year-ahead stamp beat a later amendment: \(shown)")
        #expect(try await cluster.hubCommand(["quarantine", "list", "--json"]).json().arrayValue?.isEmpty == true)
        let after = try await cluster.sync(desk)
        #expect(try after.json()["reportsHeldAtHub"] == 0)
        #expect(try await cluster.status(desk)["heldAtHub"]?["reports"] == 0)
        try await SyncConvergence.expectConverged(cluster, printed: [desk: early + later])
    }
}
