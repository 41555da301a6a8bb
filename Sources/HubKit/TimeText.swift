import FieldModel
import Toolkit

/// Times as the hub prints them: RFC 3339 in UTC, to the second (`2025-11-23T12:13:20Z`), and
/// lifetimes such as `24h`.
public enum TimeText {
    /// `ms` since the Unix epoch as RFC 3339 UTC, seconds precision (years 1970…9999).
    public static func rfc3339(milliseconds ms: UInt64) -> String {
        let seconds = Int(min(ms / 1000, 253_402_300_799))  // 9999-12-31T23:59:59Z
        let date = CalendarDate(year: 1970, month: 1, day: 1)?.adding(days: seconds / 86_400)
        let secondOfDay = seconds % 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(date?.description ?? "9999-12-31")T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }

    /// A lifetime written `N` + unit (`s`, `m`, `h`, `d`), e.g. `90m`, `24h`, `7d`, in ms.
    /// Nil when the text is not of that form or is zero.
    public static func lifetimeMilliseconds(_ text: String) -> UInt64? {
        guard let seconds = DurationText.seconds(text), seconds > 0 else { return nil }
        let (product, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1000)
        return overflow ? nil : product
    }
}

extension TimeText {
    /// `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM:SSZ` as ms since the Unix epoch; nil
    /// for anything else (what the hub prints is what it reads back).
    public static func milliseconds(_ text: String) -> UInt64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 || bytes.count == 20,
              case .parsed(let date) = CalendarDate.parse(String(decoding: bytes.prefix(10), as: UTF8.self)),
              let epoch = CalendarDate(year: 1970, month: 1, day: 1), date >= epoch else { return nil }
        var seconds = (date.dayNumber - epoch.dayNumber) * 86_400
        if bytes.count == 20 {
            guard bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                  bytes[19] == UInt8(ascii: "Z"),
                  let hour = Int(String(decoding: bytes[11..<13], as: UTF8.self)), (0...23).contains(hour),
                  let minute = Int(String(decoding: bytes[14..<16], as: UTF8.self)), (0...59).contains(minute),
                  let second = Int(String(decoding: bytes[17..<19], as: UTF8.self)), (0...59).contains(second)
            else { return nil }
            seconds += hour * 3600 + minute * 60 + second
        }
        return UInt64(seconds) * 1000
    }
}
