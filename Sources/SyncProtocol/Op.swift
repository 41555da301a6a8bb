/// A replica's identity: 128 random bits, fixed at `init`, never reused.
public struct NodeID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Exactly 16 bytes.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses 32 lowercase or uppercase hex digits.
    public init?(hex: String) {
        guard let b = Hex.decode(hex), b.count == 16 else { return nil }
        bytes = b
    }

    public static func random() -> NodeID {
        var g = SystemRandomNumberGenerator()
        return NodeID(bytes: (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) })!
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    /// Byte-wise comparison: the tie-breaker between equal HLC timestamps.
    public static func < (a: NodeID, b: NodeID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}

/// An op's identity: its origin and its gapless per-origin sequence number (1, 2, 3, …).
/// An op keeps this identity wherever it travels, so (origin, seq) makes every delivery idempotent.
public struct OpID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let origin: NodeID
    public let seq: UInt64

    public init(origin: NodeID, seq: UInt64) {
        self.origin = origin
        self.seq = seq
    }

    public static func < (a: OpID, b: OpID) -> Bool { (a.origin, a.seq) < (b.origin, b.seq) }
    public var description: String { "\(origin.hex)/\(seq)" }
}

/// A sealed value: ciphertext only the holder of the key named by `keyID` can open.
/// Merge treats it as an opaque value; only its bytes matter for equality.
public struct SealedValue: Sendable, Hashable {
    public let keyID: [UInt8]
    public let ciphertext: [UInt8]
    public init(keyID: [UInt8], ciphertext: [UInt8]) {
        self.keyID = keyID
        self.ciphertext = ciphertext
    }
}

/// A field value carried by an op.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    /// Finite doubles only; the codec refuses NaN and infinities.
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case sealed(SealedValue)
}

/// What an op does to its entity.
public enum Action: Sendable, Hashable {
    /// Sets the entity's causal length: odd means it exists, even means it is deleted.
    /// Create is 1, delete of a live entity is its length + 1, re-create is + 1 again.
    /// Merge keeps the maximum, so delete and re-create converge.
    case exist(causalLength: UInt64)
    /// Sets a register. Winner: highest (rank, hlc, origin). `supersedes` lists the register's
    /// heads the writer saw (winner and visible conflicts); every other head is a conflict.
    /// `rank` is 0 for plain last-writer-wins; forward-only fields use the rank of the state.
    case set(field: String, value: Value, rank: UInt32, supersedes: [OpID])
    /// Adds an element to an add-wins observed-remove set; the op's id is the element's tag.
    case add(field: String, element: Value)
    /// Removes the tags of an element the writer observed; a concurrent add (unseen tag) wins.
    case remove(field: String, element: Value, tags: [OpID])
}

/// One immutable change. State is a pure function of the set of ops seen.
public struct Op: Sendable, Hashable {
    public let id: OpID
    public let hlc: HLC
    /// The kind of record, e.g. `report`, `case`, `referral`, `ref.mission`.
    public let collection: String
    /// The record's id within its collection.
    public let entity: String
    public let action: Action

    public init(id: OpID, hlc: HLC, collection: String, entity: String, action: Action) {
        self.id = id
        self.hlc = hlc
        self.collection = collection
        self.entity = entity
        self.action = action
    }

    public var origin: NodeID { id.origin }
    public var seq: UInt64 { id.seq }
}

/// Lowercase hex, shared by every text form of ids.
public enum Hex {
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let h = nibble(utf8[i]), let l = nibble(utf8[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }
}
