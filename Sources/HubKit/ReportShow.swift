import Collections
import FieldModel
import JSON
import SyncEngine
import SyncProtocol

/// `missionhub report show REF [--json]`: one report as the hub holds it — its current fields
/// (kept when the field withdrew it), and for every field the field changed after the hub
/// received the report, each change: who (the op's origin), when (hub receive time), the new
/// value and the values it replaced, decoded from the op log (spec §14.1). This explicit admin
/// command is the only place the hub shows report content; nothing of it is logged.
///
/// Sealed values (sync-v1.md §7.3) are opened with the hub's private keys, old ones too after
/// a rotation; a value that does not open is shown as `(sealed)` and counted, with the reason.
struct ReportShow {
    let line: ReportListing
    let document: Document
    let changes: [Change]
    let names: [NodeID: String]
    /// Every sealed value the report shows (current, conflicts, sets, history), opened once at
    /// `load`, by its field and bytes: what it holds, or why it does not open.
    let openings: [OpeningKey: Result<Value, ValueOpener.Failure>]

    /// A sealed value as written for one field.
    struct OpeningKey: Hashable {
        let field: String
        let sealed: SealedValue
    }

    /// One recorded event with its ops decoded.
    struct Change {
        let event: ReportEvent
        /// The value set, or the element added or removed; nil for withdrawals and re-creations.
        let value: Value?
        /// What the field showed before: the register's values (set) or the set's elements
        /// (add, remove), from the ops `event.prior` names.
        let before: [Value]
    }

    /// The report with reference code `reference`, or with that entity id. Blocking.
    static func load(store: Store, reference: String, opener: ValueOpener = ValueOpener(keys: [:])) throws -> ReportShow {
        let collection = ReportCollection.name
        // As printed, or as an operator may read it out (any case, hyphens optional), or an id.
        let normalised = ReferenceCode.parse(reference)?.description
        let entity = try store.entity(collection: collection, ref: reference)
            ?? normalised.flatMap { try store.entity(collection: collection, ref: $0) } ?? reference
        guard let document = try store.document(collection, entity) else {
            throw HubError(.unknownReport, "no report with the reference or id '\(reference)' at this hub",
                           hint: "copy the reference from `missionhub report list`")
        }
        let names = try NodeRegistry(store: store).names()
        let events = try ReportEvents.events(store: store, entity: entity)
        var summary = ReportEvents.Summary()
        for event in events { summary.count(event.kind, by: event.op.origin, at: event.receivedAt) }
        let ops = try store.storedOps(events.flatMap { [$0.op] + $0.prior })
        let changes = events.map { event -> Change in
            let value = ops[event.op].flatMap { $0.op.action.written }
            let prior = event.prior.compactMap { ops[$0]?.op.action.written }
            // A set field's elements: each once (several tags may carry one element).
            let before = event.kind == .set ? prior : prior.reduce(into: [Value]()) { if !$0.contains($1) { $0.append($1) } }
            return Change(event: event, value: value, before: before)
        }
        return ReportShow(line: ReportListing(document, names: names, summary: summary, now: store.options.wallClock()), document: document,
                          changes: changes, names: names,
                          openings: open(document: document, changes: changes, entity: entity, with: opener))
    }

    /// Opens each sealed value of `document` and `changes` once (one key agreement each).
    private static func open(document: Document, changes: [Change], entity: String, with opener: ValueOpener)
        -> [OpeningKey: Result<Value, ValueOpener.Failure>] {
        var all: [(Value, String)] = []
        for (field, state) in document.fields { all += ([state.value] + state.conflicts.map(\.value)).map { ($0, field) } }
        for (field, elements) in document.sets { all += elements.map { ($0, field) } }
        for change in changes {
            guard let field = change.event.field else { continue }
            all += ((change.value.map { [$0] } ?? []) + change.before).map { ($0, field) }
        }
        var openings: [OpeningKey: Result<Value, ValueOpener.Failure>] = [:]
        for case (.sealed(let sealed), let field) in all {
            let key = OpeningKey(field: field, sealed: sealed)
            if openings[key] == nil {
                openings[key] = Result { () throws(ValueOpener.Failure) in try opener.open(sealed, entity: entity, field: field) }
            }
        }
        return openings
    }

    /// `value` of `field` opened when it is sealed and a key opens it; else as it is.
    func reveal(_ value: Value, _ field: String) -> Value {
        guard case .sealed(let sealed) = value, case .success(let opened)? = openings[OpeningKey(field: field, sealed: sealed)] else {
            return value
        }
        return opened
    }

