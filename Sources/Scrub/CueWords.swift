/// The words that introduce another person's name, in English and French, folded
/// (`Folding`), and the capitalised words that are never a name after them.
enum CueWords {
    private static func keys(_ words: [String]) -> Set<WordKey> { Set(words: words) }

    /// Titles and ranks, written before a name ("Sgt Kofi", "Mme Ngoma", "Capitaine Diallo").
    /// A trailing dot is allowed (`Mr.`, `Lt.`); the one-letter French `M.` needs its dot.
    static let titles = keys([
        "mr", "mrs", "ms", "miss", "mister", "dr", "doctor", "sgt", "sergeant", "captain", "capt", "cpt", "lieutenant", "lt",
        "colonel", "col", "major", "maj", "commander", "cdr", "corporal", "cpl", "pvt", "general", "gen",
        "officer", "chief", "pastor", "reverend", "rev", "imam", "father", "sister", "brother", "prof", "professor", "judge",
        "monsieur", "madame", "mademoiselle", "mme", "mlle", "mmes", "messrs", "docteur", "sergent", "capitaine", "cne",
        "commandant", "cdt", "adjudant", "adj", "caporal", "cpl", "soldat", "lieutenant", "colonel", "general", "chef",
        "pasteur", "abbe", "pere", "maitre", "frere", "soeur", "cheikh", "sheikh", "hadj", "hajji", "mzee",
    ])

    /// Words after which a name follows ("a man called Bob", "un certain Koffi", "nommé Ali").
    static let introducers = keys([
        "named", "called", "nicknamed", "alias", "aka", "surnamed", "appele", "appelee", "appeles", "nomme", "nommee",
        "denomme", "denommee", "surnomme", "surnommee", "prenomme", "prenommee", "dit", "dite", "sappelle", "sappelait",
        "sappellent", "sappelaient",
    ])

    /// Relatives and relations ("her uncle Moussa", "son oncle, Ibrahim,"): a comma may stand
    /// between the word and the name.
    static let relations = keys([
        "uncle", "aunt", "auntie", "cousin", "nephew", "niece", "brother", "sister", "mother", "father", "stepfather",
        "stepmother", "husband", "wife", "son", "daughter", "friend", "boyfriend", "girlfriend", "neighbour", "neighbor",
        "landlord", "employer", "boss", "teacher", "guardian", "driver", "interpreter", "colleague", "grandmother",
        "grandfather", "oncle", "tante", "cousine", "neveu", "niece", "frere", "soeur", "mere", "pere", "mari", "epoux",
        "epouse", "fils", "fille", "ami", "amie", "copain", "copine", "voisin", "voisine", "patron", "patronne",
        "employeur", "enseignant", "maitresse", "tuteur", "tutrice", "chauffeur", "interprete", "collegue", "grandmere",
        "grandpere", "beaufrere", "bellesoeur", "demifrere", "demisoeur", "petitami", "petiteamie",
        // The people of the report and those around them ("Survivor (Nyakuoth)", "la plaignante Awa").
        "survivor", "victim", "caller", "reporter", "complainant", "witness", "nurse", "guard", "soldier", "peacekeeper",
        "victime", "survivante", "survivant", "appelante", "appelant", "plaignante", "plaignant", "temoin", "infirmiere",
        "infirmier", "gardien",
    ])

    /// Cue words made of two: the second word, after the first ("focal point Odile", "point
    /// focal Odile", "called himself Sam", "known as Jojo", "connu sous le nom de X").
    static let pairs: [WordKey: Set<WordKey>] = {
        let list: [(String, [String])] = [
            ("point", ["focal"]), ("focal", ["point"]), ("himself", ["called", "calls", "call", "named", "names"]),
            ("herself", ["called", "calls", "call", "named", "names"]), ("as", ["known", "knew", "know", "knows"]),
            ("de", ["nom"]), ("certain", ["un"]), ("certaine", ["une"]), ("bleu", ["casque"]),
        ]
        return Dictionary(list.map { (WordKey(Array($0.0.utf8)), Set(words: $0.1)) }, uniquingKeysWith: { a, _ in a })
    }()

