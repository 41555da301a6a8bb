import Crypto
import Foundation
@testable import SyncProtocol
import Testing
import TestSupport

/// `Protocols/vectors/sealed.json` (spec §7.3): fixed recipient and ephemeral keys, values
/// sealed in one transaction (ordinals 0, 1, …) → the sealed value bytes; then every case must
/// open with the recipient key, and must not open when moved to another field, entity or key
/// id, or with a byte changed. `FIELDSYNC_WRITE_VECTORS=1` rewrites the file.
@Suite struct SealedVectorTests {
    /// RFC 7748 §6.1: Bob's key is the hub's, Alice's the node's ephemeral key.
    static let recipient = try! X25519.PrivateKey(rawRepresentation: Hex.decode("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")!)
    static let ephemeral = try! X25519.PrivateKey(rawRepresentation: Hex.decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")!)
    static let keyID = Array(SHA256.hash(recipient.publicKey.rawRepresentation).prefix(8))
    static let entity = "a1db6426589fb7f8b7d272e748382b3d-ea6a74bafd581582"

    static let values: [(field: String, value: Value)] = [
        ("incident.area", .string("Bambari")),
        ("allegation.narrative", .string("Offered money for sex at the checkpoint; « encore » deux fois.")),
        ("victims[0].ageBand", .string("15_17")),
        ("incident.coordinates.lat", .double(5.76)),
        ("consent.followUpContact", .bool(false)),
        ("needs", .string("medical")),
        ("needs", .string("legal")),
        ("incident.premises", .string("")),
    ]

    @Test func sealedVectors() throws {
        var sealer = try ValueSealer(keyID: Self.keyID, publicKey: Self.recipient.publicKey.rawRepresentation, ephemeral: Self.ephemeral)
        let cases: [J] = try Self.values.enumerated().map { ordinal, entry in
            let sealed = try sealer.seal(entry.value, entity: Self.entity, field: entry.field)
            return .obj([("entity", .str(Self.entity)), ("field", .str(entry.field)), ("ordinal", .int(ordinal)),
                         ("value", VectorForm.value(entry.value)), ("plaintext", .str(hex(ValueCodec.encode(entry.value)))),
                         ("sealed", VectorForm.value(sealed)), ("encoded", .str(hex(ValueCodec.encode(sealed))))])
        }
        let tree = J.obj(VectorTests.header("sealed values (spec §7.3): one writer transaction, fixed keys (RFC 7748 §6.1: the recipient is Bob, the ephemeral key Alice)") + [
            ("recipientPrivateKey", .str(hex(Self.recipient.rawRepresentation))),
            ("recipientPublicKey", .str(hex(Self.recipient.publicKey.rawRepresentation))),
            ("keyId", .str(hex(Self.keyID))),
            ("ephemeralPrivateKey", .str(hex(Self.ephemeral.rawRepresentation))),
            ("ephemeralPublicKey", .str(hex(Self.ephemeral.publicKey.rawRepresentation))),
            ("cases", .arr(cases)),
        ])
        let json = try VectorTests().check("sealed.json", tree)
        let opener = ValueOpener(keys: [try VectorParse.hex(json["keyId"]): try X25519.PrivateKey(rawRepresentation: try VectorParse.hex(json["recipientPrivateKey"]))])
        for item in try VectorTests().cases(json) {
            let field = try VectorParse.str(item["field"]), entity = try VectorParse.str(item["entity"])
            guard case .sealed(let sealed) = try VectorParse.value(item["sealed"]) else { Issue.record("not sealed: \(item)"); continue }
            #expect(try opener.open(sealed, entity: entity, field: field) == VectorParse.value(item["value"]))
            #expect(sealed.ciphertext.count == ValueCodec.encode(try VectorParse.value(item["value"])).count + FieldBoxSealer.overheadByteCount)
            // Moved to another field, another report, or named by another key id: does not open.
            #expect(throws: ValueOpener.Failure.self) { try opener.open(sealed, entity: entity, field: field + "x") }
            #expect(throws: ValueOpener.Failure.self) { try opener.open(sealed, entity: entity.replacingOccurrences(of: "a1", with: "b1"), field: field) }
            // Every single byte matters: flip each in turn.
            for index in sealed.ciphertext.indices {
                var bytes = sealed.ciphertext
                bytes[index] ^= 0x01
                #expect(throws: ValueOpener.Failure.self) { try opener.open(SealedValue(keyID: sealed.keyID, ciphertext: bytes), entity: entity, field: field) }
            }
        }
    }

    @Test func aFreshSealerNeverRepeatsAnEphemeralKeyAndUnknownKeysSaySo() throws {
        let publicKey = Self.recipient.publicKey.rawRepresentation
        var first = try ValueSealer(keyID: Self.keyID, publicKey: publicKey)
        var second = try ValueSealer(keyID: Self.keyID, publicKey: publicKey)
        guard case .sealed(let a) = try first.seal(.string("x"), entity: Self.entity, field: "incident.area"),
              case .sealed(let b) = try second.seal(.string("x"), entity: Self.entity, field: "incident.area") else {
            Issue.record("not sealed")
            return
        }
        #expect(a.ciphertext[1..<33] != b.ciphertext[1..<33])
        #expect(try first.seal(.null, entity: Self.entity, field: "incident.area") == .null)
        do {
            _ = try ValueOpener(keys: [:]).open(a, entity: Self.entity, field: "incident.area")
            Issue.record("opened without a key")
        } catch {
            #expect(error.code == .unknownKey)
            #expect(error.message.contains(Hex.encode(Self.keyID)))
        }
    }
}
