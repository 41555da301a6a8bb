import Foundation
import Scrub
import Toolkit

/// Generates labelled narratives from a `CorpusPart`, seeded: the same seed gives the same
/// corpus, so a failing figure can be replayed.
public struct CorpusGenerator {
    private var g: SplitMix64
    private let part: CorpusPart

    public init(part: CorpusPart, seed: UInt64) {
        self.part = part
        g = SplitMix64(seed: seed)
    }

    /// `count` narratives, about half English and half French.
    public static func corpus(_ part: CorpusPart, seed: UInt64, count: Int) -> [LabelledNarrative] {
        var generator = CorpusGenerator(part: part, seed: seed)
        return (0..<count).map { _ in generator.narrative() }
    }

    /// The victim as the intake gives them, and the ways the narrative writes them.
    struct Victim {
        let given: String
        let family: String
        let country: PhoneCountry
        let national: String
        let birth: (year: Int, month: Int, day: Int)
        let identifiers: PersonIdentifiers
    }

    public mutating func narrative() -> LabelledNarrative {
        let french = Bool.random(using: &g)
        let country = PhoneCountry.all.randomElement(using: &g)!
        let national = country.number(&g)
        let given = part.given.randomElement(using: &g)!, family = part.families.randomElement(using: &g)!
        let birth = (year: Int.random(in: 1985...2015, using: &g), month: Int.random(in: 1...12, using: &g), day: Int.random(in: 1...28, using: &g))
        let intakePhone = country.write(national, style: part.intakeStyles.randomElement(using: &g)!, &g)
        let birthText = "\(birth.year)-\(Self.two(birth.month))-\(Self.two(birth.day))"
        let victim = Victim(given: given, family: family, country: country, national: national, birth: birth,
                            identifiers: PersonIdentifiers(name: "\(given) \(family)", phone: intakePhone, dateOfBirth: birthText))
        let templates = french ? part.french : part.english
        let fillers = french ? part.fillersFrench : part.fillersEnglish
        var sentences: [String] = []
        for _ in 0..<Int.random(in: 2...4, using: &g) { sentences.append(templates.randomElement(using: &g)!) }
        for _ in 0..<Int.random(in: 1...3, using: &g) { sentences.append(fillers.randomElement(using: &g)!) }
        sentences.shuffle(using: &g)
        var markup = ""
        for (i, sentence) in sentences.enumerated() {
            if i > 0 { markup += Int.random(in: 0..<5, using: &g) == 0 ? "\n" : " " }
            markup += fill(sentence, victim: victim, french: french)
        }
        return LabelledNarrative(markup: markup, identifiers: [victim.identifiers])
    }

    private mutating func fill(_ template: String, victim: Victim, french: Bool) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            out += value(String(rest[rest.index(after: open)..<close]), victim: victim, french: french)
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    private mutating func value(_ slot: String, victim: Victim, french: Bool) -> String {
        switch slot {
        case "V": return label("NAME", victimWriting(victim))
        case "Vg": return label("NAME", victim.given)
        case "Vf": return label("NAME", victim.family)
        case "VF": return label("NAME", victim.family.uppercased())
        case "Vl": return label("NAME", Bool.random(using: &g) ? victim.given.lowercased() : Self.unaccented(victim.given))
        case "P": return label("PHONE", victim.country.write(victim.national, style: part.textStyles.randomElement(using: &g)!, &g))
        case "P2":
            let other = PhoneCountry.all.randomElement(using: &g)!
            return label("PHONE", other.write(other.number(&g), style: part.textStyles.randomElement(using: &g)!, &g))
        case "E":
            let pattern = part.emails.randomElement(using: &g)!
            let address = substitute(pattern, [("{g}", Self.ascii(victim.given)), ("{f}", Self.ascii(victim.family)),
                                               ("{nn}", String(Int.random(in: 10...99, using: &g)))])
            return label("EMAIL", address)
        case "U":
            let handle = Self.ascii(victim.given) + String(Int.random(in: 1...999, using: &g))
            return label("URL", substitute(part.urls.randomElement(using: &g)!, [("{u}", handle)]))
        case "I": return label("ID", idNumber())
        case "C": return label("COORDINATES", coordinates())
        case "A":
            let pattern = part.addresses.randomElement(using: &g)!
            return label("ADDRESS", substitute(pattern, [("{n}", String(Int.random(in: 1...250, using: &g))),
                                                         ("{S}", part.streets.randomElement(using: &g)!)]))
        case "D": return label("DOB", birthWriting(victim.birth))
        case "N":
            let first = part.men.randomElement(using: &g)!
            return label("NAME", Bool.random(using: &g) ? first : first + " " + part.families.randomElement(using: &g)!)
        case "Nf": return label("NAME", part.families.randomElement(using: &g)!)
        case "PL": return part.places.randomElement(using: &g)!
        case "UNIT": return part.units.randomElement(using: &g)!
        case "AMT":
            return (french ? ["5 000 francs", "50 000 FCFA", "20 dollars", "10 000 francs CFA"]
                           : ["5,000 francs", "50 000 FCFA", "20 dollars", "USD 100"]).randomElement(using: &g)!
        case "DATE":
            return (french ? ["12 mars", "3 mai", "2024-05-03", "début juin"]
                           : ["12 March", "3 May", "2024-05-03", "early June"]).randomElement(using: &g)!
        case "TIME": return (french ? ["20h", "21h30", "minuit"] : ["8 pm", "21:30", "midnight"]).randomElement(using: &g)!
        default: return "{\(slot)}"
        }
    }

