/// Phone numbers of the mission countries, written the ways people write them.
///
/// Each country has its calling code, the length of its national number, its mobile prefixes
/// and whether a trunk `0` is dialled before the national number at home.
public struct PhoneCountry: Sendable {
    public let name: String
    public let code: String
    public let length: Int
    public let prefixes: [String]
    public let trunk: Bool

    public static let all: [PhoneCountry] = [
        PhoneCountry(name: "Central African Republic", code: "236", length: 8, prefixes: ["70", "72", "75", "77"], trunk: false),
        PhoneCountry(name: "DR Congo", code: "243", length: 9, prefixes: ["81", "82", "84", "85", "89", "97", "99"], trunk: true),
        PhoneCountry(name: "Mali", code: "223", length: 8, prefixes: ["65", "66", "76", "79"], trunk: false),
        PhoneCountry(name: "South Sudan", code: "211", length: 9, prefixes: ["91", "92", "95", "97"], trunk: true),
        PhoneCountry(name: "Lebanon", code: "961", length: 8, prefixes: ["70", "71", "76", "78", "81"], trunk: false),
        PhoneCountry(name: "Haiti", code: "509", length: 8, prefixes: ["31", "34", "37", "38", "46", "48"], trunk: false),
        PhoneCountry(name: "Somalia", code: "252", length: 9, prefixes: ["61", "62", "63", "90"], trunk: true),
        PhoneCountry(name: "Sudan (Abyei)", code: "249", length: 9, prefixes: ["91", "92", "96", "99"], trunk: true),
        PhoneCountry(name: "Cyprus", code: "357", length: 8, prefixes: ["96", "97", "99"], trunk: false),
        PhoneCountry(name: "Kosovo", code: "383", length: 8, prefixes: ["43", "44", "45", "49"], trunk: true),
        PhoneCountry(name: "Western Sahara / Morocco", code: "212", length: 9, prefixes: ["6", "7"], trunk: true),
        PhoneCountry(name: "Libya", code: "218", length: 9, prefixes: ["91", "92", "94"], trunk: true),
    ]

    /// A random national number.
    func number<G: RandomNumberGenerator>(_ g: inout G) -> String {
        var digits = prefixes.randomElement(using: &g)!
        while digits.count < length { digits += String(Int.random(in: 0...9, using: &g)) }
        return digits
    }

    /// Writings: international (`+`, `00`, parentheses) and local (with the trunk 0 where the
    /// country dials one), grouped by 2, 3 or the country's habit, with spaces, dots or dashes.
    public enum Style: CaseIterable, Sendable {
        case plusSpaces, plusCompact, plusDashes, zeroZero, parenthesised, localSpaces, localCompact, localDots, localDashes
    }

    func write<G: RandomNumberGenerator>(_ national: String, style: Style, _ g: inout G) -> String {
        let local = trunk ? "0" + national : national
        func grouped(_ s: String, _ sep: String) -> String {
            let sizes: [Int]
            switch Int.random(in: 0...2, using: &g) {
            case 0: sizes = Array(repeating: 2, count: (s.count + 1) / 2)
            case 1: sizes = Array(repeating: 3, count: (s.count + 2) / 3)
            default: sizes = s.count % 2 == 0 ? [2, 3, 3, 2, 2] : [3, 3, 3, 3]
            }
            var out: [String] = []
            var rest = Substring(s)
            for size in sizes where !rest.isEmpty {
                out.append(String(rest.prefix(size)))
                rest = rest.dropFirst(size)
            }
            if !rest.isEmpty { out.append(String(rest)) }
            return out.joined(separator: sep)
        }
        switch style {
        case .plusSpaces: return "+\(code) " + grouped(national, " ")
        case .plusCompact: return "+\(code)\(national)"
        case .plusDashes: return "+\(code)-" + grouped(national, "-")
        case .zeroZero: return "00\(code) " + grouped(national, " ")
        case .parenthesised: return "(+\(code)) " + grouped(national, ".")
        case .localSpaces: return grouped(local, " ")
        case .localCompact: return local
        case .localDots: return grouped(local, ".")
        case .localDashes: return grouped(local, "-")
        }
    }
}
