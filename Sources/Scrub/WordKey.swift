/// Folded bytes as a set or dictionary key, hashed in one call over the whole buffer: hashing
/// `[UInt8]` combines byte by byte, and these lookups run for every word of every narrative.
struct WordKey: Hashable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

extension Set where Element == WordKey {
    init(words: [String]) {
        self.init(words.map { WordKey(Array($0.utf8)) })
    }

    func contains(_ bytes: [UInt8]) -> Bool { contains(WordKey(bytes)) }

    mutating func insert(_ bytes: [UInt8]) { insert(WordKey(bytes)) }
}

extension Dictionary where Key == WordKey {
    subscript(_ bytes: [UInt8]) -> Value? { self[WordKey(bytes)] }
}
