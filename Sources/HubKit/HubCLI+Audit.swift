import JSON
import SyncEngine
import SyncProtocol
import Toolkit

extension HubCLI {
    /// `--head`: 64 lowercase hex digits, as `audit verify` prints it.
    static let auditHead = ValueRule(noun: "a head hash", hint: "give the 64 hex digits `missionhub audit verify` printed as head") {
        $0.utf8.count == 64 && Hex.decode($0) != nil
    }
    /// `--since`: a date or a UTC time as the hub prints it.
    static let sinceTime = ValueRule(noun: "a date or UTC time", hint: "write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, such as 2026-11-23") {
        TimeText.milliseconds($0) != nil
    }

    static let auditCommands = CommandSpec(name: "audit", abstract: "The hub's tamper-evident audit log: who read or changed what, and when.", subcommands: [
        CommandSpec(name: "verify", abstract: "Recompute the chain of hashes; name the first entry altered, removed, inserted or reordered.",
                    discussion: """
                        Prints the head hash and the number of entries: keep them (outside this machine), and give them back with \
                        --head and --count in a later run to prove that no entry up to there was changed and the tail was not cut. \
                        The anchor in registry.sqlite is checked too. Exit 1 when the log was tampered with.
                        """,
                    arguments: [
                        jsonFlag,
                        .option("head", valueName: "hash", rule: auditHead, help: "The head hash an earlier run printed."),
                        .option("count", valueName: "n", rule: .integer(0...Int.max, noun: "an entry count"),
                                help: "The number of entries an earlier run printed (with --head: the entry that had that hash)."),
                    ]),
        CommandSpec(name: "list", abstract: "List audit entries, oldest first.",
                    arguments: [
                        jsonFlag,
                        .option("since", valueName: "time", rule: sinceTime, help: "Only entries from this date or UTC time on."),
                        .option("action", valueName: "action",
                                help: "Only this action (such as report.show), or a family (report)."),
                    ]),
    ])

    /// `missionhub audit verify [--head HASH] [--count N] [--json]`.
    static func auditVerify(_ context: CommandContext) throws -> String {
        let store = try context.openStore()
        let (entries, registry) = try AuditLog.load(store: store)
        var anchors: [AuditChain.Anchor] = []
        let given = context.command.option("head").flatMap(Hex.decode)
        let count = context.command.option("count").flatMap { Int64($0) }
        if given != nil || count != nil {
            anchors.append(AuditChain.Anchor(count: count, hash: given, source: AuditVerifySource.earlierRun))
        }
        if let registry {
            anchors.append(AuditChain.Anchor(count: registry.count, hash: registry.hash, source: AuditVerifySource.registry))
        }
        let verdict = AuditChain(entries).verify(anchors: anchors)
        let notes = entries.filter { $0.action == AuditAction.anchorMismatch.rawValue || $0.action == AuditAction.hubRestore.rawValue
            || $0.action == AuditAction.hubRolledBack.rawValue }
        if let message = verdict.message {
            throw HubError(.tampered, "the audit log fails verification: \(message)",
                           hint: "entries from there on cannot be trusted; keep this store as evidence (`missionhub backup`) and compare it with an earlier backup")
        }
        if context.command.flag("json") {
            return JSON.encode([
                "intact": true, "count": .int(verdict.count), "head": .string(Hex.encode(verdict.head)),
                "registryAnchor": registry.map { ["count": .int($0.count), "head": .string(Hex.encode($0.hash))] } ?? .null,
                "notes": .array(notes.map(json)),
            ], pretty: true) + "\n"
        }
        var out = "The audit log is intact: \(verdict.count) entries"
        if let first = entries.first, let last = entries.last {
            out += ", \(TimeText.rfc3339(milliseconds: first.at)) to \(TimeText.rfc3339(milliseconds: last.at))"
        }
        out += ".\n  head:   \(Hex.encode(verdict.head))\n  count:  \(verdict.count)\n"
        out += "  registry.sqlite's anchor: \(registry.map { "entry #\($0.count), agrees" } ?? "none yet")\n"
        if given != nil || count != nil { out += "  the earlier run's head and count: contained\n" }
        for note in notes {
            // A mismatch is evidence (the tail cut, or the registry put back) that the chain itself now holds.
            let word = note.action == AuditAction.anchorMismatch.rawValue ? "WARNING: registry.sqlite's anchor disagreed with the log at" : "note:"
            out += "  \(word) entry \(note.label): \(note.targetMembers.map { "\($0.0)=\($0.1)" }.joined(separator: " "))\n"
        }
        out += """
            Keep the head and count apart from this machine; a later
                missionhub audit verify --head \(Hex.encode(verdict.head)) --count \(verdict.count)
            proves that none of these entries was changed since and that the log was not cut.

            """
        return out
    }

    /// `missionhub audit list [--json] [--since TIME] [--action ACTION]`.
    static func auditList(_ context: CommandContext) throws -> String {
        let store = try context.openStore()
        let since = context.command.option("since").flatMap(TimeText.milliseconds)
        let entries = try AuditLog.entries(store: store, since: since, action: context.command.option("action"))
        if context.command.flag("json") { return JSON.encode(.array(entries.map(json)), pretty: true) + "\n" }
        guard !entries.isEmpty else { return "No audit entries match.\n" }
        var table = TextTable(["SEQ", "TIME", "ACTOR", "ACTION", "TARGET"])
        for entry in entries {
            table.append([String(entry.seq), TimeText.rfc3339(milliseconds: entry.at), "\(entry.actor) (\(entry.actorKind))", entry.action,
                          entry.targetMembers.map { "\($0.0)=\($0.1)" }.joined(separator: " ")])
        }
        return table.rendered()
    }

    /// One entry as JSON: `{"seq":1,"at":"…","actorKind":"admin","actor":"alice","action":"report.show",
    /// "target":{"report":"…","ref":"…"},"prevHash":"…","hash":"…"}`.
    static func json(_ entry: AuditEntry) -> JSONValue {
        [
            "seq": .int(entry.seq), "at": .string(TimeText.rfc3339(milliseconds: entry.at)),
            "actorKind": .string(entry.actorKind), "actor": .string(entry.actor), "action": .string(entry.action),
            "target": .object(JSONObject(pairs: entry.targetMembers.map { ($0.0, .string($0.1)) })),
            "prevHash": .string(Hex.encode(entry.previousHash)), "hash": .string(Hex.encode(entry.hash)),
        ]
    }

    /// Records an administrator's command (`AuditLog.record(store:)`) with the context's actor and clock.
    static func audit(_ context: CommandContext, _ store: Store, _ action: AuditAction, _ target: [String: String]) throws {
        try AuditLog.record(store: store, actor: context.actor, action: action, target: target, at: context.clock())
    }
}

extension CommandContext {
    /// Who runs the command, for the audit log.
    var actor: AuditActor { .admin(environment: environment) }
}
