import Collections
import FieldModel
import Foundation
import SyncProtocol
import Toolkit

/// `fieldnode init --mission CODE --node-name NAME --mission-file FILE`: creates the data
/// directory (0700), installs the mission file (0600: the hub's sealing key, the linkage key)
/// and an empty node store for one mission.
///
/// On a node that exists already, `--mission-file` installs or replaces its mission file (same
/// mission only): how a node made without one, or one whose hub rotated its key, is brought up
/// to date. Reports already stored stay sealed to the key they were sealed to.
enum InitCommand {
    /// Longest node name, in characters.
    static let maxNodeNameLength = 64

    static func run(_ context: NodeContext) throws {
        // Both are required and checked by the parser (NodeCommands.initCommand).
        let mission = context.command.option("mission") ?? ""
        let nodeName = (context.command.option("node-name") ?? "").trimmingCharacters(in: .whitespaces)
        let home = context.home
        let hooks = TestHooks(environment: context.environment)
        let missionFile = try context.command.option("mission-file").map(NodeMissionFile.readProvisioned)
        if let missionFile, missionFile.mission != mission {
            throw NodeError.user("the mission file is for mission \(missionFile.mission), not \(mission); nothing was changed",
                                 hint: "ask the hub admin of \(mission) for its mission file, or give --mission \(missionFile.mission)")
        }
        if home.hasStore {
            guard let missionFile else { throw alreadyThere(home, hooks: hooks) }
            try update(home, to: missionFile, hooks: hooks, context: context)
            return
        }
        try DataDirectory.prepare(home.directory)
        if let missionFile { try NodeMissionFile.install(missionFile, in: home) }
        let node = try FieldNode.create(home, mission: mission, nodeName: nodeName, missionFile: missionFile, hooks: hooks)
        context.say("initialised field node \(nodeName) for mission \(mission)")
        context.say("node id:   \(node.store.nodeID.hex)")
        context.say("data dir:  \(home.directory)")
        if let missionFile {
            context.say("mission file fingerprint: \(missionFile.fingerprint) (compare it with the one the hub admin read out)")
            context.say("next: record a report with 'fieldnode report new', or connect this laptop to the hub with 'fieldnode enroll'")
        } else {
            context.say("next: install the mission file with 'fieldnode init --mission-file FILE': until then this laptop records no report")
        }
    }

    /// Installs `file` in the existing node of `home` (same mission).
    private static func update(_ home: NodeHome, to file: MissionFile, hooks: TestHooks, context: NodeContext) throws {
        let node = try FieldNode.open(home, hooks: hooks)
        guard node.mission == file.mission else {
            throw NodeError.user("the node in \(home.directory) records reports for \(node.mission), not \(file.mission); nothing was changed",
                                 hint: "give the mission file of \(node.mission)")
        }
        if node.missionFile == file {
            context.say("the node already has this mission file; nothing was changed")
            return
        }
        try NodeMissionFile.install(file, in: home)
        context.say("installed the mission file for \(file.mission): new reports are sealed to key \(Hex.encode(file.keyID))")
        context.say("mission file fingerprint: \(file.fingerprint) (compare it with the one the hub admin read out)")
    }

    /// A name for the laptop: 1 to 64 printable characters, once trimmed of spaces.
    @Sendable static func isNodeName(_ value: String) -> Bool {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return !trimmed.isEmpty && trimmed.count <= maxNodeNameLength
            && !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    }

    /// The error for a second `init`, naming what is there.
    private static func alreadyThere(_ home: NodeHome, hooks: TestHooks) -> NodeError {
        let what = switch Result(catching: { try FieldNode.open(home, hooks: hooks) }) {
        case .success(let node): " (node \(node.nodeName), mission \(node.mission))"
        case .failure(let error): " (it cannot be opened: \(NodeFailure.describe(error).message))"
        }
        return .user("a field node already exists in \(home.directory)\(what); nothing was changed",
                     hint: "use it as it is, or choose another data directory with --data-dir")
    }
}
