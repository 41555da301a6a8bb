import JSON
import SyncEngine
import SyncProtocol
import Toolkit

extension HubCLI {
    /// `missionhub quarantine list [--json]`: per laptop, the changes held because they were
    /// stamped too far ahead of the hub's clock (spec §4), with the reason in words. Reads the
    /// quarantine index only, never report content.
    static func quarantineList(_ context: CommandContext) throws -> String {
        let store = try context.openStore()
        let names = try NodeRegistry(store: store).names()
        let now = context.clock()
        let drift = store.options.maxDriftMilliseconds
        let rows = try store.quarantineSummary()
        try audit(context, store, .quarantineList, ["nodes": String(rows.count)])
        func name(_ id: NodeID) -> String { names[id] ?? id.hex }
        func ahead(_ stamp: HLC) -> UInt64 { stamp.milliseconds > now ? stamp.milliseconds - now : 0 }
        if context.command.flag("json") {
            return JSON.encode(.array(rows.map { row in
                [
                    "node": .string(name(row.origin)), "nodeId": .string(row.origin.hex),
                    "ops": .int(Int64(row.count)), "records": .int(Int64(row.entityCount)),
                    "earliestStamp": .string(TimeText.rfc3339(milliseconds: row.earliest.milliseconds)),
                    "latestStamp": .string(TimeText.rfc3339(milliseconds: row.latest.milliseconds)),
                    "aheadByMilliseconds": .int(Int64(clamping: ahead(row.latest))),
                    "reason": .string(reason(row, ahead: ahead(row.latest), drift: drift)),
                    "firstReceived": .string(TimeText.rfc3339(milliseconds: row.firstReceivedMilliseconds)),
                    "lastReceived": .string(TimeText.rfc3339(milliseconds: row.lastReceivedMilliseconds)),
                    "releasedByItselfAt": .string(TimeText.rfc3339(milliseconds: row.latest.milliseconds &- drift)),
                ]
            }), pretty: true) + "\n"
        }
        guard !rows.isEmpty else { return "Nothing is held in quarantine.\n" }
        var table = TextTable(["NODE", "CHANGES", "RECORDS", "STAMPED AHEAD BY", "FIRST ARRIVED", "RELEASED BY ITSELF AT"])
        for row in rows {
            table.append([name(row.origin), String(row.count), String(row.entityCount), duration(ahead(row.latest)),
                          TimeText.rfc3339(milliseconds: row.firstReceivedMilliseconds),
                          TimeText.rfc3339(milliseconds: row.latest.milliseconds &- drift)])
        }
        return table.rendered() + """
            These changes were stamped by a laptop whose clock was ahead (the hub merges nothing stamped more than \(drift / 1000) s
            ahead of its own clock). They are kept. Release them now with `missionhub quarantine release NODE` (or --all).

            """
    }

    static func reason(_ row: QuarantineSummary, ahead: UInt64, drift: UInt64) -> String {
        "stamped up to \(duration(ahead)) ahead of the hub's clock (the guard allows \(drift / 1000) s): that laptop's clock was ahead"
    }

    /// `45 s`, `12 min`, `3 h`, `365 d`.
    static func duration(_ milliseconds: UInt64) -> String {
        let seconds = milliseconds / 1000
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        if seconds < 172_800 { return "\(seconds / 3600) h" }
        return "\(seconds / 86_400) d"
    }

    /// `missionhub quarantine release NODE | --all`: merges the held changes now (an
    /// administrator's decision, spec §4) without moving the hub's clock, and stamps the
    /// reports they create as received.
    static func quarantineRelease(_ context: CommandContext) throws -> String {
        let target = context.command.positional("node")
        // Exactly one of <node> and --all: a constraint of the spec, checked by the parser.
        let store = try context.openStore()
        var origin: NodeID?
        if let target {
            let names = try NodeRegistry(store: store).names()
            origin = names.first { $0.value == target }?.key ?? NodeID(hex: target.lowercased())
            guard let id = origin, try store.quarantineSummary().contains(where: { $0.origin == id }) else {
                throw HubError(.unknownNode, "nothing of '\(target)' is held in quarantine", hint: "see what is held with `missionhub quarantine list`")
            }
        }
        let (outcome, stamped) = try QuarantineRelease.release(store: store, origin: origin, now: context.clock())
        // After the release's own transaction (the engine's): the field changes it merged are
        // recorded inside it, by the report's observer, as the node's.
        try audit(context, store, .quarantineRelease, ["node": origin?.hex ?? "all", "released": String(outcome.released),
                                                       "records": String(outcome.releasedEntities.count), "stamped": String(stamped)])
        guard outcome.released > 0 else { return "Nothing was held in quarantine.\n" }
        return """
            Released \(outcome.released) changes (\(outcome.releasedEntities.count) records, \(stamped) reports now received); they are merged now.
            They keep their stamps, but a later change made by anyone who saw them replaces them: they do not win every later edit.

            """
    }
}

/// An administrator's release of held changes (spec §4), as `missionhub quarantine release`
/// runs it: merge them without moving the hub's clock, then stamp the reports they create as
/// received — looking only at the released records, never at every report. Blocking.
public enum QuarantineRelease {
    public static func release(store: Store, origin: NodeID?, now: UInt64) throws -> (outcome: ApplyOutcome, stamped: Int) {
        let outcome = try store.releaseByAdministrator(origin: origin)
        let stamped = try ReceiptStamper.stamp(store: store, batch: [], released: outcome.releasedEntities, now: now)
        return (outcome, stamped)
    }
}