    /// Name particles: matched only between two parts of a name.
    static let particles = keys([
        "de", "da", "das", "do", "dos", "du", "des", "del", "della", "van", "von", "der", "den", "ben", "bin", "bint",
        "ibn", "ould", "ag", "wa", "el", "al", "abu", "abou", "ba", "le", "la", "mac", "mc", "st",
    ])

    /// Capitalised words that start a sentence or name an institution, never a person here.
    static let notNames = keys([
        "the", "a", "an", "he", "she", "they", "it", "we", "i", "you", "his", "her", "their", "its", "our", "my", "this",
        "that", "these", "those", "there", "then", "and", "but", "or", "so", "in", "on", "at", "to", "of", "for", "from",
        "with", "when", "while", "after", "before", "who", "whom", "which", "what", "where", "yesterday", "today",
        "il", "elle", "ils", "elles", "on", "nous", "vous", "je", "le", "la", "les", "un", "une", "des", "du", "son",
        "sa", "ses", "leur", "leurs", "ce", "cet", "cette", "ces", "et", "mais", "ou", "donc", "dans", "sur", "a", "au",
        "aux", "pour", "par", "avec", "quand", "lorsque", "apres", "avant", "qui", "que", "hier", "puis", "ensuite",
        "un", "onu", "un", "minusca", "monusco", "minusma", "unmiss", "unifil", "minustah", "minujusth", "binuh",
        "unsom", "unsos", "unisfa", "unficyp", "unmik", "minurso", "unsmil", "unamid", "fpu", "fardc", "faca", "unpol",
        "cdt", "ngo", "ong", "oios", "unicef", "unhcr", "wfp", "pam", "msf", "police", "army", "armee", "contingent",
        "battalion", "bataillon", "camp", "base", "hotline", "whatsapp", "facebook", "messenger", "god", "dieu",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lundi", "mardi", "mercredi",
        "jeudi", "vendredi", "samedi", "dimanche", "mission", "commander", "captain", "sergeant", "colonel",
        "capitaine", "sergent", "unit", "unite", "company", "compagnie", "platoon", "section", "sector", "secteur",
        "id", "dob", "gps", "tel", "sms", "no", "nb", "ps", "ras", "irc", "un", "pk", "assembly", "secretariat", "staff",
        "hospital", "headquarters", "hq", "court", "council", "security", "office", "bureau", "hopital", "tribunal",
    ])

    /// Street words written before the street's name ("rue Lamothe", "avenue Boganda").
    static let streetsBefore = keys([
        "rue", "avenue", "av", "ave", "boulevard", "bd", "bld", "blvd", "impasse", "allee", "ruelle", "chemin", "place",
    ])

    /// Street words written after it ("Kenyatta Road", "Main Street").
    static let streetsAfter = keys([
        "street", "st", "road", "rd", "avenue", "ave", "lane", "ln", "drive", "dr", "boulevard", "blvd", "close", "crescent",
    ])

    /// Small words inside a street name ("rue de la Paix", "avenue des Martyrs").
    static let streetConnectors = keys(["de", "du", "des", "la", "le", "les", "of", "the", "el", "al"])

    /// Words announcing an ID number.
    static let idWords = keys([
        "passport", "passeport", "id", "cni", "nin", "matricule", "identity", "identite", "badge", "licence", "license",
        "permis", "serial", "plate", "plaque",
    ])

    /// Every listed word and its classes: one lookup per token.
    static let classes: [WordKey: WordClass] = {
        var table: [WordKey: WordClass] = [:]
        let lists: [(Set<WordKey>, WordClass)] = [
            (titles, .title), (introducers, .introducer), (relations, .relation), (particles, .particle),
            (notNames, .notName), (streetsBefore, .streetBefore), (streetsAfter, .streetAfter),
            (streetConnectors, .streetConnector), (idWords, .idWord), (birthWords, .birthWord),
            (Set(pairs.keys), .pairSecond), (Set(DayDate.months.keys), .month),
        ]
        for (words, wordClass) in lists { for word in words { table[word, default: []].insert(wordClass) } }
        return table
    }()

    /// Words announcing a date of birth.
    static let birthWords = keys(["born", "birth", "dob", "ne", "nee", "naissance", "birthday"])
}
