import Foundation
import Toolkit

/// Synthetic survivors of the missions' countries, each recorded one to three times the way
/// intake desks write them, for the linkage benchmark (issue 16, prepared for issue 17).
///
/// Families of one to four siblings share a family name and a phone (the hard case); each
/// record of a person is written with the usual variations: accents dropped or kept, hyphens,
/// doubled letters, given and family names swapped, transliterations (ou/u, sh/ch, dj/j/đ,
/// ph/f, y/i, kh/h), a typo, phones in local and international form or left out, dates of
/// birth in full, day first, only the year, or left out. Seeded: the same seed gives the same
/// records.
struct SurvivorGenerator {
    struct Record {
        let person: Int
        let name: String?
        let phone: String?
        let dateOfBirth: String?
    }

    struct Region {
        let countryCode: String
        let localDigits: Int
        let given: [String]
        let family: [String]
    }

    static let regions: [Region] = [
        Region(countryCode: "509", localDigits: 8,
               given: ["Jean", "Marie", "Rose-Merline", "Wisly", "Jocelyne", "Fabiola", "Nadège", "Lovely", "Widline",
                       "Mackenson", "Stéphanie", "Esther", "Guerline", "Phanise", "Youveline", "Dieuseul"],
               family: ["Pierre", "Joseph", "Jean-Baptiste", "Louis", "Charles", "Saint-Fleur", "Désir", "Dorvil",
                        "Exantus", "Célestin", "Augustin", "François", "Thélusma", "Jean-Louis"]),
        Region(countryCode: "236", localDigits: 8,
               given: ["Ange", "Brigitte", "Nadège", "Prisca", "Grâce", "Chancelle", "Blandine", "Léa", "Clarisse", "Joëlle"],
               family: ["Ngaïkoïsset", "Yakité", "Zanga", "Gbaya", "Ndoumba", "Kossi", "Nzapayéké", "Sélé", "Mbolidi",
                        "Yambéré", "Ouéfio", "Doumbia-Ngoé"]),
        Region(countryCode: "243", localDigits: 9,
               given: ["Esther", "Grâce", "Furaha", "Neema", "Espérance", "Chance", "Mapendo", "Bahati", "Aline",
                       "Marie-Jeanne", "Sifa", "Riziki"],
               family: ["Mukendi", "Kabila", "Tshisekedi", "Mbuyi", "Kasongo", "Ilunga", "Mwamba", "Lukusa", "Kabongo",
                        "Nyota", "Bisimwa", "Mulumba", "Tshibangu", "Kalombo"]),
        Region(countryCode: "223", localDigits: 8,
               given: ["Aminata", "Fatoumata", "Kadiatou", "Mariam", "Oumou", "Awa", "Djeneba", "Hawa", "Assétou",
                       "Youssouf", "Moussa", "Safiatou"],
               family: ["Traoré", "Coulibaly", "Diarra", "Keïta", "Sissoko", "Konaté", "Maïga", "Touré", "Diallo",
                        "Cissé", "Sangaré", "Dembélé"]),
        Region(countryCode: "211", localDigits: 9,
               given: ["Nyabol", "Achol", "Ayen", "Nyandeng", "Abuk", "Adut", "Akech", "Nyakim", "Rebecca", "Mary", "Nyaluak"],
               family: ["Deng", "Garang", "Majok", "Machar", "Akol", "Lual", "Nyuon", "Chol", "Bol", "Gatluak", "Riek", "Mayen"]),
        Region(countryCode: "961", localDigits: 7,
               given: ["Fatima", "Zeinab", "Rania", "Layal", "Nour", "Maya", "Hiba", "Rim", "Mariam", "Yasmine", "Khadija"],
               family: ["Haddad", "Khoury", "Al-Hassan", "Nassar", "Chahine", "Saad", "Hajj", "Abou Jaoudé", "Khalil",
                        "Moussawi", "Fakhoury", "Shami"]),
        Region(countryCode: "383", localDigits: 8,
               given: ["Milica", "Jelena", "Ana", "Marija", "Dragana", "Arta", "Blerta", "Vlora", "Teuta", "Jovana", "Fjolla"],
               family: ["Đorđević", "Jovanović", "Petrović", "Krasniqi", "Gashi", "Berisha", "Hoxha", "Nikolić", "Popović",
                        "Shala", "Kelmendi", "Đukić"]),
    ]

