import FieldModel

/// The `report` collection: one record per report a field laptop records (sync-v1.md §19.2).
/// Its intake fields are generated from the intake contract (`Contract.leaves`), never spelled
/// here; the fields the node derives and the hub stamps are declared below.
public enum ReportCollection {
    public static let name = "report"

    /// The fields beside the intake contract's.
    public enum Field {
        /// The reference code the operator reads out to the caller (`MINUSCA-7Q4K-2M`).
        public static let ref = "ref"
        public static let involvesChild = "derived.involvesChild"
        public static let ageUndetermined = "derived.ageUndetermined"
        public static let category = "derived.category"
        /// Survivor linkage, derived on the laptop from `victims[i].identifiers` under the
        /// mission's linkage key (Protocols/linkage-v1.md): the exact codes and the encoding.
        public static let survivorCode = "victims[].survivorCode"
        public static let survivorPhoneCode = "victims[].survivorPhoneCode"
        public static let survivorEncoding = "victims[].survivorEncoding"
        /// `victims[3].survivorCode` for the pattern `victims[].survivorCode`.
        public static func victim(_ index: Int, _ pattern: String) -> String {
            precondition(pattern.hasPrefix("victims[]."), "not a victim field pattern")
            return "victims[\(index)]." + pattern.dropFirst("victims[].".count)
        }
        /// When the report's creation first reached the hub (ms since the epoch, §14.1).
        public static let hubReceivedAt = "hub.receivedAt"
    }

    /// The intake fields a laptop keeps readable (sync-v1.md §19.3, "Sealed fields"): what the
    /// operator's list and the sync need, and nothing that names a place, a time of the
    /// incident, a person or what happened. EVERY other intake field is sealed at intake,
    /// including fields added to the contract later (sealed unless listed here).
    public static let clearIntakeFields: Set<String> = ["mission", "channel", "receivedAt"]

    /// The report's fields a node seals before storing them: every intake field outside
    /// `clearIntakeFields` and the survivor codes and encoding. (`ref`, the derived flags and
    /// the hub's fields stay clear.)
    public static var sealedFields: [String] { spec.fields.filter(\.sealed).map(\.name) }

    /// True when the node seals `field` (a concrete name such as `victims[2].sex`).
    public static func isSealed(_ field: String) -> Bool {
        spec.field(field)?.sealed ?? false
    }

    public static let spec = CollectionSpec(
        name: name, scope: .nodeOwned, creators: [.node],
        fields: intakeFields + [
            FieldSpec(Field.ref, .string, writers: [.node],
                      summary: "reference code, e.g. `MINUSCA-7Q4K-2M`; set once when the report is created"),
            FieldSpec(Field.involvesChild, .bool, writers: [.node], summary: "derived: a victim is under 18"),
            FieldSpec(Field.ageUndetermined, .bool, writers: [.node], summary: "derived: no victim recorded, or an age band `unknown`"),
            FieldSpec(Field.category, .int, writers: [.node], summary: "derived: 1 for SEA or trafficking, else 2"),
            // Survivor codes and encodings (linkage-v1.md): sealed on the laptop like the intake.
            FieldSpec(Field.survivorCode, .bytes, writers: [.node], sealed: true,
                      summary: "derived: survivor code, HMAC-SHA256 of normalised name and date of birth under the linkage key (32 bytes; linkage-v1.md §5); sealed"),
            FieldSpec(Field.survivorPhoneCode, .bytes, writers: [.node], sealed: true,
                      summary: "derived: survivor code of normalised name and phone (32 bytes; linkage-v1.md §5); sealed"),
            FieldSpec(Field.survivorEncoding, .bytes, writers: [.node], sealed: true,
                      summary: "derived: keyed CLK Bloom-filter encoding of the identifiers (129 bytes; linkage-v1.md §6); sealed"),
            FieldSpec(Field.hubReceivedAt, .int, writers: [.hub],
                      summary: "ms since the epoch when its creation first reached the hub (§14.1)"),
        ],
        summary: "a report recorded on a field laptop; entity id `<owner node hex>-<16 hex>`")

    /// True for a field of the intake contract (`victims[0].sex`), false for `ref`, the derived
    /// values, the hub's fields and unknown names.
    public static func isIntake(_ field: String) -> Bool {
        FieldSpec.pattern(of: field).map(intakePatterns.contains) ?? false
    }

    private static let intakePatterns = Set(intakeFields.map(\.name))

    /// One field per stored leaf of the intake contract, written by the node.
    static let intakeFields: [FieldSpec] = Contract.leaves.map { leaf in
        let type: FieldSpec.ValueType
        switch leaf.type {
        case .string, .stringSet: type = .string
        case .bool: type = .bool
        case .double: type = .double
        }
        // The field's name is its intake path (§19.2); the schema gives the lists and limits.
        let detail = leaf.format.map { ": \($0)" } ?? (leaf.values.isEmpty ? "" : ": closed list")
        return FieldSpec(leaf.pattern, type, leaf.type == .stringSet ? .set : .register, writers: [.node],
                         sealed: !clearIntakeFields.contains(leaf.pattern), values: leaf.values,
                         summary: "intake" + detail)
    }
}

