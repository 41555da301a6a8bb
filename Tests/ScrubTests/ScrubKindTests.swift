import Scrub
import Testing

/// Each kind of identifier in English and French, and what must stay: every case is
/// input → exact output, so a byte changed outside a placeholder fails.
@Suite struct ScrubKindTests {
    static func expectScrub(_ input: String, _ output: String, identifiers: [PersonIdentifiers] = [],
                            sourceLocation: SourceLocation = #_sourceLocation) {
        let result = NarrativeScrubber(identifiers: identifiers).scrub(input)
        #expect(result.text == output, sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        ("Call +236 75 12 34 56 tonight.", "Call [PHONE] tonight."),
        ("Appeler le 00243 81 234 5678.", "Appeler le [PHONE]."),
        ("Her number: (+223) 76.12.34.56", "Her number: [PHONE]"),
        ("Tel 0912-345-678, South Sudan", "Tel [PHONE], South Sudan"),
        ("Liban : 03 123 456 ou +961 71 123 456", "Liban : [PHONE] ou [PHONE]"),
        ("Haïti 3712-3456, Somalie +252 61 5123456", "Haïti [PHONE], Somalie [PHONE]"),
        ("Soudan 0912345678 ; Chypre +357 99 123456", "Soudan [PHONE] ; Chypre [PHONE]"),
        ("Kosovo 044 123 456, Maroc 06 12 34 56 78, Libye +218-91-234-5678", "Kosovo [PHONE], Maroc [PHONE], Libye [PHONE]"),
    ])
    func phones(_ input: String, _ output: String) { Self.expectScrub(input, output) }

    @Test(arguments: [
        ("Write to awa.kone@gmail.com.", "Write to [EMAIL]."),
        ("Courriel : m_diallo+sea@yahoo.fr, merci", "Courriel : [EMAIL], merci"),
        ("See https://www.facebook.com/awa.k?id=3, then", "See [URL], then"),
        ("Voir www.photos.cf/album et bit.ly/3xYz.", "Voir [URL] et [URL]."),
        ("Le lien « https://t.me/awa12\u{A0}» circule.", "Le lien « [URL]\u{A0}» circule."),
    ])
    func emailsAndURLs(_ input: String, _ output: String) { Self.expectScrub(input, output) }

    @Test(arguments: [
        ("Passport AB1234567 was seen.", "Passport [ID] was seen."),
        ("Carte d'identité n° 1234 5678 901.", "Carte d'identité n° [ID]."),
        ("matricule 45821, badge FPU-4471", "matricule [ID], badge [ID]"),
        ("Son passeport : P0123456", "Son passeport : [ID]"),
    ])
    func idNumbers(_ input: String, _ output: String) { Self.expectScrub(input, output) }

    @Test(arguments: [
        ("GPS 4.3612, 18.5550 near the river", "GPS [COORDINATES] near the river"),
        ("at 4°21'40\"N 18°33'20\"E.", "at [COORDINATES]."),
        ("position lat 12.6392 long -8.0029", "position [COORDINATES]"),
        ("Coordonnées : N 4°21.5' E 18°33.3'", "Coordonnées : [COORDINATES]"),
        ("33.8938°N, 35.5018°E", "[COORDINATES]"),
    ])
    func coordinates(_ input: String, _ output: String) { Self.expectScrub(input, output) }

    @Test(arguments: [
        ("She lives at 12 rue de la Paix, Bangui.", "She lives at [ADDRESS], Bangui."),
        ("au 7, avenue de l'Indépendance", "au [ADDRESS]"),
        ("near 45 Kenyatta Road in Juba", "near [ADDRESS] in Juba"),
        ("boulevard Mohammed V, Laayoune", "[ADDRESS], Laayoune"),
        ("dans la rue avec ses amies", "dans la rue avec ses amies"),
        ("quartier Boy-Rabe, près du marché", "quartier Boy-Rabe, près du marché"),
    ])
    func addresses(_ input: String, _ output: String) { Self.expectScrub(input, output) }

    @Test(arguments: [
        ("Her uncle Moussa took her. Later Moussa came back.", "Her uncle [NAME] took her. Later [NAME] came back."),
        ("a man called Kofi Mensah", "a man called [NAME]"),
        ("Sgt. K. Mensah and Captain Diallo", "Sgt. [NAME] and Captain [NAME]"),
        ("Mr. and Mrs come later.", "Mr. and Mrs come later."),
        ("Un certain Koffi, son oncle, Ibrahim Maïga, et M. Diallo", "Un certain [NAME], son oncle, [NAME], et M. [NAME]"),
        ("Mme Traoré, Monsieur Ngoma, le Capitaine Jean-Luc de Villiers", "Mme [NAME], Monsieur [NAME], le Capitaine [NAME]"),
        ("un homme appelé Ali, nommé aussi", "un homme appelé [NAME], nommé aussi"),
        ("Her uncle came. The captain of the unit left.", "Her uncle came. The captain of the unit left."),
        ("Le Sergent Akech de NEPBATT", "Le Sergent [NAME] de NEPBATT"),
        ("He told me Bangui was safe; the General Assembly and a Private Security firm.",
         "He told me Bangui was safe; the General Assembly and a Private Security firm."),
    ])
    func namesAfterCues(_ input: String, _ output: String) { Self.expectScrub(input, output) }

    @Test func theVictimsOwnIdentifiersWhereverAndHoweverWritten() {
        let victim = [PersonIdentifiers(name: "Jean-Baptiste N'Goma", phone: "+243 81 234 5678", dateOfBirth: "2007-03-14")]
        Self.expectScrub("JEAN-BAPTISTE came; ngoma, Jean Baptiste, Ngoma Jean-Baptiste and d'N'Goma.",
                         "[NAME] came; [NAME], [NAME], [NAME] and [NAME].", identifiers: victim)
        Self.expectScrub("Jéan said: call 0812345678 or 081 234 5678. Born 14 March 2007, i.e. 14/03/2007.",
                         "[NAME] said: call [PHONE] or [PHONE]. Born [DATE_OF_BIRTH], i.e. [DATE_OF_BIRTH].", identifiers: victim)
        Self.expectScrub("Né le 14 mars 2007 à Goma, le 3 mai 2010 il est parti.",
                         "Né le [DATE_OF_BIRTH] à Goma, le 3 mai 2010 il est parti.", identifiers: victim)
        // Doubled letters and one edit in a long part; particles only with a part of the name.
        Self.expectScrub("Marriama, Mariamma and Fatoumata Ould Cheikh; ould alone stays.",
                         "[NAME], [NAME] and [NAME]; ould alone stays.",
                         identifiers: [PersonIdentifiers(name: "Mariama"), PersonIdentifiers(name: "Fatoumata Ould Cheikh")])
    }

    @Test func ordinaryTextIsKeptByteForByte() {
        for text in ["She was paid 5 000 francs, then 1 500 000 FCFA and USD 100.",
                     "On 2024-05-03 at 21:30, and on 12/05/2024 at 8 pm; 4.5 km; 2.5 hours.",
                     "BANBAT-7, MINUSCA-7Q4K-2M, the 3rd company, sector East.",
                     "  Tabs\tand\n\nline breaks, « guillemets », “quotes” — kept?!  ",
                     "e\u{301}te\u{301} à Bangui, l'été."] {
            let result = NarrativeScrubber().scrub(text)
            #expect(result.text == text)
            #expect(result.replacements.isEmpty)
        }
    }

    @Test func replacementsNameKindAndRangesOnly() {
        let text = "Awa: +236 75 12 34 56."
        let result = NarrativeScrubber(identifiers: [PersonIdentifiers(name: "Awa")]).scrub(text)
        #expect(result.text == "[NAME]: [PHONE].")
        #expect(result.replacements.map(\.kind) == [.name, .phone])
        #expect(result.replacements.map(\.original) == [0..<3, 5..<21])
        let bytes = Array(result.text.utf8)
        #expect(result.replacements.map { String(decoding: bytes[$0.scrubbed], as: UTF8.self) } == ["[NAME]", "[PHONE]"])
        #expect(result.summary == "replaced 1 name, 1 phone number")
        #expect(NarrativeScrubber().scrub("").text == "")
    }
}
