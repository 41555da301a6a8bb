import FieldModel
import JSON
import Toolkit

/// Hidden commands for tests, compiled into DEBUG builds only and absent from `--help`:
///
/// - `fieldnode debug burst --count N [--seed S]`: writes N generated valid reports, one
///   transaction each, printing each reference on stdout right after its commit. A test kills
///   the process mid-burst and checks that every printed reference survived.
/// - `fieldnode debug check`: JSON describing the store through the engine's public API, for
///   tests that look at a store after a crash without knowing its tables: `problems`
///   (`Store.verify`: integrity_check and the engine's invariants), `refs`, `incomplete`
///   (reports missing their reference or derived values, or no longer valid as intake),
///   `ownOps` and `gapless` (this node's op sequence is exactly 1…n), `state` (the merged state
///   listing, to compare before and after).
/// - `fieldnode debug delete REF`: deletes a report (an `exist` op, as a thief with the laptop
///   could); the next sync pushes it. The hub keeps the report, as withdrawn (spec §14.1).
enum DebugCommands {
    #if DEBUG
    static let burst = CommandSpec(
        name: "burst", abstract: "Write N generated reports, one transaction each, printing each reference after its commit.",
        arguments: [
            .option("count", valueName: "n", required: true, rule: .integer(1...Int.max, noun: "a count"), help: "How many reports."),
            .option("seed", valueName: "seed", rule: .integer(0...Int.max, noun: "a seed"), help: "Seed for the generated content (default 1)."),
        ])

    static let check = CommandSpec(name: "check", abstract: "Describe the store as JSON, for tests.")

    static let delete = CommandSpec(name: "delete", abstract: "Delete a report (the next sync pushes the deletion).",
                                    arguments: [.positional("report", help: "The report's reference code.")])

    /// The normal tree plus `debug`.
    static let root: CommandSpec = {
        var root = NodeCommands.root
        root.subcommands.append(CommandSpec(name: "debug", abstract: "Test helpers (debug builds only).",
                                            subcommands: [burst, check, delete]))
        return root
    }()

    /// True when the first word that is not an option (or `--data-dir`'s value) is `debug`.
    static func wantsDebugTree(_ arguments: [String]) -> Bool {
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--data-dir" { index += 2; continue }
            if word.hasPrefix("-") { index += 1; continue }
            return word == "debug"
        }
        return false
    }

    static func runBurst(_ context: NodeContext) throws {
        // Both checked by the parser (the options' rules).
        let count = context.command.option("count").flatMap { Int($0) } ?? 0
        let seed = context.command.option("seed").flatMap { UInt64($0) } ?? 1
        let node = try context.openNode()
        var generator = SplitMix64(seed: seed)
        for index in 0..<count {
            let document = sampleReport(mission: node.mission, index: index, using: &generator)
            // Sample reports carry no identifiers: no linkage key is needed.
            let report = try ReportAddCommand.parse(JSON.encodeBytes(document), now: context.nowRFC3339, linkage: nil)
            let saved = try ReportWriter.create(report, in: node)
            context.say(saved.ref)
        }
    }

    static func runDelete(_ context: NodeContext) throws {
        let node = try context.openNode()
        let target = try StoredReport.find(context.command.positional("report") ?? "", in: node)
        try node.store.write { tx in try tx.delete(FieldNode.reports, target.id) }
        context.say("deleted \(target.ref)")
    }

    static func runCheck(_ context: NodeContext) throws {
        let node = try context.openNode()
        let store = node.store
        let reports = try store.documents(FieldNode.reports).filter(\.exists).map(StoredReport.init)
        var incomplete: [JSONValue] = []
        for report in reports {
            var missing = [StoredReport.Field.ref, StoredReport.Field.category, StoredReport.Field.involvesChild,
                           StoredReport.Field.ageUndetermined].filter { report.document.value($0) == nil }
            // Sealed values stand as their placeholders: every required field must be there.
            let whole = report.amendable
            if case .failure(let errors) = Intake.validate(ReportDocument.assemble(fields: whole.fields, sets: whole.sets), now: context.nowRFC3339, linkage: nil) {
                missing += errors.issues.map(\.description)
            }
            if !missing.isEmpty { incomplete.append(.string("\(report.id): \(missing.joined(separator: "; "))")) }
        }
        // A peer that does not exist has acknowledged nothing: this is every op of ours.
        let own = try store.pendingPush(peer: "debug-check-no-such-peer", maxOps: Int.max, maxBytes: Int.max)
        let gapless = own.enumerated().allSatisfy { $0.element.seq == UInt64($0.offset + 1) }
        context.sayJSON(.object(JSONObject([
            "problems": .array(try store.verify().map(JSONValue.string)),
            "reports": .int(Int64(reports.count)),
            "refs": .array(reports.map(\.ref).sorted().map(JSONValue.string)),
            "incomplete": .array(incomplete),
            "ownOps": .int(Int64(own.count)),
            "gapless": .bool(gapless),
            "state": .array(try store.stateListing().map(JSONValue.string)),
        ])))
    }

    /// A valid report with varied content: 0 to 3 victims and alleged persons, a narrative
    /// of 100 to 4000 characters.
    static func sampleReport(mission: String, index: Int, using generator: inout SplitMix64) -> JSONValue {
        func pick<E: WireEnum>(_ type: E.Type) -> JSONValue { .string(E.allCases.randomElement(using: &generator)!.rawValue) }
        let victims = (0..<Int.random(in: 0...3, using: &generator)).map { _ -> JSONValue in
            ["ageBand": pick(AgeBand.self), "sex": pick(Sex.self)]
        }
        let alleged = (0..<Int.random(in: 0...3, using: &generator)).map { _ -> JSONValue in
            ["personnelCategory": pick(PersonnelCategory.self), "nationality": "unknown", "unit": "Unit \(index)"]
        }
        let narrative = String(repeating: "Generated narrative \(index). ", count: Int.random(in: 4...160, using: &generator))
        return [
            "mission": .string(mission),
            "channel": pick(Channel.self),
            "incident": ["area": .string("Area \(index % 17)"), "dateApproximate": .bool(index % 2 == 0)],
            "allegation": ["types": .array([pick(AllegationType.self)]), "narrative": .string(narrative)],
            "victims": .array(victims),
            "alleged": .array(alleged),
            "needs": .array([pick(Need.self)]),
            "consent": ["shareWithInvestigators": true, "victimAssistanceReferral": .bool(index % 3 == 0),
                        "followUpContact": false],
        ]
    }
    #else
    static let root = NodeCommands.root
    static func wantsDebugTree(_ arguments: [String]) -> Bool { false }
    #endif
}

extension NodeCommands {
    static func debugHandler(for path: [String]) -> Handler? {
        #if DEBUG
        if path == ["debug", "burst"] { return DebugCommands.runBurst }
        if path == ["debug", "check"] { return DebugCommands.runCheck }
        if path == ["debug", "delete"] { return DebugCommands.runDelete }
        #endif
        return nil
    }
}

#if DEBUG

#endif
