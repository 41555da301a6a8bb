/// A phone number in the form every laptop derives identically whatever way it was written
/// (Protocols/linkage-v1.md §4.2): `+236 72 12 34 56`, `00236-72123456`, `72 12 34 56` and
/// `(072) 12-34-56` are all `72123456`.
///
/// 1. Keep the ASCII digits; note whether the number was international (`+` before the first
///    digit, or the digits start with `00`, which is then dropped).
/// 2. International: drop the country code when it is one of `countryCodes` (the missions'
///    countries and their neighbours; longest match first).
/// 3. Drop leading zeros (the trunk prefix of the local form, `0812…` → `812…`).
/// 4. Keep the last `keptDigits` digits (all of them when fewer).
///
/// Step 4 makes a number written with a country code not in the list still match its local
/// form whenever the national number has at least 8 digits (most of the world); the list is
/// needed for countries with 7-digit numbers (Lebanon's `03 123 456` is `+961 3 123 456`).
/// Fewer than `minimumDigits` digits after step 3 is not a phone number.
public enum PhoneNormalizer {
    public static let keptDigits = 8
    public static let minimumDigits = 6

    /// Mission countries (CAR 236, DRC 243, Mali 223, South Sudan 211, Lebanon 961, Haiti 509,
    /// Somalia 252, Sudan 249, Morocco/Western Sahara 212, Kosovo 383, Cyprus 357, Syria 963,
    /// Israel 972, Palestine 970, India 91, Pakistan 92) and the neighbours the missions' callers
    /// often use (Chad 235, Cameroon 237, Congo 242, Rwanda 250, Uganda 256, Burundi 257,
    /// Kenya 254, Ethiopia 251, Serbia 381, Albania 355, North Macedonia 389).
    public static let countryCodes: [[UInt8]] = [
        "236", "243", "223", "211", "961", "509", "252", "249", "212", "383", "357", "963", "972",
        "970", "235", "237", "242", "250", "256", "257", "254", "251", "381", "355", "389", "91", "92",
    ].map { Array($0.utf8) }.sorted { $0.count > $1.count }

    /// The normalised number (ASCII digits), or nil when it has fewer than `minimumDigits`.
    public static func normalize(_ phone: String) -> String? {
        var digits: [UInt8] = []
        var plus = false
        for byte in phone.utf8 {
            if (0x30...0x39).contains(byte) { digits.append(byte) } else if byte == UInt8(ascii: "+"), digits.isEmpty { plus = true }
        }
        var national = digits[...]
        var international = plus
        if !plus, national.starts(with: [0x30, 0x30]) {
            international = true
            national = national.dropFirst(2)
        }
        if international, let code = countryCodes.first(where: { national.starts(with: $0) }) {
            national = national.dropFirst(code.count)
        }
        while national.first == 0x30 { national = national.dropFirst() }
        guard national.count >= minimumDigits else { return nil }
        return String(decoding: national.suffix(keptDigits), as: UTF8.self)
    }
}
