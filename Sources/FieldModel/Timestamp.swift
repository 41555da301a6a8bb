/// An RFC 3339 timestamp with an explicit offset, e.g. `2026-03-01T14:05:00+01:00`.
///
/// Invariants:
/// 1. The accepted shape is `YYYY-MM-DDTHH:MM:SS[.F{1,9}](Z|±HH:MM)` (RFC 3339 §5.6 `date-time`);
///    `T` and `Z` may be lower case on input and are upper case in `text`.
/// 2. The date is a real calendar date; hour 00-23, minute 00-59, second 00-60 (60 is a leap
///    second), offset hours 00-23 and minutes 00-59.
/// 3. `localDate` is the date as written (in the timestamp's own offset), not converted to UTC.
public struct Timestamp: Sendable, Hashable, CustomStringConvertible {
    /// The canonical text: the input with `t`/`z` upper-cased.
    public let text: String
    /// The calendar date part, in the timestamp's own offset.
    public let localDate: CalendarDate

    /// Reads an RFC 3339 `date-time` with offset: `.badShape` for a missing offset, a space
    /// separator or a field out of range; `.notInCalendar` for a day that does not exist.
    public static func parse(_ input: String) -> DateParseResult<Timestamp> {
        let bytes = Array(input.utf8)
        guard bytes.count >= 20, bytes.count <= 35 else { return .badShape }
        let date: CalendarDate
        switch CalendarDate.parse(String(decoding: bytes[0..<10], as: UTF8.self)) {
        case .parsed(let d): date = d
        case .badShape: return .badShape
        case .notInCalendar: return .notInCalendar
        }
        guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let hour = CalendarDate.digits(bytes[11..<13]), hour <= 23,
              let minute = CalendarDate.digits(bytes[14..<16]), minute <= 59,
              let second = CalendarDate.digits(bytes[17..<19]), second <= 60
        else { return .badShape }
        var i = 19
        if bytes[i] == UInt8(ascii: ".") {
            let start = i + 1
            i = start
            while i < bytes.count, CalendarDate.digits(bytes[i..<i + 1]) != nil { i += 1 }
            guard (1...9).contains(i - start) else { return .badShape }
        }
        guard i < bytes.count else { return .badShape }
        switch bytes[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard i + 1 == bytes.count else { return .badShape }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == bytes.count, bytes[i + 3] == UInt8(ascii: ":"),
                  let oh = CalendarDate.digits(bytes[i + 1..<i + 3]), oh <= 23,
                  let om = CalendarDate.digits(bytes[i + 4..<i + 6]), om <= 59
            else { return .badShape }
        default:
            return .badShape
        }
        var canonical = bytes
        canonical[10] = UInt8(ascii: "T")
        if canonical[canonical.count - 1] == UInt8(ascii: "z") { canonical[canonical.count - 1] = UInt8(ascii: "Z") }
        return .parsed(Timestamp(text: String(decoding: canonical, as: UTF8.self), localDate: date))
    }

    public var description: String { text }
}
