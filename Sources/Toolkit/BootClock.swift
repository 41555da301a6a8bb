#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Time since this boot (`CLOCK_BOOTTIME`, which counts suspend too and is never set) with the
/// kernel's id of this boot (`/proc/sys/kernel/random/boot_id`): two readings of one boot tell
/// how much real time passed between them, whatever was done to the wall clock meanwhile.
public struct BootClock: Sendable, Equatable {
    public let bootID: String
    public let milliseconds: UInt64

    public init(bootID: String, milliseconds: UInt64) {
        self.bootID = bootID
        self.milliseconds = milliseconds
    }

    /// Now, or nil where the system offers no boot id (not Linux, no /proc).
    public static func now() -> BootClock? {
        guard let data = FileManager.default.contents(atPath: "/proc/sys/kernel/random/boot_id") else { return nil }
        let id = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !id.isEmpty else { return nil }
        var now = timespec()
        guard clock_gettime(CLOCK_BOOTTIME, &now) == 0 else { return nil }
        return BootClock(bootID: id, milliseconds: UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec) / 1_000_000)
    }
}
