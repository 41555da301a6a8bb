import Linkage
import Toolkit

/// The node's copy of the mission's linkage key (Protocols/linkage-v1.md §3): `linkage.key`
/// in the data directory, 64 hexadecimal digits and a newline, mode 0600. The mission file
/// provisioned with the laptop (issue 16, "Sealed at intake") is to write it; until then an
/// administrator copies it in.
///
/// No file is not an error by itself: a report without identifiers needs no key, and one with
/// identifiers is refused by validation (`noLinkageKey`), never stored without its codes.
/// A file others may read, or one that does not hold a key, is an error: the key would be
/// exposed, or every code derived under a wrong one.
enum LinkageKeyFile {
    static func load(_ home: NodeHome) throws -> LinkageKey? {
        let path = home.linkageKeyPath
        let bytes: [UInt8]
        do {
            bytes = try SecureFile.read(path)
        } catch .missing {
            return nil
        } catch {
            throw NodeError.user("the linkage key \(path) is unsafe: \(error.text); nothing was saved",
                                 hint: "run `chmod 0600 \(path)` (only the operator's user may read it)")
        }
        guard let key = LinkageKey(hex: bytes) else {
            throw NodeError.user("\(path) does not hold a linkage key (64 hexadecimal digits); nothing was saved",
                                 hint: "put back the mission's linkage.key from the mission file, or remove the file to record reports without identifiers")
        }
        return key
    }
}