    /// How many sealed values opened, and why the others did not (each reason once).
    var sealedSummary: (opened: Int, unopened: Int, reasons: [String]) {
        var reasons: [String] = []
        var unopened = 0
        for result in openings.values {
            guard case .failure(let error) = result else { continue }
            unopened += 1
            if !reasons.contains(error.message) { reasons.append(error.message) }
        }
        return (openings.count - unopened, unopened, reasons.sorted())
    }

    /// The fields changed after receipt, in the order of their first change, with their changes.
    var history: [(field: String, changes: [Change])] {
        var order: [String] = []
        var byField: [String: [Change]] = [:]
        for change in changes {
            guard let field = change.event.field else { continue }
            if byField[field] == nil { order.append(field) }
            byField[field, default: []].append(change)
        }
        return order.map { ($0, byField[$0] ?? []) }
    }

    var lifecycle: [Change] { changes.filter { $0.event.field == nil } }

    private func by(_ change: Change) -> String {
        names[change.event.op.origin] ?? String(change.event.op.origin.hex.prefix(8))
    }

    // MARK: JSON

    /// `--json`: the `report list` object of the report, plus
    ///
    ///     "fields":{"allegation.narrative":"…",…}, "conflicts":{"field":[…]}, "sets":{"needs":["medical"]},
    ///     "lifecycle":[{"event":"withdrawn"|"recreated","by":"field-1","byNodeId":"…","at":"…"}],
    ///     "history":{"allegation.narrative":[{"action":"set","value":"…","previous":["…"],
    ///                                         "by":"field-1","byNodeId":"…","at":"…"}],
    ///                "needs":[{"action":"add"|"remove","element":"legal","previous":["medical"],…}]}
    var json: JSONValue {
        var object = line.json.objectValue ?? JSONObject()
        object["fields"] = .object(JSONObject(pairs: document.fields.sorted { $0.key < $1.key }.map { ($0.key, Self.json(reveal($0.value.value, $0.key))) }))
        object["conflicts"] = .object(JSONObject(pairs: document.fields.sorted { $0.key < $1.key }.filter { !$0.value.conflicts.isEmpty }
            .map { field, state in (field, .array(state.conflicts.map { Self.json(reveal($0.value, field)) })) }))
        object["sets"] = .object(JSONObject(pairs: document.sets.sorted { $0.key < $1.key }.map { field, elements in
            (field, .array(Self.openedElements(elements.map { reveal($0, field) }).map(Self.json)))
        }))
        let sealed = sealedSummary
        object["sealed"] = .object(JSONObject(pairs: [("opened", .int(Int64(sealed.opened))), ("unopened", .int(Int64(sealed.unopened))),
                                                      ("problems", .array(sealed.reasons.map(JSONValue.string)))]))
        object["lifecycle"] = .array(lifecycle.map { change in
            .object(JSONObject(pairs: [("event", .string(change.event.kind.rawValue))] + who(change)))
        })
        object["history"] = .object(JSONObject(pairs: history.map { field, changes in
            (field, .array(changes.map { change in
                let key = change.event.kind == .set ? "value" : "element"
                return .object(JSONObject(pairs: [("action", .string(change.event.kind.rawValue)),
                                                  (key, change.value.map { Self.json(reveal($0, field)) } ?? .null),
                                                  ("previous", .array(change.before.map { Self.json(reveal($0, field)) }))] + who(change)))
            }))
        }))
        return .object(object)
    }

    private func who(_ change: Change) -> [(String, JSONValue)] {
        [("by", names[change.event.op.origin].map { .string($0) } ?? .null),
         ("byNodeId", .string(change.event.op.origin.hex)),
         ("at", .string(TimeText.rfc3339(milliseconds: change.event.receivedAt)))]
    }

    static func json(_ value: Value) -> JSONValue {
        switch value {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .double(let d): .double(d)
        case .string(let s): .string(s)
        case .bytes(let b): .string("hex:" + Hex.encode(b))
        case .sealed: .string("(sealed)")
        }
    }

    // MARK: Text

