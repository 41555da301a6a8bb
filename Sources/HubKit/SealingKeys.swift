import Collections
import Crypto
import SQLite
import SyncProtocol

/// The public halves of the hub's X25519 sealing keys in `hub_sealing_keys` (see `HubSchema`,
/// invariant 2); the private halves are files (`SealingKeyFiles`), never in the store.
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
        MissionFile.keyID(for: publicKey)
    }

    /// Generates a key pair: the private half into `files` (0600), the public half here.
    @discardableResult
    func create(now: UInt64, files: SealingKeyFiles) throws -> PublicKey {
        let key = X25519.PrivateKey()
        let publicKey = key.publicKey.rawRepresentation
        let id = Self.keyID(for: publicKey)
        try files.write(keyID: id, privateKey: key.rawRepresentation)
        try db.execute("INSERT INTO main.hub_sealing_keys(key_id, public_key, created_at) VALUES (?, ?, ?)",
                       [.blob(id), .blob(publicKey), now.databaseValue])
        return PublicKey(keyID: id, publicKey: publicKey)
    }

    /// A new current key, made later than every key there (`created_at` strictly greater,
    /// whatever the clock says), so `current` picks it.
    func rotate(now: UInt64, files: SealingKeyFiles) throws -> PublicKey {
        let newest = try all().first?.createdAt ?? 0
        return try create(now: max(now, newest + 1), files: files)
    }

    /// Every key, newest first, with when it was made (ms since the epoch).
    func all() throws -> [(key: PublicKey, createdAt: UInt64)] {
        try db.query("SELECT key_id, public_key, created_at FROM main.hub_sealing_keys ORDER BY created_at DESC, key_id") { row in
            (PublicKey(keyID: row.blob(0) ?? [], publicKey: row.blob(1) ?? []), UInt64(max(0, row.int64(2) ?? 0)))
        }
    }

    /// The newest public key, or nil when `init` made none.
    func current() throws -> PublicKey? {
        try db.queryFirst("SELECT key_id, public_key FROM main.hub_sealing_keys ORDER BY created_at DESC, key_id LIMIT 1") { row in
            PublicKey(keyID: row.blob(0) ?? [], publicKey: row.blob(1) ?? [])
        }
    }
}