    private func label(_ kind: String, _ text: String) -> String { "{{\(kind):\(text)}}" }

    private mutating func victimWriting(_ v: Victim) -> String {
        switch Int.random(in: 0..<7, using: &g) {
        case 0: return "\(v.given) \(v.family)"
        case 1: return "\(v.family.uppercased()) \(v.given)"
        case 2: return "\(v.family) \(v.given)"
        case 3: return "\(v.given) \(v.family)".lowercased()
        case 4: return Self.unaccented("\(v.given) \(v.family)")
        case 5: return "\(v.given.replacingOccurrences(of: "-", with: " ")) \(v.family.replacingOccurrences(of: " ", with: "-"))"
        default: return v.given
        }
    }

    private mutating func idNumber() -> String {
        var out = ""
        for c in part.ids.randomElement(using: &g)! {
            switch c {
            case "#": out += String(Int.random(in: 0...9, using: &g))
            case "@": out.append(Character(Unicode.Scalar(UInt8(Int.random(in: 65...90, using: &g)))))
            default: out.append(c)
            }
        }
        return out
    }

    private mutating func coordinates() -> String {
        let lat = Double(Int.random(in: -50_000...360_000, using: &g)) / 10_000
        let lon = Double(Int.random(in: 100_000...400_000, using: &g)) / 10_000
        func fixed(_ x: Double) -> String {
            let scaled = Int((abs(x) * 10_000).rounded())
            return (x < 0 ? "-" : "") + "\(scaled / 10_000).\(String(scaled % 10_000 + 10_000).dropFirst())"
        }
        let latd = Int(abs(lat)), lond = Int(lon)
        return substitute(part.coordinates.randomElement(using: &g)!, [
            ("{lat}", fixed(lat)), ("{lon}", fixed(lon)), ("{latd}", String(latd)), ("{lond}", String(lond)),
            ("{latm}", String(Int.random(in: 0...59, using: &g))), ("{lonm}", String(Int.random(in: 0...59, using: &g))),
            ("{lats}", String(Int.random(in: 0...59, using: &g))), ("{lons}", String(Int.random(in: 0...59, using: &g))),
        ])
    }

    static let monthsEnglish = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                                "October", "November", "December"]
    static let monthsFrench = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                               "octobre", "novembre", "décembre"]

    private mutating func birthWriting(_ b: (year: Int, month: Int, day: Int)) -> String {
        substitute(part.birthWritings.randomElement(using: &g)!, [
            ("{dd}", Self.two(b.day)), ("{mm}", Self.two(b.month)), ("{d}", String(b.day)), ("{yyyy}", String(b.year)),
            ("{month}", Self.monthsEnglish[b.month - 1]), ("{mois}", Self.monthsFrench[b.month - 1]),
        ])
    }

    private func substitute(_ pattern: String, _ pairs: [(String, String)]) -> String {
        pairs.reduce(pattern) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// Accents removed the way people type without them (`Élodie` → `Elodie`).
    static func unaccented(_ s: String) -> String {
        let map: [Character: String] = ["é": "e", "è": "e", "ê": "e", "ë": "e", "É": "E", "à": "a", "â": "a", "ï": "i",
                                        "î": "i", "ô": "o", "ö": "o", "ü": "u", "û": "u", "ç": "c", "Ç": "C"]
        return s.map { map[$0] ?? String($0) }.joined()
    }

    /// For e-mail local parts: unaccented, lowercased, letters only.
    static func ascii(_ s: String) -> String {
        unaccented(s).lowercased().filter { $0.isASCII && $0.isLetter }
    }
}
