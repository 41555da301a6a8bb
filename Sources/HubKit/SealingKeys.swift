import Crypto
import SQLite
import SyncProtocol

/// The hub's X25519 sealing key pair in `hub_keys` (see `HubSchema`, invariant 3).
///
/// The key id is the first 8 bytes of SHA-256 of the raw public key; nodes put it in every
/// sealed value (`Value.sealed(keyID:ciphertext:)`) so the hub can later rotate keys and still
/// open old values. Enrollment hands out the newest key.
struct SealingKeys {
    let db: Database

    /// The public half handed to nodes at enrollment.
    struct PublicKey: Sendable, Equatable {
        let keyID: [UInt8]
        let publicKey: [UInt8]
    }

    static func keyID(for publicKey: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(publicKey).prefix(8))
    }

    /// Generates and stores a new key pair.
    @discardableResult
    func create(now: UInt64) throws -> PublicKey {
        let key = X25519.PrivateKey()
        let publicKey = key.publicKey.rawRepresentation
        let id = Self.keyID(for: publicKey)
        try db.execute("INSERT INTO hub_keys(key_id, private_key, public_key, created_at) VALUES (?, ?, ?, ?)",
                       [.blob(id), .blob(key.rawRepresentation), .blob(publicKey), now.databaseValue])
        return PublicKey(keyID: id, publicKey: publicKey)
    }

    /// The newest public key, or nil when `init` made none (a store from before keys existed).
    func current() throws -> PublicKey? {
        try db.queryFirst("SELECT key_id, public_key FROM hub_keys ORDER BY created_at DESC, key_id LIMIT 1") { row in
            PublicKey(keyID: row.blob(0) ?? [], publicKey: row.blob(1) ?? [])
        }
    }
}
