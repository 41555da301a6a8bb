import Crypto
import Testing

/// Which Ed25519 public keys the hub accepts from a device (Ed25519+DeviceKey.swift).
@Suite("Crypto: Ed25519 device keys")
struct CryptoDeviceKeyTests {
    /// `y` as a 32-byte little-endian key, with the sign bit of x set when `negative`.
    static func key(_ y: [UInt8], negative: Bool = false) throws -> Ed25519.PublicKey {
        var bytes = y + [UInt8](repeating: 0, count: 32 - y.count)
        if negative { bytes[31] |= 0x80 }
        return try Ed25519.PublicKey(rawRepresentation: bytes)
    }

    static let p: [UInt8] = [0xED] + [UInt8](repeating: 0xFF, count: 30) + [0x7F]

    /// p + k (k < 19), little-endian: non-canonical encodings of k.
    static func pPlus(_ k: UInt8) -> [UInt8] { [0xED + k] + Array(p.dropFirst()) }

    @Test("RFC 8032 keys and generated keys are acceptable")
    func goodKeysPass() throws {
        // RFC 8032 §7.1: TEST 1, 2, 3, 1024, SHA(abc).
        for hex in ["d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
                    "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
                    "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
                    "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf"] {
            let key = try Ed25519.PublicKey(rawRepresentation: cryptoBytes(hex: hex))
            #expect(try key.deviceKeyWeakness() == nil, "\(hex)")
            #expect(key.isAcceptableDeviceKey)
        }
        for _ in 0..<50 {
            #expect(Ed25519.PrivateKey().publicKey.isAcceptableDeviceKey)
        }
    }

    @Test("libsodium's small-order list is refused, with either sign bit")
    func smallOrderPointsAreRefused() throws {
        let y8 = cryptoBytes(hex: "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")
        let minusY8 = cryptoBytes(hex: "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
        let pMinusOne = [0xEC] + Array(Self.p.dropFirst())
        for (name, y) in [("0 (order 4)", [UInt8]()), ("1 (identity)", [1]), ("y8 (order 8)", y8),
                          ("-y8 (order 8)", minusY8), ("p - 1 (order 2)", pMinusOne)] {
            for negative in [false, true] {
                let key = try Self.key(y, negative: negative)
                #expect(try key.deviceKeyWeakness() == .smallOrder, "\(name), sign \(negative)")
                #expect(!key.isAcceptableDeviceKey)
            }
        }
        // The list's non-canonical entries, p (= 0) and p + 1 (= 1).
        for y in [Self.p, Self.pPlus(1)] {
            for negative in [false, true] {
                #expect(try Self.key(y, negative: negative).deviceKeyWeakness() == .nonCanonical)
            }
        }
    }

    @Test("y at or above p is refused as non-canonical")
    func nonCanonicalEncodingsAreRefused() throws {
        let top = [UInt8](repeating: 0xFF, count: 31) + [0x7F]  // 2^255 − 1
        for y in [Self.pPlus(3), Self.pPlus(9), Self.pPlus(18), top] {
            #expect(try Self.key(y).deviceKeyWeakness() == .nonCanonical, "\(cryptoHex(y))")
            #expect(try Self.key(y, negative: true).deviceKeyWeakness() == .nonCanonical)
        }
        // p − 2 is canonical: whatever it is, it is not refused as non-canonical.
        #expect(try Self.key([0xEB] + Array(Self.p.dropFirst())).deviceKeyWeakness() != .nonCanonical)
    }

    @Test("a y with no x on the curve is refused; a y with one is not")
    func offCurvePointsAreRefused() throws {
        // Independently computed (Python, Euler's criterion on (y² − 1)/(d·y² + 1) mod p):
        // y = 2, 7, 8, 11 have no x; y = 3, 4, 5, 6 have one and are not of small order.
        for y: UInt8 in [2, 7, 8, 11] {
            #expect(try Self.key([y]).deviceKeyWeakness() == .notOnCurve, "y = \(y)")
            #expect(try Self.key([y], negative: true).deviceKeyWeakness() == .notOnCurve, "y = \(y), negative")
        }
        for y: UInt8 in [3, 4, 5, 6] {
            #expect(try Self.key([y]).deviceKeyWeakness() == nil, "y = \(y)")
        }
    }
}
