import FieldModel
import Foundation
import Toolkit

/// `fieldnode init --mission CODE --node-name NAME`: creates the data directory (0700) and an
/// empty node store for one mission.
enum InitCommand {
    /// Longest node name, in characters.
    static let maxNodeNameLength = 64

    static func run(_ context: NodeContext) throws {
        // Both are required and checked by the parser (NodeCommands.initCommand).
        let mission = context.command.option("mission") ?? ""
        let nodeName = (context.command.option("node-name") ?? "").trimmingCharacters(in: .whitespaces)
        let home = context.home
        if home.hasStore { throw alreadyThere(home, hooks: TestHooks(environment: context.environment)) }
        try DataDirectory.prepare(home.directory)
        let node = try FieldNode.create(home, mission: mission, nodeName: nodeName,
                                        hooks: TestHooks(environment: context.environment))
        context.say("initialised field node \(nodeName) for mission \(mission)")
        context.say("node id:   \(node.store.nodeID.hex)")
        context.say("data dir:  \(home.directory)")
        context.say("next: record a report with 'fieldnode report new', or connect this laptop to the hub with 'fieldnode enroll'")
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
