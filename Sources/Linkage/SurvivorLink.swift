/// Everything derived from one survivor's identifiers, ready to store as sealed fields of the
/// report: the exact codes and the fuzzy encoding. The identifiers themselves are not here.
public struct SurvivorLink: Sendable, Hashable {
    public let codes: SurvivorCodes
    public let encoding: BloomEncoding

    public init(codes: SurvivorCodes, encoding: BloomEncoding) {
        self.codes = codes
        self.encoding = encoding
    }

    /// The codes and encoding of `identifiers`; nil when nothing is known.
    public init?(_ identifiers: SurvivorIdentifiers, key: LinkageKey) {
        guard !identifiers.isEmpty else { return nil }
        self.init(codes: SurvivorCodes(identifiers, key: key), encoding: BloomEncoding(identifiers, key: key))
    }
}
