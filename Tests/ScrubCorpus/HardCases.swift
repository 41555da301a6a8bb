import Scrub

/// Hand-written narratives: the writings generators do not produce, and text with no
/// identifier at all that must come out byte for byte (amounts, dates, times, unit numbers,
/// reference codes, places, neighbourhoods, cue words with no name after them).
public enum HardCases {
    static let aminata = PersonIdentifiers(name: "Aminata Koné", phone: "+236 75 12 34 56", dateOfBirth: "2009-04-17")
    static let jean = PersonIdentifiers(name: "Jean-Baptiste N'Goma", phone: "0812345678", dateOfBirth: "14/03/2007")
    static let fatima = PersonIdentifiers(name: "Fatima Zahra El Idrissi", phone: "+212 6 12 34 56 78", dateOfBirth: "3 mai 2006")

    public static let identified: [LabelledNarrative] = [
        .init(markup: "{{NAME:AMINATA}} called twice. {{NAME:Konè}} (sic) said the soldier knew {{NAME:aminata's}} mother.", identifiers: [aminata]),
        .init(markup: "{{NAME:Koné Aminata}} lives with her aunt; {{NAME:Aminata's}} phone is {{PHONE:75123456}}.", identifiers: [aminata]),
        .init(markup: "Elle s'appelle {{NAME:Aminata}}. Le soldat appelait {{NAME:d'Aminata}} la petite.", identifiers: [aminata]),
        .init(markup: "Numéro : {{PHONE:+236-75-12-34-56}}, ou {{PHONE:00 236 75 12 34 56}}.", identifiers: [aminata]),
        .init(markup: "She was born {{DOB:17 April 2009}}; her sister on 2 May 2011.", identifiers: [aminata]),
        .init(markup: "Née le {{DOB:17/04/2009}} à Bangui.", identifiers: [aminata]),
        .init(markup: "{{NAME:Jean Baptiste}} and {{NAME:JeanBaptiste}} are the same boy, {{NAME:Ngoma}} by his father.", identifiers: [jean]),
        .init(markup: "{{NAME:jean-baptiste n'goma}} gave {{PHONE:081 234 5678}} as his number.", identifiers: [jean]),
        .init(markup: "Le jeune {{NAME:N’Goma}} est né le {{DOB:14 mars 2007}}.", identifiers: [jean]),
        .init(markup: "{{NAME:Fatima-Zahra}} ({{NAME:El Idrissi}}) a donné le {{PHONE:06 12 34 56 78}}.", identifiers: [fatima]),
        .init(markup: "{{NAME:Fatima}} est née le {{DOB:03.05.2006}}.", identifiers: [fatima]),
        .init(markup: "{{NAME:Marriama}} came with {{NAME:Mariama's}} cousin.", identifiers: [PersonIdentifiers(name: "Mariama")]),
        .init(markup: "Her uncle {{NAME:Moussa}} brought her. Later {{NAME:Moussa}} threatened her."),
        .init(markup: "Son oncle, {{NAME:Ibrahim Maïga}}, l'a emmenée. {{NAME:Maïga}} est commerçant."),
        .init(markup: "A man called {{NAME:Bob}} and Sgt. {{NAME:K. Mensah}} were there."),
        .init(markup: "Capitaine {{NAME:Jean-Luc de Villiers}} et le Colonel {{NAME:Dupont}}."),
        .init(markup: "Un certain {{NAME:Koffi}}, dit {{NAME:Papy}}, venait le soir."),
        .init(markup: "M. {{NAME:Diallo}} et Mme {{NAME:Traoré}} tiennent le bar."),
        .init(markup: "Mr {{NAME:DIALLO}} was known as {{NAME:Papa}}."),
        .init(markup: "Write to {{EMAIL:awa.kone+sea@gmail.com}} or see {{URL:https://facebook.com/awa.kone.7}}."),
        .init(markup: "Voir {{URL:www.photos-bangui.cf/album?id=12}} et {{URL:bit.ly/3xYz9}}."),
        .init(markup: "Position {{COORDINATES:4°21′40″N 18°33′20″E}}, near the river."),
        .init(markup: "GPS: {{COORDINATES:-4.3217, 15.3125}}; the camp is 4.5 km away."),
        .init(markup: "She lives at {{ADDRESS:12 rue de la Paix}} in quartier Boy-Rabe."),
        .init(markup: "La maison est au {{ADDRESS:7, avenue de l'Indépendance}}, quartier Lakouanga."),
        .init(markup: "They met on {{ADDRESS:Omar Mukhtar Street}} in Tripoli."),
        .init(markup: "Passeport {{ID:AB1234567}}, carte n° {{ID:1234 5678}}, matricule {{ID:45821}}."),
        .init(markup: "His service number is {{ID:P-0123456}} and his badge {{ID:FPU-4471}}."),
        .init(markup: "Appelez le {{PHONE:(+243) 81.234.56.78}} ou le {{PHONE:+961 3 123 456}}."),
        .init(markup: "Tel. {{PHONE:0912 345 678}} (South Sudan), {{PHONE:+211 912 345 678}}, {{PHONE:+252 61 5123456}}."),
        .init(markup: "Cyprus {{PHONE:+357 99 123456}}, Kosovo {{PHONE:044 123 456}}, Libye {{PHONE:091-2345678}}, Haïti {{PHONE:3712-3456}}."),
        .init(markup: "Sudan {{PHONE:+249 91 234 5678}}, Mali {{PHONE:76 12 34 56}}, Liban {{PHONE:03 123 456}}."),
    ]

    /// No identifier: each must come out unchanged.
    public static let clean: [LabelledNarrative] = [
        .init(markup: "She was paid 5 000 francs and 50 000 FCFA over two weeks, then 1 500 000 francs."),
        .init(markup: "It happened on 2024-05-03 at 21:30, and again on 12/05/2024 around 8 pm."),
        .init(markup: "The soldier from BANBAT-7, sector East, drove a white truck with number 12 on the door."),
        .init(markup: "Reference MINUSCA-7Q4K-2M was read out to the caller."),
        .init(markup: "Elle habite le quartier PK5, près de la mosquée, à Bangui."),
        .init(markup: "Her uncle came to the base. The captain of the unit said nothing."),
        .init(markup: "Un homme l'a appelée. Le colonel est parti. Son oncle ne sait rien."),
        .init(markup: "The UN police and MINUSCA staff were told; the NGO called the hotline."),
        .init(markup: "She walked 4.5 km to the clinic and waited 2.5 hours.\nShe is 15 years old."),
        .init(markup: "In the street, the children play football every Monday."),
        .init(markup: "Dans la rue, les enfants jouent au ballon chaque lundi."),
        .init(markup: "Between 10 and 12 soldiers, some of them from the 3rd company, were at the checkpoint."),
        .init(markup: "  Spaces  are\tkept,\n\nand punctuation too: « oui », “yes” — ok?!  "),
    ]

    public static var all: [LabelledNarrative] { identified + clean }
}
