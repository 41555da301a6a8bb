import Testing
@testable import HubKit

@Suite struct TimeTextTests {
    @Test func formatsKnownInstants() {
        #expect(TimeText.rfc3339(milliseconds: 0) == "1970-01-01T00:00:00Z")
        #expect(TimeText.rfc3339(milliseconds: 1_763_900_000_250) == "2025-11-23T12:13:20Z")
        #expect(TimeText.rfc3339(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00Z")
        #expect(TimeText.rfc3339(milliseconds: 4_102_444_799_999) == "2099-12-31T23:59:59Z")
    }

    @Test func parsesLifetimes() {
        #expect(TimeText.lifetimeMilliseconds("24h") == 86_400_000)
        #expect(TimeText.lifetimeMilliseconds("90m") == 5_400_000)
        #expect(TimeText.lifetimeMilliseconds("7d") == 604_800_000)
        #expect(TimeText.lifetimeMilliseconds("30s") == 30_000)
        for bad in ["", "h", "0h", "24", "24H", "-1h", "1.5h", "24 h", "99999999999999999999d"] {
            #expect(TimeText.lifetimeMilliseconds(bad) == nil, "\(bad)")
        }
    }
}
