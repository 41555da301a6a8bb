import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A node's data directory and the files in it (DESIGN.md conventions).
///
/// Invariants:
/// 1. The store is `<directory>/node.sqlite`; device credentials, when enrolled,
///    `<directory>/credentials.json` (mode 0600, written by the sync client); the mission
///    file (`MissionFile`, the hub's sealing key), `<directory>/mission.json` (mode 0600).
/// 2. The directory is created with mode 0700 by `init` only; every other command needs the
///    store to exist already and says how to create it otherwise.
public struct NodeHome: Sendable, Equatable {
    /// The environment variable naming the data directory.
    public static let environmentVariable = "FIELDNODE_DATA_DIR"
    /// Below `~/.local/share` (or `$XDG_DATA_HOME`) when nothing else names the directory.
    public static let fallbackSubpath = "fieldsync/node"
    /// The store's file name inside the directory.
    public static let storeFileName = "node.sqlite"

    /// The data directory.
    public let directory: String

    /// The node in `directory` (nothing is checked or created).
    public init(directory: String) {
        self.directory = directory
    }

    /// `<directory>/node.sqlite`.
    public var storePath: String {
        directory.hasSuffix("/") ? directory + Self.storeFileName : directory + "/" + Self.storeFileName
    }

    /// `<directory>/credentials.json`.
    public var credentialsPath: String {
        directory.hasSuffix("/") ? directory + "credentials.json" : directory + "/credentials.json"
    }

    /// `<directory>/mission.json`.
    public var missionFilePath: String {
        directory.hasSuffix("/") ? directory + "mission.json" : directory + "/mission.json"
    }

    /// True when a store file exists.
    var hasStore: Bool { FileManager.default.fileExists(atPath: storePath) }

    /// The error for a command that needs a store where there is none.
    var noNodeHere: NodeError {
        .user("no field node here (\(directory))",
              hint: "run `fieldnode init --mission CODE --node-name NAME` first, or pass --data-dir")
    }

    /// Fails unless this user may write the directory and the store file: SQLite needs both
    /// (the write-ahead log lives next to the store), and saying so up front is clearer than
    /// SQLite's own error half-way through a command.
    func checkWritable() throws {
        let user = NodeHome.effectiveUserName()
        if faccessat(AT_FDCWD, directory, W_OK | X_OK, AT_EACCESS) != 0 {
            throw NodeError.user("the data directory \(directory) is not writable by user \(user); nothing was changed",
                                 hint: "fix its permissions (it should belong to \(user), mode 0700) or choose another with --data-dir")
        }
        if faccessat(AT_FDCWD, storePath, R_OK | W_OK, AT_EACCESS) != 0 {
            throw NodeError.user("the store \(storePath) is not writable by user \(user); nothing was changed",
                                 hint: "fix its permissions (it should belong to \(user), mode 0600) or choose another data directory with --data-dir")
        }
    }

    /// The name of the effective user, or its uid when it has no name.
    static func effectiveUserName() -> String {
        let uid = geteuid()
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "\(uid)" }
        return String(cString: name)
    }
}
