import Crypto
import Testing

@Suite("Crypto: X25519 and SealedBox")
struct CryptoSealedBoxTests {
    static let info = Array("fieldsync/test/narrative/v1".utf8)

    /// RFC 7748 section 6.1.
    @Test func x25519RFC7748Vector() throws {
        let alice = try X25519.PrivateKey(rawRepresentation: cryptoBytes(hex: "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
        let bob = try X25519.PrivateKey(rawRepresentation: cryptoBytes(hex: "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"))
        #expect(cryptoHex(alice.publicKey.rawRepresentation) == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        #expect(cryptoHex(bob.publicKey.rawRepresentation) == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        let shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
        #expect(cryptoHex(try alice.sharedSecret(with: bob.publicKey)) == shared)
        #expect(cryptoHex(try bob.sharedSecret(with: alice.publicKey)) == shared)
    }

    @Test func x25519LowOrderPeerIsRefused() throws {
        let key = X25519.PrivateKey()
        let zeroPoint = try X25519.PublicKey(rawRepresentation: [UInt8](repeating: 0, count: 32))
        #expect(throws: CryptoError.self) { try key.sharedSecret(with: zeroPoint) }
    }

    @Test func roundTripsAllSizes() throws {
        let recipient = X25519.PrivateKey()
        for size in [0, 1, 15, 16, 17, 1000, 70_000] {
            let plaintext = SecureRandom.bytes(size)
            let box = try SealedBox.seal(plaintext, to: recipient.publicKey, info: Self.info)
            #expect(box.count == plaintext.count + SealedBox.overheadByteCount)
            #expect(box.count == plaintext.count + 61)
            #expect(box[0] == 0x01)
            #expect(try SealedBox.open(box, with: recipient, info: Self.info) == plaintext)
        }
    }

    @Test func sealingTwiceGivesDifferentBoxes() throws {
        let recipient = X25519.PrivateKey()
        let first = try SealedBox.seal([1, 2, 3], to: recipient.publicKey, info: Self.info)
        let second = try SealedBox.seal([1, 2, 3], to: recipient.publicKey, info: Self.info)
        #expect(first[1..<33] != second[1..<33], "ephemeral keys must be fresh per box")
        #expect(first != second)
    }

    @Test func everyTamperedByteIsAnAuthenticationFailure() throws {
        let recipient = X25519.PrivateKey()
        let plaintext = Array("victim needs: medical_urgent".utf8)
        let box = try SealedBox.seal(plaintext, to: recipient.publicKey, info: Self.info)
        // Every byte after the version: ephemeral key, nonce, ciphertext and tag.
        for index in 1..<box.count {
            do {
                _ = try SealedBox.open(cryptoFlipped(box, at: index), with: recipient, info: Self.info)
                Issue.record("tampered byte \(index) opened")
            } catch {
                #expect(error.code == .authenticationFailed, "byte \(index): \(error)")
            }
        }
    }

    @Test func wrongKeyOrInfoIsAnAuthenticationFailure() throws {
        let recipient = X25519.PrivateKey()
        let box = try SealedBox.seal([9, 9, 9], to: recipient.publicKey, info: Self.info)
        let stranger = X25519.PrivateKey()
        #expect(throws: CryptoError.self) { try SealedBox.open(box, with: stranger, info: Self.info) }
        do {
            _ = try SealedBox.open(box, with: recipient, info: Array("fieldsync/test/other/v1".utf8))
            Issue.record("opened with the wrong info")
        } catch {
            #expect(error.code == .authenticationFailed)
            #expect(!error.description.contains(cryptoHex(recipient.rawRepresentation)))
        }
    }

    @Test func forgedLowOrderEphemeralKeyIsRejected() throws {
        let recipient = X25519.PrivateKey()
        var box = try SealedBox.seal([1], to: recipient.publicKey, info: Self.info)
        box.replaceSubrange(1..<33, with: [UInt8](repeating: 0, count: 32))
        do {
            _ = try SealedBox.open(box, with: recipient, info: Self.info)
            Issue.record("box with an all-zero ephemeral key opened")
        } catch {
            #expect(error.code == .authenticationFailed)
        }
    }

    @Test func truncatedOrUnknownVersionIsMalformed() throws {
        let recipient = X25519.PrivateKey()
        let box = try SealedBox.seal([], to: recipient.publicKey, info: Self.info)
        #expect(box.count == 61)
        for length in [0, 1, 33, 45, 60] {
            do {
                _ = try SealedBox.open(Array(box.prefix(length)), with: recipient, info: Self.info)
                Issue.record("\(length)-byte prefix opened")
            } catch {
                #expect(error.code == .malformedBox)
            }
        }
        var future = box
        future[0] = 0x02
        do {
            _ = try SealedBox.open(future, with: recipient, info: Self.info)
            Issue.record("version 2 box opened")
        } catch {
            #expect(error.code == .malformedBox)
        }
    }
}

/// `FieldBox` (sync-v1.md §7.3): a sealer that used all 65 536 ordinals of its ephemeral key
/// draws a new one, so no (E, n) pair, and so no key and nonce, is ever used twice.
@Suite struct CryptoFieldBoxTests {
    @Test func theOrdinalNeverWrapsUnderOneEphemeralKey() throws {
        let recipient = X25519.PrivateKey()
        var sealer = try FieldBoxSealer(recipient: recipient.publicKey)
        let context = Array("ctx".utf8)
        var last: [UInt8] = []
        for index in 0...65_536 {
            let box = try sealer.seal([UInt8(index & 0xff)], context: context)
            if index == 65_535 { last = box }
            if index == 65_536 {
                #expect(box[1..<33] != last[1..<33], "a new ephemeral key after 65 536 values")
                #expect(box[33..<35] == [0, 0])
                #expect(try FieldBox.open(box, with: recipient, context: context) == [0])
            }
        }
        #expect(last[33..<35] == [0xff, 0xff])
        #expect(try FieldBox.open(last, with: recipient, context: context) == [0xff])
        #expect(throws: CryptoError.self) { try FieldBox.open(last, with: recipient, context: Array("other".utf8)) }
        #expect(throws: CryptoError.self) { try FieldBox.open(Array(last.prefix(50)), with: recipient, context: context) }
    }
}
