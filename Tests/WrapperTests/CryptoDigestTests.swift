import Crypto
import Testing

@Suite("Crypto: SHA-256, HMAC-SHA256, HKDF, constant time, randomness")
struct CryptoDigestTests {
    // FIPS 180-2 appendix B vectors.
    @Test("SHA-256 FIPS vectors", arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256Vectors(message: String, digest: String) {
        #expect(cryptoHex(SHA256.hash(Array(message.utf8))) == digest)
    }

    @Test func sha256OfOneMillionA() {
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(cryptoHex(SHA256.hash(million)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// RFC 4231 section 4 test cases 1–4, 6, 7 (case 5 is a truncated tag, checked below).
    static let rfc4231: [(key: [UInt8], data: [UInt8], tag: String)] = [
        ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (Array(1...25), [UInt8](repeating: 0xcd, count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xaa, count: 131),
         Array(("This is a test using a larger than block-size key and a larger than block-size data. "
                + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test func hmacRFC4231Vectors() {
        for (index, vector) in Self.rfc4231.enumerated() {
            let tag = HMACSHA256.authenticate(vector.data, key: vector.key)
            #expect(cryptoHex(tag) == vector.tag, "RFC 4231 vector #\(index)")
            #expect(HMACSHA256.verify(tag, for: vector.data, key: vector.key))
        }
    }

    @Test func hmacRFC4231TruncatedCase5() {
        let tag = HMACSHA256.authenticate(Array("Test With Truncation".utf8), key: [UInt8](repeating: 0x0c, count: 20))
        #expect(cryptoHex(Array(tag.prefix(16))) == "a3b6167473100ee06e0c796c2955552b")
    }

    @Test func hmacVerifyRejectsTamperedTagMessageAndKey() {
        let key = Array("mission-key".utf8)
        let message = Array("survivor identifiers".utf8)
        let tag = HMACSHA256.authenticate(message, key: key)
        #expect(!HMACSHA256.verify(cryptoFlipped(tag, at: 31), for: message, key: key))
        #expect(!HMACSHA256.verify(cryptoFlipped(tag, at: 0), for: message, key: key))
        #expect(!HMACSHA256.verify(Array(tag.prefix(31)), for: message, key: key))
        #expect(!HMACSHA256.verify([], for: message, key: key))
        #expect(!HMACSHA256.verify(tag, for: cryptoFlipped(message, at: 3), key: key))
        #expect(!HMACSHA256.verify(tag, for: message, key: cryptoFlipped(key, at: 0)))
    }

    @Test func hmacAcceptsEmptyKeyAndMessage() {
        // Reference value from `openssl dgst -sha256 -hmac ''` on empty input.
        #expect(cryptoHex(HMACSHA256.authenticate([], key: []))
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    /// RFC 5869 appendix A.1 (test case 1).
    @Test func hkdfRFC5869Case1() throws {
        let okm = try HKDFSHA256.deriveKey(
            inputKeyMaterial: [UInt8](repeating: 0x0b, count: 22),
            salt: Array(0...12), info: Array(0xf0...0xf9), outputByteCount: 42)
        #expect(cryptoHex(okm) == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    }

    /// RFC 5869 appendix A.3 (test case 3: empty salt and info).
    @Test func hkdfRFC5869Case3EmptySaltAndInfo() throws {
        let okm = try HKDFSHA256.deriveKey(
            inputKeyMaterial: [UInt8](repeating: 0x0b, count: 22), salt: [], info: [], outputByteCount: 42)
        #expect(cryptoHex(okm) == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
    }

    @Test func constantTimeEquals() {
        #expect(ConstantTime.equals([], []))
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equals([0], []))
    }

    @Test func secureRandomLengthsAndVariety() {
        #expect(SecureRandom.bytes(0).isEmpty)
        let a = SecureRandom.bytes(32)
        let b = SecureRandom.bytes(32)
        #expect(a.count == 32 && b.count == 32)
        #expect(a != b, "two 256-bit draws collided: the generator is broken")
        // A megabyte of output uses every byte value; a stuck or truncated generator would not.
        #expect(Set(SecureRandom.bytes(1 << 20)).count == 256)
    }
}
