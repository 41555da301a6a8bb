/// The clear-text comparison the encoding approximates: the same tokens with the same
/// per-field weights, compared exactly (a weighted Dice coefficient on token sets, no hashing
/// into 1024 bits, no key). Only the benchmark uses it, as the plain-text baseline of the
/// encoding: what matching could do if the hub saw the identifiers.
public struct PlainTokenSet: Sendable {
    /// (field, token) pairs reduced to 64-bit FNV-1a values, sorted, without repeats.
    let tokens: [UInt64]
    let weights: [Int]
    public let totalWeight: Int

    public init(_ identifiers: SurvivorIdentifiers) {
        var pairs: [(UInt64, Int)] = []
        for field in EncodedField.allCases {
            for token in field.tokens(of: identifiers) {
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                for byte in [UInt8(field.rawValue)] + token { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
                pairs.append((hash, field.hashesPerToken))
            }
        }
        pairs.sort { $0.0 < $1.0 }
        var tokens: [UInt64] = [], weights: [Int] = []
        for pair in pairs where tokens.last != pair.0 {
            tokens.append(pair.0)
            weights.append(pair.1)
        }
        self.tokens = tokens
        self.weights = weights
        totalWeight = weights.reduce(0, +)
    }

    /// `2 w(A ∩ B) / (w(A) + w(B))`, a sorted merge; 0 when both are empty.
    public func dice(_ other: PlainTokenSet) -> Double {
        let total = totalWeight + other.totalWeight
        guard total > 0 else { return 0 }
        var i = 0, j = 0, common = 0
        while i < tokens.count, j < other.tokens.count {
            if tokens[i] == other.tokens[j] { common += weights[i]; i += 1; j += 1 }
            else if tokens[i] < other.tokens[j] { i += 1 } else { j += 1 }
        }
        return Double(2 * common) / Double(total)
    }
}
