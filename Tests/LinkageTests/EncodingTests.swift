import Testing
import TestSupport
@testable import Linkage

@Suite struct EncodingTests {
    static let key = LinkageKey(bytes: Array(0..<32))!

    static func ids(_ name: String?, phone: String? = nil, dob: String? = nil) -> SurvivorIdentifiers {
        try! SurvivorIdentifiers.normalize(name: name, phone: phone, dateOfBirth: dob).get()
    }

    static func dice(_ a: SurvivorIdentifiers, _ b: SurvivorIdentifiers, key: LinkageKey = key) -> Double {
        BloomEncoding(a, key: key).dice(BloomEncoding(b, key: key))
    }

    @Test func nearIdenticalNamesAreSimilarAndUnrelatedOnesAreNot() {
        let a = Self.ids("Aminata Diallo", dob: "1998-04-12")
        #expect(Self.dice(a, Self.ids("Aminata Dialo", dob: "1998-04-12")) == 1)  // doubled letter folded
        #expect(Self.dice(a, Self.ids("Aminta Diallo", dob: "1998-04-12")) > 0.85)
        #expect(Self.dice(a, Self.ids("Diallo Aminata", dob: "1998")) > 0.8)
        #expect(Self.dice(a, Self.ids("Aminata Diallo", dob: "1998-04-21")) > 0.85)
        let unrelated = Self.dice(a, Self.ids("Jean-Baptiste Mbouda", dob: "1971-11-03"))
        #expect(unrelated < 0.45, "unrelated names \(unrelated)")
    }

    @Test func siblingsSharingFamilyNameAndPhoneStayBelowASameName() {
        let phone = "+243 81 234 5678"
        let a = Self.ids("Grace Mukendi", phone: phone, dob: "2008")
        let sibling = Self.dice(a, Self.ids("Esther Mukendi", phone: "0812345678", dob: "2011"))
        let same = Self.dice(a, Self.ids("Grace Moukendi", phone: "0812345678", dob: "2008"))
        #expect(same > sibling + 0.2, "same person \(same), sibling \(sibling)")
        #expect(!SurvivorCodes(a, key: Self.key).sharesCode(with: SurvivorCodes(Self.ids("Esther Mukendi", phone: phone), key: Self.key)))
    }

    @Test func keysChangeEveryCodeAndEncoding() {
        let a = Self.ids("Fatima Haddad", phone: "+961 3 123 456", dob: "2001-09-30")
        let other = LinkageKey(bytes: Array(repeating: 7, count: 32))!
        let mine = SurvivorLink(a, key: Self.key)!, theirs = SurvivorLink(a, key: other)!
        #expect(mine.codes.nameAndBirth != theirs.codes.nameAndBirth)
        #expect(mine.codes.nameAndPhone != theirs.codes.nameAndPhone)
        #expect(mine.encoding != theirs.encoding)
        // Under different keys the same person looks like a stranger.
        #expect(mine.encoding.dice(theirs.encoding) < 0.5)
    }

    @Test func codesNeedTheNameAndOneMore() {
        let both = SurvivorCodes(Self.ids("Awa Traoré", phone: "+223 76 12 34 56", dob: "1990-01-02"), key: Self.key)
        #expect(both.nameAndBirth?.count == 32 && both.nameAndPhone?.count == 32)
        let nameOnly = SurvivorCodes(Self.ids("Awa Traoré"), key: Self.key)
        #expect(nameOnly.nameAndBirth == nil && nameOnly.nameAndPhone == nil)
        let noName = SurvivorCodes(Self.ids(nil, phone: "76123456", dob: "1990"), key: Self.key)
        #expect(noName.nameAndBirth == nil && noName.nameAndPhone == nil)
        // Local and international forms, swapped names, accents: one code.
        let again = SurvivorCodes(Self.ids("TRAORE Awa", phone: "76 12 34 56", dob: "02/01/1990"), key: Self.key)
        #expect(again == both)
    }

    @Test func wireFormRoundTripsAndRefusesOtherLengthsAndVersions() {
        let encoding = BloomEncoding(Self.ids("Kadiatou Coulibaly", dob: "1985"), key: Self.key)
        let bytes = encoding.bytes
        #expect(bytes.count == 129 && bytes[0] == 1)
        #expect(BloomEncoding(bytes: bytes) == encoding)
        #expect(BloomEncoding(bytes: Array(bytes.dropLast())) == nil)
        #expect(BloomEncoding(bytes: [2] + bytes.dropFirst()) == nil)
        #expect(encoding.popcount > 100 && encoding.popcount < 600)
    }

    @Test func keyTextFormIsStrict() {
        let key = LinkageKey.random()
        #expect(LinkageKey(hex: Array(key.hexText.utf8)) == key)
        #expect(LinkageKey(hex: Array(key.hexText.dropLast().utf8)) == key)
        #expect(LinkageKey(hex: Array((key.hexText + "\n").utf8)) == nil)
        #expect(LinkageKey(hex: Array(String(repeating: "g", count: 64).utf8)) == nil)
        #expect(!key.description.contains(String(key.hexText.prefix(8))))
    }

    /// A run of mixed combining marks is what makes canonical ordering quadratic; the name
    /// normaliser decomposes scalar by scalar, so it stays within a constant factor of ASCII.
    @Test func hostileNamesCostLinearTime() async {
        let hostile = HostileText.cluster(marks: 6_000)
        let plain = HostileText.plain(matching: hostile)
        let result = await LinearTime.check(factor: 40, hostile: { _ = NameNormalizer.normalize(hostile) },
                                            plain: { _ = NameNormalizer.normalize(plain) })
        #expect(result.isLinear, "\(result)")
    }
}
