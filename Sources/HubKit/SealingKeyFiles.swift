import Crypto
import Foundation
import SyncEngine
import SyncProtocol
import Toolkit

/// The private halves of the hub's X25519 sealing keys, one file per key, kept apart from
/// `hub.sqlite` and so from every backup of it (issue 14: backups must not hold secrets).
///
/// Format and rules:
/// 1. A key file is named `sealing-<key id hex>.key` and holds the 32 raw private-key bytes
///    as 64 lowercase hex digits and a newline (so `cat` shows no binary noise, nothing else).
/// 2. Files are written atomically and durably with mode 0600 (`SecureFile`), in a directory
///    of mode 0700. Reading refuses a file that group or others may read or write.
/// 3. Where they are looked up: `$CREDENTIALS_DIRECTORY` first (systemd `LoadCredential=`,
///    credential name = file name), then `<data dir>/keys/`. `init` writes to the latter; an
///    ops person may move the files to a credential store (Deploy/README.md, "Backups, keys and
///    what to keep where"; rotation: "Sealed reports, mission files and key rotation").
/// 4. The key id is the first 8 bytes of SHA-256 of the raw public key (`SealingKeys.keyID`):
///    a file whose private key does not give back its id is refused.
struct SealingKeyFiles {
    let directory: String
    var credentialsDirectory: String? = nil

    static func defaultDirectory(dataDirectory: String) -> String { dataDirectory + "/keys" }

    static func fileName(keyID: [UInt8]) -> String { "sealing-\(Hex.encode(keyID)).key" }

    /// Writes a private key (invariant 2); an existing file with the same content is kept.
    func write(keyID: [UInt8], privateKey: [UInt8]) throws {
        try writeSecret(privateKey, name: Self.fileName(keyID: keyID))
    }

    /// Writes the secret file `name` in `directory` (invariants 1–2).
    func writeSecret(_ secret: [UInt8], name: String) throws {
        try DataDirectory.prepare(directory)
        let text = Array((Hex.encode(secret) + "\n").utf8)
        let path = directory + "/" + name
        if let existing = try? SecureFile.read(path), existing == text { return }
        do {
            try SecureFile.write(text, to: path)
        } catch {
            throw HubError(.storage, "cannot write the key file \(path): \(error.text)",
                           hint: "check that the data directory is writable by the hub's user")
        }
    }

    /// The private key of `keyID` (invariants 2–4), or nil when no file holds it.
    func load(keyID: [UInt8]) throws -> X25519.PrivateKey? {
        guard let (raw, path) = try readSecret(Self.fileName(keyID: keyID)) else { return nil }
        guard let key = try? X25519.PrivateKey(rawRepresentation: raw), SealingKeys.keyID(for: key.publicKey.rawRepresentation) == keyID else {
            throw HubError(.storage, "\(path) does not hold the sealing key \(Hex.encode(keyID))",
                           hint: "put back the file `missionhub init` wrote, or the copy you keep offline")
        }
        return key
    }

    /// The 32 bytes of the secret file `name` and where they were found (invariants 1–3), or
    /// nil when neither place has the file.
    func readSecret(_ name: String) throws -> (bytes: [UInt8], path: String)? {
        for base in [credentialsDirectory, directory].compactMap({ $0 }) {
            let path = base + "/" + name
            let bytes: [UInt8]
            do {
                bytes = try SecureFile.read(path)
            } catch .missing {
                continue
            } catch {
                throw HubError(.storage, "the key file \(path) is unsafe: \(error.text)",
                               hint: "run `chmod 0600 \(path)` (only the hub's user may read it)")
            }
            guard let raw = Hex.decode(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines)), raw.count == 32 else {
                throw HubError(.storage, "\(path) does not hold a 32-byte key as 64 hex digits",
                               hint: "put back the file the hub wrote, or the copy you keep offline")
            }
            return (raw, path)
        }
        return nil
    }

    /// The files of the store's data directory and environment (`$CREDENTIALS_DIRECTORY`).
    static func of(dataDirectory: String, environment: [String: String]) -> SealingKeyFiles {
        SealingKeyFiles(directory: defaultDirectory(dataDirectory: dataDirectory),
                        credentialsDirectory: environment["CREDENTIALS_DIRECTORY"])
    }

    /// An opener with every private key of `keys` a file holds (old keys too, after a
    /// rotation), and the ids of those no file holds.
    func opener(for keys: [SealingKeys.PublicKey]) throws -> (opener: ValueOpener, missing: [[UInt8]]) {
        var loaded: [[UInt8]: X25519.PrivateKey] = [:]
        var missing: [[UInt8]] = []
        for key in keys {
            if let privateKey = try load(keyID: key.keyID) { loaded[key.keyID] = privateKey } else { missing.append(key.keyID) }
        }
        return (ValueOpener(keys: loaded), missing)
    }

    /// At `serve`: the private key of the key nodes seal to now. Throws when a file holding it
    /// is unsafe or wrong (the hub must not run on a key others can read); returns a warning
    /// when no file holds it (the hub receives sealed reports but cannot open them).
    static func checkCurrent(store: Store, dataDirectory: String, environment: [String: String]) throws -> String? {
        guard let current = try store.local({ db in try SealingKeys(db: db).current() }) else { return nil }
        let files = of(dataDirectory: dataDirectory, environment: environment)
        guard try files.load(keyID: current.keyID) != nil else {
            return "no file holds the private sealing key \(fileName(keyID: current.keyID)) (looked in $CREDENTIALS_DIRECTORY and \(files.directory)); sealed reports cannot be opened until it is put back"
        }
        return nil
    }
}