    var text: String {
        var out = "Report \(line.reference ?? "(no reference yet)")\n"
        out += "  entity:      \(line.entity)\n"
        out += "  from node:   \(line.originName ?? "(not enrolled here)")\(line.originNode.map { " (\($0.hex))" } ?? "")\n"
        out += "  recorded:    \(document.string("receivedAt") ?? "-") (the laptop's clock)\n"
        out += "  received:    \(line.receivedAt.map { TimeText.rfc3339(milliseconds: $0) } ?? "not yet") (the hub's clock)\n"
        out += "  child:       \(line.child?.rawValue ?? "-")\n"
        out += "  urgency:     \(line.urgency.level.rawValue)\(line.urgency.reasons.isEmpty ? "" : " (\(line.urgency.reasons.joined(separator: "; ")))")\n"
        out += "  status:      \(line.statusText)\(line.status == .withdrawn ? " (its content is kept below)" : "")\n"
        out += "  amendments:  \(line.amendments)\n\nCurrent fields:\n"
        for (field, state) in document.fields.sorted(by: { $0.key < $1.key }) {
            out += "  \(field): \(Self.text(reveal(state.value, field), indent: 4))\n"
            for conflict in state.conflicts { out += "    (concurrent, also kept): \(Self.text(reveal(conflict.value, field), indent: 6))\n" }
        }
        for (field, elements) in document.sets.sorted(by: { $0.key < $1.key }) {
            let shown = Self.openedElements(elements.map { reveal($0, field) })
            out += "  \(field): [\(shown.map { Self.text($0, indent: 4) }.joined(separator: ", "))]\n"
        }
        let sealed = sealedSummary
        if sealed.unopened > 0 {
            out += "\n\(sealed.unopened) sealed value\(sealed.unopened == 1 ? "" : "s") could not be opened (shown as (sealed)): \(sealed.reasons.joined(separator: "; "))\n"
            out += "  Put the hub's private key files back in the keys directory or $CREDENTIALS_DIRECTORY (see `missionhub keys list`).\n"
        }
        guard !changes.isEmpty else { return out + "\nNo changes from the field since the hub received it.\n" }
        out += "\nChanges from the field after the hub received it (times are hub receive times):\n"
        for change in lifecycle {
            let what = change.event.kind == .withdrawn ? "withdrew (deleted) the report" : "re-created the report"
            out += "  \(TimeText.rfc3339(milliseconds: change.event.receivedAt))  \(by(change)) \(what)\n"
        }
        for (field, changes) in history {
            out += "  \(field)\n"
            for change in changes {
                let time = TimeText.rfc3339(milliseconds: change.event.receivedAt)
                let value = change.value.map { Self.text(reveal($0, field), indent: 8) } ?? "(op missing from the log)"
                switch change.event.kind {
                case .set: out += "    \(time)  set by \(by(change)) to: \(value)\n"
                case .add: out += "    \(time)  \(value) added by \(by(change))\n"
                default: out += "    \(time)  \(value) removed by \(by(change))\n"
                }
                let before = change.before.map { Self.text(reveal($0, field), indent: 8) }
                if change.event.kind == .set {
                    out += "      before: \(before.isEmpty ? "(not set)" : before.joined(separator: "\n      also:   "))\n"
                } else {
                    out += "      before: [\(before.joined(separator: ", "))]\n"
                }
            }
        }
        return out
    }

    /// A set's elements once opened: each clear value once (an element sealed twice is two
    /// ciphertexts of one value), in canonical order.
    static func openedElements(_ elements: [Value]) -> [Value] {
        ValueCodec.sorted(Array(Set(elements)))
    }

    /// A value for the text form: strings as they are, continuation lines indented.
    static func text(_ value: Value, indent: Int) -> String {
        if case .string(let s) = value {
            return s.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + String(repeating: " ", count: indent))
        }
        return JSON.encode(json(value))
    }
}

extension Action {
    /// The value a set writes, or the element an add or remove names; nil for `exist`.
    var written: Value? {
        switch self {
        case .exist: nil
        case .set(_, let value, _, _): value
        case .add(_, let element), .remove(_, let element, _): element
        }
    }
}

extension HubCLI {
    /// `missionhub report show REF [--json]`.
    static func showReport(_ context: CommandContext) throws -> String {
        let reference = context.command.positional("report") ?? ""
        let store = try context.openStore()
        let keys = try store.local { db in try SealingKeys(db: db).all().map(\.key) }
        let files = SealingKeyFiles.of(dataDirectory: context.dataDirectory(), environment: context.environment)
        let shown = try ReportShow.load(store: store, reference: reference, opener: try files.opener(for: keys).opener)
        // Every opening is on record before anything of it is shown (AuditLog rule 3).
        try audit(context, store, .reportShow, ["report": shown.line.entity, "ref": shown.line.reference ?? "-"])
        if context.command.flag("json") { return JSON.encode(shown.json, pretty: true) + "\n" }
        return shown.text
    }
}
