import Crypto
import SyncProtocol

/// The mission's linkage key: the 32-byte secret the laptops derive survivor codes with
/// (issue 16, "Survivor codes without names"). It reaches laptops only inside mission files;
/// at the hub it is a key file beside the sealing keys (`SealingKeyFiles` rules: mode 0600,
/// `$CREDENTIALS_DIRECTORY` first, never in the store nor its backups).
enum HubLinkageKey {
    static let fileName = "linkage.key"

    /// The key, made (and written 0600) the first time a hub needs it.
    static func loadOrCreate(_ files: SealingKeyFiles) throws -> [UInt8] {
        if let (bytes, _) = try files.readSecret(fileName) { return bytes }
        let key = SecureRandom.bytes(32)
        try files.writeSecret(key, name: fileName)
        return key
    }
}
