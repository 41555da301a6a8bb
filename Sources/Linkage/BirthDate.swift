/// A date of birth as far as it is known (Protocols/linkage-v1.md §4.3): a full date, or only
/// the year. Written `YYYY-MM-DD` or `YYYY`.
///
/// Accepted input (surrounding spaces ignored): `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYYMMDD`,
/// day first `DD/MM/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY` (the missions' usual order; one-digit day
/// and month allowed), or `YYYY` alone. The date must exist in the Gregorian calendar, the year
/// from 1900 to 2100. Anything else is refused: an operator who knows only an age writes nothing.
public enum BirthDate: Sendable, Hashable, CustomStringConvertible {
    case full(year: Int, month: Int, day: Int)
    case year(Int)

    public static func parse(_ text: String) -> BirthDate? {
        var bytes = Array(text.utf8)[...]
        while bytes.first == 0x20 { bytes = bytes.dropFirst() }
        while bytes.last == 0x20 { bytes = bytes.dropLast() }
        guard bytes.count <= 10 else { return nil }
        let parts = bytes.split(omittingEmptySubsequences: false) { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ".") }
        let numbers = parts.map(number)
        guard !numbers.contains(nil) else { return nil }
        let n = numbers.map { $0! }
        switch parts.count {
        case 1 where parts[0].count == 4:
            return (1900...2100).contains(n[0]) ? .year(n[0]) : nil
        case 1 where parts[0].count == 8:
            return full(n[0] / 10_000, n[0] / 100 % 100, n[0] % 100)
        case 3 where parts[0].count == 4 && parts[1].count == 2 && parts[2].count == 2:
            return full(n[0], n[1], n[2])
        case 3 where (1...2).contains(parts[0].count) && (1...2).contains(parts[1].count) && parts[2].count == 4:
            return full(n[2], n[1], n[0])
        default:
            return nil
        }
    }

    /// `1994-03-07` or `1994`.
    public var description: String {
        switch self {
        case .full(let y, let m, let d): return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
        case .year(let y): return pad(y, 4)
        }
    }

    /// The digits the encoding uses: `19940307`, or `1994` for a year alone.
    var digits: [UInt8] {
        switch self {
        case .full(let y, let m, let d): return Array((pad(y, 4) + pad(m, 2) + pad(d, 2)).utf8)
        case .year(let y): return Array(pad(y, 4).utf8)
        }
    }

    private static func full(_ y: Int, _ m: Int, _ d: Int) -> BirthDate? {
        guard (1900...2100).contains(y), (1...12).contains(m), d >= 1, d <= daysIn(month: m, year: y) else { return nil }
        return .full(year: y, month: m, day: d)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 8, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
