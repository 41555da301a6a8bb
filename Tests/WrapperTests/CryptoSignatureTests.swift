import Crypto
import Testing

@Suite("Crypto: Ed25519")
struct CryptoSignatureTests {
    /// RFC 8032 section 7.1, TEST 1 and TEST 2.
    static let vectors: [(seed: String, publicKey: String, message: String, signature: String)] = [
        ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
         "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
         "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ]

    @Test("RFC 8032 vectors sign byte-exact and verify", arguments: [0, 1])
    func rfc8032(index: Int) throws {
        let vector = Self.vectors[index]
        let key = try Ed25519.PrivateKey(rawRepresentation: cryptoBytes(hex: vector.seed))
        #expect(cryptoHex(key.publicKey.rawRepresentation) == vector.publicKey)
        let message = cryptoBytes(hex: vector.message)
        let signature = key.signature(for: message)
        #expect(cryptoHex(signature) == vector.signature)

        let publicKey = try Ed25519.PublicKey(rawRepresentation: cryptoBytes(hex: vector.publicKey))
        #expect(publicKey == key.publicKey)
        #expect(publicKey.isValidSignature(cryptoBytes(hex: vector.signature), for: message))
    }

    @Test func tamperedSignatureOrMessageIsRejected() throws {
        let key = Ed25519.PrivateKey()
        let message = Array("POST /v1/sync/ops device=abc seq=42".utf8)
        let signature = key.signature(for: message)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        for index in [0, 31, 32, 63] {
            #expect(!key.publicKey.isValidSignature(cryptoFlipped(signature, at: index), for: message), "sig byte \(index)")
        }
        #expect(!key.publicKey.isValidSignature(signature, for: cryptoFlipped(message, at: 5)))
        #expect(!key.publicKey.isValidSignature(signature, for: message + [0]))
        #expect(!key.publicKey.isValidSignature(Array(signature.prefix(63)), for: message))
        #expect(!key.publicKey.isValidSignature(signature + [0], for: message))
        #expect(!key.publicKey.isValidSignature([], for: message))
        // Someone else's key does not verify it.
        #expect(!Ed25519.PrivateKey().publicKey.isValidSignature(signature, for: message))
    }

    @Test func signingIsDeterministicAndKeysRoundTrip() throws {
        let key = Ed25519.PrivateKey()
        let restored = try Ed25519.PrivateKey(rawRepresentation: key.rawRepresentation)
        #expect(restored.publicKey == key.publicKey)
        #expect(key.signature(for: [1, 2, 3]) == restored.signature(for: [1, 2, 3]))
        #expect(Ed25519.PrivateKey().rawRepresentation != key.rawRepresentation)
    }

    @Test func wrongLengthKeysAreRefused() {
        for length in [0, 31, 33, 64] {
            #expect(throws: CryptoError.self) { try Ed25519.PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: length)) }
            #expect(throws: CryptoError.self) { try Ed25519.PublicKey(rawRepresentation: [UInt8](repeating: 7, count: length)) }
        }
        do {
            _ = try Ed25519.PrivateKey(rawRepresentation: [1, 2, 3])
            Issue.record("a 3-byte key was accepted")
        } catch {
            #expect(error.code == .invalidKey)
        }
    }

    @Test func descriptionsNeverShowPrivateKeyBytes() throws {
        let key = try Ed25519.PrivateKey(rawRepresentation: cryptoBytes(hex: Self.vectors[0].seed))
        for text in [String(describing: key), String(reflecting: key), "\(key)"] {
            #expect(!text.contains("9d61b1"))
            #expect(!text.contains("157"))  // 0x9d as a decimal array element
        }
    }
}
