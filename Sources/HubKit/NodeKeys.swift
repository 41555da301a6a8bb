import Crypto
import Synchronization
import SyncProtocol

/// The device keys of enrolled nodes, held in memory so that a request's signature is checked
/// off the store's writer (issue 15: a signature check on the writer made every other request
/// wait for it).
///
/// Why an entry cannot mislead:
/// 1. A node id's key never changes once enrolled (`NodeRegistry.redeem` refuses another key
///    for an enrolled id), and the writer compares the key it holds with the one a request was
///    verified with (`NodeRegistry.accept`).
/// 2. "Active" is only a hint: `missionhub node revoke` runs in another process, so the writer
///    re-checks revocation (and the counter) of every request. "Revoked" is for ever, so an
///    entry seen revoked answers `revoked` at once.
/// 3. Only enrolled nodes are held (a request naming an unknown id is looked up each time, so a
///    later enrollment is seen at once); this process drops a node's entry when it enrolls it.
///    At most `maxEntries` are held: past that the cache starts again empty.
final class NodeKeys: Sendable {
    struct Entry: Sendable, Equatable {
        let key: Ed25519.PublicKey
        let revoked: Bool
    }

    static let maxEntries = 100_000
    private let entries = Mutex<[NodeID: Entry]>([:])

    func entry(_ node: NodeID) -> Entry? {
        entries.withLock { $0[node] }
    }

    func remember(_ node: NodeID, _ entry: Entry) {
        entries.withLock { entries in
            if entries.count >= Self.maxEntries, entries[node] == nil { entries.removeAll() }
            entries[node] = entry
        }
    }

    func markRevoked(_ node: NodeID) {
        entries.withLock { entries in
            if let entry = entries[node] { entries[node] = Entry(key: entry.key, revoked: true) }
        }
    }

    func forget(_ node: NodeID) {
        _ = entries.withLock { $0.removeValue(forKey: node) }
    }
}