    /// Spelling variants an operator may write for the same sound.
    static let swaps: [(String, String)] = [
        ("ou", "u"), ("u", "ou"), ("sh", "ch"), ("ch", "sh"), ("đ", "dj"), ("đ", "d"), ("dj", "j"), ("ph", "f"),
        ("y", "i"), ("i", "y"), ("kh", "h"), ("é", "e"), ("ï", "i"), ("ë", "e"), ("ć", "c"), ("tsh", "ch"),
    ]

    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// Records of about `people` people.
    mutating func records(people: Int) -> [Record] {
        var out: [Record] = []
        var person = 0
        while person < people {
            let region = Self.regions[pick(Self.regions.count)]
            let family = region.family[pick(region.family.count)]
            let phone = (0..<region.localDigits).map { index in index == 0 ? String(1 + pick(9)) : String(pick(10)) }.joined()
            let year = 1975 + pick(35)
            for sibling in 0..<(1 + pick(4)) {
                var given = region.given[pick(region.given.count)]
                if chance(0.4) { given += " " + region.given[pick(region.given.count)] }  // a second given name
                let birth = (year: year + 2 * sibling + pick(2), month: 1 + pick(12), day: 1 + pick(28))
                for _ in 0..<(1 + pick(3)) {
                    out.append(record(person, given: given, family: family, phone: phone, birth: birth, region: region))
                }
                person += 1
            }
        }
        return out
    }

    private mutating func record(_ person: Int, given: String, family: String, phone: String,
                                 birth: (year: Int, month: Int, day: Int), region: Region) -> Record {
        var given = vary(given), family = vary(family)
        if chance(0.15) { (given, family) = (family, given) }
        if chance(0.2) { family = family.uppercased() }
        let name = chance(0.03) ? nil : chance(0.1) ? family + ", " + given : given + " " + family
        var writtenPhone: String?
        if chance(0.6) {
            switch pick(3) {
            case 0: writtenPhone = "0" + spaced(phone)
            case 1: writtenPhone = "+" + region.countryCode + " " + spaced(phone)
            default: writtenPhone = "00" + region.countryCode + phone
            }
        }
        var date: String?
        let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        switch pick(10) {
        case 0, 1, 2: date = "\(birth.year)-\(two(birth.month))-\(two(birth.day))"
        case 3, 4: date = "\(two(birth.day))/\(two(birth.month))/\(birth.year)"
        case 5, 6: date = "\(birth.year)"
        case 7: date = "\(birth.year)-\(two(birth.day > 12 ? birth.month : birth.day))-\(two(birth.day > 12 ? birth.day : birth.month))"  // day and month confused
        default: date = nil
        }
        return Record(person: person, name: name, phone: writtenPhone, dateOfBirth: date)
    }

    /// One spelling of `name`: transliteration, doubled or single letters, hyphens, one typo.
    private mutating func vary(_ name: String) -> String {
        var text = name
        if chance(0.35) {
            let options = Self.swaps.filter { text.range(of: $0.0, options: .caseInsensitive) != nil }
            if !options.isEmpty {
                let swap = options[pick(options.count)]
                text = text.replacingFirst(swap.0, with: swap.1)
            }
        }
        if chance(0.15), let letter = text.indices.dropFirst().randomElement(using: &random), text[letter].isLetter {
            text.insert(text[letter], at: letter)  // a doubled letter
        }
        if chance(0.2) { text = text.replacingFirst("-", with: chance(0.5) ? " " : "") }
        if chance(0.15), text.count > 4 {
            var characters = Array(text)
            let index = 1 + pick(characters.count - 2)
            switch pick(3) {
            case 0: characters.remove(at: index)
            case 1: characters.swapAt(index, index + 1)
            default: characters[index] = Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(pick(26))))
            }
            text = String(characters)
        }
        return text
    }

    private func spaced(_ digits: String) -> String {
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, index % 2 == digits.count % 2 { out += " " }
            out.append(digit)
        }
        return out
    }

    private mutating func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
    private mutating func chance(_ p: Double) -> Bool { Double(random.next() % 1_000_000) < p * 1_000_000 }
}

private extension String {
    /// The first occurrence of `target`, in any case, replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target, options: .caseInsensitive) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
