import Testing
@testable import Linkage

/// Protocols/linkage-v1.md §4: the forms every laptop must derive identically.
@Suite struct NormalizationTests {
    @Test(arguments: [
        ("Marie-Claire N'Zéyimana", "claire marie nzeimana"),
        ("NZEYIMANA Marie Claire", "claire marie nzeimana"),
        ("  nzeyimana   marie-claire ", "claire marie nzeimana"),
        ("Élodie Ngoé-Bémba", "bemba elodie ngoe"),
        ("Mohammed Al-Khalil", "al kalil mohamed"),
        ("Mohamed al Khalil", "al kalil mohamed"),
        ("Djibril Tshisekedi", "chisekedi jibril"),
        ("Jibril Chisekedi", "chisekedi jibril"),
        ("Youssouf Maïga", "iusuf maiga"),
        ("Đorđević Milica", "jorjevic milica"),
        ("Djordjevic Milica", "jorjevic milica"),
        ("Jean-Pierre D’Almeida", "dalmeida jean piere"),
        ("Philippe Chérubin", "cherubin filipe"),
        ("Straße ﬁne", "fine strase"),
        ("Rachid Haddad", "hadad rachid"),
        ("N\u{B4}Diaye Aïssatou", "aisatu ndiaie"),
        ("N\u{2BC}Diaye Aissatou", "aisatu ndiaie"),
    ])
    func names(_ input: String, _ expected: String) {
        #expect(NameNormalizer.normalize(input) == expected)
    }

    @Test func namesWithoutLettersAreRefused() {
        #expect(NameNormalizer.normalize("--- '' .") == nil)
        #expect(NameNormalizer.normalize("") == nil)
        #expect(NameNormalizer.normalize("\u{301}\u{301}") == nil)
    }

    @Test(arguments: [
        ("+236 72 12 34 56", "72123456"),
        ("00236-72123456", "72123456"),
        ("72 12 34 56", "72123456"),
        ("(072) 12-34-56", "72123456"),
        ("+243 81 234 5678", "12345678"),
        ("0812 345 678", "12345678"),
        ("+961 3 123 456", "3123456"),
        ("03 123 456", "3123456"),
        ("00961 3 123456", "3123456"),
        ("+33 6 12 34 56 78", "12345678"),
        ("06 12 34 56 78", "12345678"),
        ("+509 3712-3456", "37123456"),
    ])
    func phones(_ input: String, _ expected: String) {
        #expect(PhoneNormalizer.normalize(input) == expected)
    }

    @Test func shortPhonesAreRefused() {
        #expect(PhoneNormalizer.normalize("12345") == nil)
        #expect(PhoneNormalizer.normalize("+236 0") == nil)
        #expect(PhoneNormalizer.normalize("none") == nil)
    }

    @Test(arguments: [
        ("1994-03-07", "1994-03-07"), ("1994/03/07", "1994-03-07"), ("19940307", "1994-03-07"),
        ("7/3/1994", "1994-03-07"), ("07.03.1994", "1994-03-07"), ("07-03-1994", "1994-03-07"),
        (" 1994 ", "1994"), ("2000-02-29", "2000-02-29"),
    ])
    func datesOfBirth(_ input: String, _ expected: String) {
        #expect(BirthDate.parse(input)?.description == expected)
    }

    @Test(arguments: ["1994-02-30", "1900-02-29", "about 30", "13/13/1994", "1850", "94", "1994-3-7", "", "2026-99"])
    func unreadableDatesOfBirthAreRefused(_ input: String) {
        #expect(BirthDate.parse(input) == nil)
    }

    @Test func problemsNameTheFieldNeverTheValue() throws {
        let result = SurvivorIdentifiers.normalize(name: "--", phone: "12", dateOfBirth: "soon")
        guard case .failure(let list) = result else { Issue.record("expected problems"); return }
        #expect(list.problems == [.nameHasNoLetters, .phoneTooShort, .dateOfBirthUnreadable])
        let ok = try SurvivorIdentifiers.normalize(name: "Awa Traoré", phone: nil, dateOfBirth: "1990").get()
        #expect(ok.name == "awa traore" && ok.phone == nil && ok.dateOfBirth == .year(1990))
    }
}
