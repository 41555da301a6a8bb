import FieldModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Times as the operator reads and types them: RFC 3339 with the laptop's own offset, and
/// listings in local time (the process's time zone, `TZ`).
enum LocalTime {
    /// `2026-03-01T14:05:00+01:00`: `date` in local time with its offset, whole seconds.
    static func rfc3339(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (fields, offset) = local(seconds)
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return "\(datePart(fields))T\(two(fields.tm_hour)):\(two(fields.tm_min)):\(two(fields.tm_sec))"
            + "\(sign)\(two(Int32(minutes / 60))):\(two(Int32(minutes % 60)))"
    }

    /// `2026-03-01 14:05` in local time for listings; the input as is when it is not RFC 3339.
    static func display(_ rfc3339: String) -> String {
        guard let seconds = epochSeconds(rfc3339) else { return rfc3339 }
        let (fields, _) = local(seconds)
        return "\(datePart(fields)) \(two(fields.tm_hour)):\(two(fields.tm_min))"
    }

    /// Milliseconds since the epoch as `2026-03-01 14:05:09` local time.
    static func display(milliseconds: UInt64) -> String {
        let (fields, _) = local(Int(milliseconds / 1000))
        return "\(datePart(fields)) \(two(fields.tm_hour)):\(two(fields.tm_min)):\(two(fields.tm_sec))"
    }

    /// Seconds since the epoch of an RFC 3339 timestamp (fractions dropped), or nil.
    static func epochSeconds(_ text: String) -> Int? {
        guard case .parsed = Timestamp.parse(text) else { return nil }
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int {
            bytes[range].reduce(0) { $0 * 10 + Int($1) - 48 }
        }
        guard let day = CalendarDate(year: number(0..<4), month: number(5..<7), day: number(8..<10)) else { return nil }
        var seconds = day.dayNumber * 86_400 + number(11..<13) * 3600 + number(14..<16) * 60 + number(17..<19)
        let zone = bytes.count - 6
        if bytes[bytes.count - 1] != UInt8(ascii: "Z"), bytes[bytes.count - 1] != UInt8(ascii: "z") {
            let offset = number(zone + 1..<zone + 3) * 3600 + number(zone + 4..<zone + 6) * 60
            seconds -= bytes[zone] == UInt8(ascii: "-") ? -offset : offset
        }
        return seconds
    }

    /// The broken-down local time and its offset from UTC in seconds.
    private static func local(_ seconds: Int) -> (tm, Int) {
        tzset()
        var time = time_t(seconds)
        var fields = tm()
        localtime_r(&time, &fields)
        return (fields, Int(fields.tm_gmtoff))
    }

    private static func datePart(_ fields: tm) -> String {
        let year = String(Int(fields.tm_year) + 1900)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-" + two(fields.tm_mon + 1) + "-" + two(fields.tm_mday)
    }

    private static func two(_ value: Int32) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
