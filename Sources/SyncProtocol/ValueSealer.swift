import Crypto

/// Seals op values to the hub's X25519 key (sync-v1.md §7.3): the plaintext is the value's
/// canonical encoding (§7.1), the box a `FieldBox` bound to the key id, the entity and the
/// field, so a sealed value opens only where it was written.
///
/// One sealer per write transaction: every value it seals shares one ephemeral key (one X25519
/// operation per transaction, not per field), and each still opens on its own.
public struct ValueSealer {
    /// The hub's key id (first 8 bytes of SHA-256 of its public key), carried in every value.
    public let keyID: [UInt8]
    private var box: FieldBoxSealer

    /// A sealer to `publicKey` (32 raw bytes) named `keyID`; `ephemeral` only for test vectors.
    public init(keyID: [UInt8], publicKey: [UInt8], ephemeral: X25519.PrivateKey = X25519.PrivateKey()) throws(CryptoError) {
        precondition(!keyID.isEmpty && keyID.count <= OpLimits.maxKeyIDBytes, "sealing key id of \(keyID.count) bytes")
        self.keyID = keyID
        box = try FieldBoxSealer(recipient: try X25519.PublicKey(rawRepresentation: publicKey), ephemeral: ephemeral)
    }

    /// `value` sealed for `field` of `entity`. A value that is already sealed, or null (a
    /// cleared field says only that it is cleared), is returned as it is.
    public mutating func seal(_ value: Value, entity: String, field: String) throws(CryptoError) -> Value {
        switch value {
        case .null, .sealed: return value
        default:
            let context = Self.context(keyID: keyID, entity: entity, field: field)
            return .sealed(SealedValue(keyID: keyID, ciphertext: try box.seal(ValueCodec.encode(value), context: context)))
        }
    }

    /// The binding of invariant 4 of `FieldBox`: key id, entity and field, each with a one-byte
    /// length (all three are at most 128 bytes, §12).
    static func context(keyID: [UInt8], entity: String, field: String) -> [UInt8] {
        var out: [UInt8] = []
        for part in [keyID, Array(entity.utf8), Array(field.utf8)] {
            out.append(UInt8(part.count))
            out += part
        }
        return out
    }
}

/// Opens sealed values with the hub's private keys, by key id.
public struct ValueOpener: Sendable {
    /// Why a sealed value did not open; `message` names the key and says what to do.
    public struct Failure: Error, Sendable {
        public enum Code: String, Sendable { case unknownKey, damaged }
        public let code: Code
        public let message: String
    }

    private let keys: [[UInt8]: X25519.PrivateKey]

    /// An opener holding `keys` (each keyed by its key id).
    public init(keys: [[UInt8]: X25519.PrivateKey]) {
        self.keys = keys
    }

    /// The key ids this opener holds.
    public var keyIDs: [[UInt8]] { Array(keys.keys) }

    /// The clear value of `sealed`, written for `field` of `entity`.
    public func open(_ sealed: SealedValue, entity: String, field: String) throws(Failure) -> Value {
        let keyHex = Hex.encode(sealed.keyID)
        guard let key = keys[sealed.keyID] else {
            throw Failure(code: .unknownKey, message: "sealed to key \(keyHex), whose private key is not loaded")
        }
        let context = ValueSealer.context(keyID: sealed.keyID, entity: entity, field: field)
        let plaintext: [UInt8]
        do {
            plaintext = try FieldBox.open(sealed.ciphertext, with: key, context: context)
        } catch {
            throw Failure(code: .damaged, message: "does not open with key \(keyHex) for this field (\(error.code.rawValue)): altered, or moved from another field or report")
        }
        guard let value = try? ValueCodec.decode(plaintext), !Self.isSealed(value) else {
            throw Failure(code: .damaged, message: "opens with key \(keyHex) but holds no valid value")
        }
        return value
    }

    private static func isSealed(_ value: Value) -> Bool {
        if case .sealed = value { return true }
        return false
    }
}
