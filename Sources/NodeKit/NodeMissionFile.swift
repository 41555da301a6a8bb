import Collections
import Foundation
import Toolkit

/// The node's copy of its mission file (`MissionFile`, sync-v1.md §19.6) at
/// `<data dir>/mission.json`, mode 0600: the hub's sealing key every report is sealed to, and
/// the mission's linkage key. Without it the node records nothing (a report is never stored
/// unsealed for lack of a key).
enum NodeMissionFile {
    /// Reads a mission file as provisioned (a USB stick, a download): any mode, at most 64 KiB.
    static func readProvisioned(_ path: String) throws -> MissionFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NodeError.user("cannot read the mission file \(path); nothing was changed",
                                 hint: "check the path; the hub admin makes the file with `missionhub mission-file --out FILE`")
        }
        guard data.count <= 65_536 else {
            throw NodeError.user("\(path) is larger than 64 KiB, so it is not a mission file; nothing was changed",
                                 hint: "ask the hub admin for the mission file (`missionhub mission-file --out FILE`)")
        }
        do {
            return try MissionFile.decode(Array(data))
        } catch {
            throw NodeError.user("\(path) is not a valid mission file: \(error.message); nothing was changed",
                                 hint: "ask the hub admin for a new one (`missionhub mission-file --out FILE`)")
        }
    }

    /// Stores `file` in `home` (0600, atomically).
    static func install(_ file: MissionFile, in home: NodeHome) throws {
        do {
            try SecureFile.write(file.encode(), to: home.missionFilePath)
        } catch {
            throw NodeError.user("cannot write \(home.missionFilePath): \(error.text)",
                                 hint: "check the data directory's permissions and free space")
        }
    }

    /// The node's mission file, nil when it has none; a damaged or loosely readable file is an
    /// error (the node must not seal to a key someone could have swapped).
    static func load(_ home: NodeHome) throws -> MissionFile? {
        let bytes: [UInt8]
        do {
            bytes = try SecureFile.read(home.missionFilePath)
        } catch .missing {
            return nil
        } catch {
            throw NodeError.user("the mission file \(home.missionFilePath) is unsafe: \(error.text)",
                                 hint: "run `chmod 0600 \(home.missionFilePath)`, or install a fresh copy with `fieldnode init --mission-file FILE`")
        }
        do {
            return try MissionFile.decode(bytes)
        } catch {
            throw NodeError.user("the mission file \(home.missionFilePath) is damaged: \(error.message)",
                                 hint: "install a fresh copy from the hub admin with `fieldnode init --mission-file FILE`")
        }
    }

    /// The error of a command that would store a report on a node without a mission file.
    static func missing(_ home: NodeHome) -> NodeError {
        .user("this laptop has no mission file, so it has no hub key to seal reports to (nor to check the hub's against); nothing was done",
              hint: "ask the hub admin for the mission file (`missionhub mission-file --out FILE`) and install it with `fieldnode init --mission-file FILE --data-dir \(home.directory)`")
    }
}
