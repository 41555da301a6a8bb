import SyncProtocol
import Testing
import Toolkit
@testable import SyncEngine

/// A laptop whose clock ran a year ahead learns a -1 year offset from the hub; when its clock
/// is then set right, the offset must follow before the next sync, or the store would stamp a
/// year in the past (Store+ClockOffset.swift, invariant 2).
@Suite struct ClockOffsetJumpTests {
    static let year: UInt64 = 365 * 86_400_000

    @Test func aWallClockSetRightTakesItsJumpOutOfTheOffset() throws {
        let dir = TempDir()
        let clock = ManualClock()
        let truth: UInt64 = 1_790_000_000_000
        clock.set(truth + Self.year)  // the laptop's clock runs a year ahead
        let store = try Store.create(path: dir.file("node.db"), role: .node, options: options(clock))
        try store.setClockOffset(-Int64(Self.year), boot: BootClock(bootID: "boot-1", milliseconds: 10_000))
        // 5 s later the operator sets the clock right.
        clock.set(truth + 5_000)
        #expect(try store.correctClockOffset(boot: BootClock(bootID: "boot-1", milliseconds: 15_000)) == -Int64(Self.year))
        let offset = try store.clockOffset()
        #expect(abs(offset) < 1, "offset \(offset)")
        // The next report is stamped by the true time, not a year before or after it.
        let stamp = try store.write { tx in
            try tx.create("report", "r1")
            return tx.ops.last?.hlc
        }
        #expect(stamp.map { $0.milliseconds >= truth && $0.milliseconds < truth + 10_000 } == true, "\(String(describing: stamp))")
        // Nothing more to correct; small drift and another boot are left to the next sync.
        #expect(try store.correctClockOffset(boot: BootClock(bootID: "boot-1", milliseconds: 15_500)) == nil)
        clock.advance(1_000)
        #expect(try store.correctClockOffset(boot: BootClock(bootID: "boot-1", milliseconds: 16_100)) == nil)
        clock.advance(Self.year)
        #expect(try store.correctClockOffset(boot: BootClock(bootID: "boot-2", milliseconds: 100)) == nil)
        try store.setClockOffset(nil)
        #expect(try store.correctClockOffset(boot: BootClock(bootID: "boot-2", milliseconds: 200)) == nil)
    }
}
