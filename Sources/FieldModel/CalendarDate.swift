/// A proleptic Gregorian calendar date, written `YYYY-MM-DD` on the wire.
///
/// Invariants:
/// 1. Only real dates exist: `parse` refuses month 13, day 0, 2026-02-30, 1900-02-29.
/// 2. The wire form is exactly 10 ASCII characters `YYYY-MM-DD`, year 0001…9999.
/// 3. Ordering and `dayNumber` agree: consecutive dates differ by exactly one day number.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A date from its parts, or nil if that day does not exist in the Gregorian calendar.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CalendarDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads exactly `YYYY-MM-DD` (ASCII digits, no spaces, no time part).
    public static func parse(_ text: String) -> DateParseResult<CalendarDate> {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let y = digits(bytes[0..<4]), let m = digits(bytes[5..<7]), let d = digits(bytes[8..<10])
        else { return .badShape }
        // The shape the schema's pattern accepts: month 01-12, day 01-31.
        guard (1...12).contains(m), (1...31).contains(d) else { return .badShape }
        guard let date = CalendarDate(year: y, month: m, day: d) else { return .notInCalendar }
        return .parsed(date)
    }

    /// Days since 1970-01-01 (negative before), for arithmetic across months and years.
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` days later (earlier if negative); nil outside years 1…9999.
    public func adding(days: Int) -> CalendarDate? {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return CalendarDate(year: y, month: m, day: d)
    }

    /// `YYYY-MM-DD`.
    public var description: String { pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// The decimal value of a run of ASCII digits, or nil if any byte is not a digit.
    static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for b in bytes {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(b - UInt8(ascii: "0"))
        }
        return value
    }
}

/// The result of reading a date or a timestamp.
public enum DateParseResult<Value: Sendable & Equatable>: Sendable, Equatable {
    case parsed(Value)
    /// Not the expected shape at all (or a field out of its range, like month 13 or hour 24).
    case badShape
    /// The shape is right but the day does not exist (e.g. 2026-02-30).
    case notInCalendar
}

/// Zero-pads a non-negative number to `width` digits.
func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}
