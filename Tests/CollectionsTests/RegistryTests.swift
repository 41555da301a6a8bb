import Collections
import FieldModel
import SyncEngine
import SyncProtocol
import Testing

@Suite struct RegistryTests {
    let registry = CollectionRegistry.standard
    let report = ReportCollection.spec

    @Test func theStandardRegistryIsSound() {
        #expect(CollectionRegistry.problems(registry.collections) == [])
        #expect(registry.collection("report")?.scope == .nodeOwned)
    }

    @Test func unsoundDeclarationsAreRefusedByName() {
        let field = FieldSpec("name", .string, writers: [.hub], summary: "")
        let problems = CollectionRegistry.problems([
            CollectionSpec(name: "ref.premises", scope: .nodeOwned, creators: [.node], fields: [], summary: ""),
            CollectionSpec(name: "routing", scope: .hubOnly, creators: [.hub],
                           fields: [FieldSpec("note", .string, writers: [.node, .hub], summary: "")], summary: ""),
            CollectionSpec(name: "case", scope: .hubOnly, creators: [.hub], fields: [field, field], summary: ""),
            CollectionSpec(name: "case", scope: .hubOnly, creators: [.hub],
                           fields: [FieldSpec("status", .int, .ranked(levels: [["open"]]), writers: [.hub], summary: "")], summary: ""),
        ])
        #expect(problems.contains { $0.contains("'ref.premises'") && $0.contains("§14") })
        #expect(problems.contains { $0.contains("'routing'") && $0.contains("node writers") })
        #expect(problems.contains { $0.contains("field 'name' is declared twice") })
        #expect(problems.contains { $0.contains("'case' is registered twice") })
        #expect(problems.contains { $0.contains("field 'status'") && $0.contains("ranked") })
    }

    @Test func theReportsFieldsAreTheContractsLeavesThenTheNodesAndTheHubs() {
        let names = report.fields.map(\.name)
        #expect(names == Contract.leaves.map(\.pattern) + ["ref", "derived.involvesChild", "derived.ageUndetermined",
                                                           "derived.category", "victims[].survivorCode",
                                                           "victims[].survivorPhoneCode", "victims[].survivorEncoding",
                                                           "hub.receivedAt"])
        #expect(!names.contains { $0.hasPrefix("victims[].identifiers") })
        #expect(report.fields.filter { $0.kind == .set }.map(\.name) == ["allegation.types", "needs"])
        // Sealed by default: every intake field but the three the laptop's list and the sync need,
        // and the survivor codes and encoding.
        #expect(report.fields.filter(\.sealed).map(\.name) == Contract.leaves.map(\.pattern).filter { !["mission", "channel", "receivedAt"].contains($0) }
                + ["victims[].survivorCode", "victims[].survivorPhoneCode", "victims[].survivorEncoding"])
        #expect(ReportCollection.isSealed("victims[3].sex") && ReportCollection.isSealed("allegation.narrative"))
        #expect(!ReportCollection.isSealed("channel") && !ReportCollection.isSealed("derived.involvesChild") && !ReportCollection.isSealed("ref"))
        #expect(report.fields.filter { $0.writers.contains(.hub) }.map(\.name) == ["hub.receivedAt"])
        #expect(report.field("incident.coordinates.lat")?.type == .double)
        #expect(report.field("consent.followUpContact")?.type == .bool)
        #expect(report.field("victims[0].ageBand")?.values == AgeBand.allCases.map(\.rawValue))
    }

    @Test func everyOpANodeWritesForAReportIsAdmitted() {
        let ops = Support.ops(of: Support.fullReport)
        // Every leaf shows up: the report exercises the whole contract.
        let written = Set(ops.compactMap { op -> String? in
            switch op.action {
            case .exist: nil
            case .set(let f, _, _, _), .add(let f, _), .remove(let f, _, _): FieldSpec.pattern(of: f) ?? f
            }
        })
        // All but the hub's field, incident.date (this report gives a range instead) and the
        // survivor fields (NodeKit's writer derives them; checked below).
        let survivor: Set<String> = ["victims[].survivorCode", "victims[].survivorPhoneCode", "victims[].survivorEncoding"]
        #expect(written == Set(report.fields.map(\.name)).subtracting(["hub.receivedAt", "incident.date"]).subtracting(survivor))
        for field in survivor {
            let name = ReportCollection.Field.victim(1, field)
            #expect(registry.check(Support.set(name, .bytes([UInt8](repeating: 7, count: 32))), from: .node) == nil, "\(name)")
            #expect(registry.check(Support.set(name, .string("Jane")), from: .node) != nil, "\(name) took a string")
            #expect(registry.check(Support.set(name, .bytes([1])), from: .hub) != nil, "the hub wrote \(name)")
        }
        for op in ops { #expect(registry.check(op, from: .node) == nil, "\(op.action)") }
        #expect(registry.check(Support.op(.remove(field: "needs", element: .string("legal"), tags: [])), from: .node) == nil)
        #expect(registry.check(Support.op(.exist(causalLength: 2)), from: .node) == nil)
        #expect(registry.check(Support.set("incident.premises", .null), from: .node) == nil)
        #expect(registry.check(Support.set("allegation.narrative", .sealed(SealedValue(keyID: [1], ciphertext: [2]))), from: .node) == nil)
        #expect(registry.check(Support.set("victims[49].sex", .string("male")), from: .node) == nil)
    }

    @Test func theHubWritesItsOwnFieldAndANodeCannot() {
        let stamp = Support.set("hub.receivedAt", .int(1_763_900_000_000))
        #expect(registry.check(stamp, from: .hub) == nil)
        let refusal = registry.check(stamp, from: .node)
        #expect(refusal?.code == .notWriter)
        #expect(refusal?.message.contains("hub.receivedAt") == true)
    }

    @Test func unknownNamesAndWrongShapesAreRefusedNamingTheField() {
        let cases: [(Op, CollectionRefusal.Code, String)] = [
            (Support.op(.exist(causalLength: 1), in: "ref.mission"), .unknownCollection, "'ref.mission'"),
            (Support.set("incident.region", .string("Ouaka")), .unknownField, "'incident.region'"),
            (Support.set("victims[].sex", .string("male")), .unknownField, "'victims[].sex'"),
            (Support.set("victims[01].sex", .string("male")), .unknownField, "'victims[01].sex'"),
            (Support.set("victims[0].identifiers.name", .string("x")), .unknownField, "'victims[0].identifiers.name'"),
            (Support.set("a\u{7}b", .int(1)), .unknownField, "'a?b'"),
            (Support.set("consent.followUpContact", .string("yes")), .wrongValue, "consent.followUpContact"),
            (Support.set("derived.category", .int(1), rank: 3), .wrongValue, "derived.category"),
            (Support.set("needs", .string("legal")), .wrongValue, "needs"),
            (Support.set("channel", .sealed(SealedValue(keyID: [1], ciphertext: [2]))), .wrongValue, "channel"),
            (Support.set("derived.category", .sealed(SealedValue(keyID: [1], ciphertext: [2]))), .wrongValue, "derived.category"),
            (Support.op(.add(field: "incident.area", element: .string("x"))), .wrongValue, "incident.area"),
            (Support.op(.add(field: "needs", element: .null)), .wrongValue, "needs"),
            (Support.op(.add(field: "needs", element: .int(1))), .wrongValue, "needs"),
        ]
        for (op, code, name) in cases {
            let refusal = registry.check(op, from: .node)
            #expect(refusal?.code == code, "\(op.action)")
            #expect(refusal?.message.contains(name) == true, "\(refusal?.message ?? "admitted") should name \(name)")
        }
    }

    @Test func patternsWriteEveryIndexAsEmptyBrackets() {
        #expect(FieldSpec.pattern(of: "victims[12].ageBand") == "victims[].ageBand")
        #expect(FieldSpec.pattern(of: "a[0].b[3]") == "a[].b[]")
        #expect(FieldSpec.pattern(of: "needs") == "needs")
        for bad in ["victims[].sex", "victims[01].sex", "victims[1234567].sex", "victims[x].sex", "victims[1"] {
            #expect(FieldSpec.pattern(of: bad) == nil, "\(bad)")
        }
    }

    @Test func aRankedFieldCarriesTheRankOfItsLevel() {
        let status = FieldSpec("status", .string, .ranked(levels: [["proposed"], ["referred"], ["completed", "declined"]]),
                               writers: [.hub], summary: "")
        #expect(status.rank(of: .string("proposed")) == 1)
        #expect(status.rank(of: .string("declined")) == 3)
        #expect(status.rank(of: .string("lost")) == nil)
        #expect(FieldSpec("note", .string, writers: [.hub], summary: "").rank(of: .string("x")) == 0)
    }

    /// §14 decides scopes by name and entity id; every declaration must agree with it.
    @Test func declaredScopesAreWhatSpec14Gives() {
        let extra = [
            CollectionSpec(name: "ref.premises", scope: .reference, creators: [.hub], fields: [], summary: ""),
            CollectionSpec(name: "audit", scope: .hubOnly, creators: [.hub], fields: [], summary: ""),
        ]
        for collection in registry.collections + extra {
            let owned = Op(id: OpID(origin: Support.node, seq: 1), hlc: HLC(milliseconds: 1, counter: 0),
                           collection: collection.name, entity: Support.entity, action: .exist(causalLength: 1))
            let unowned = Op(id: owned.id, hlc: owned.hlc, collection: collection.name, entity: "p1", action: owned.action)
            switch collection.scope {
            case .nodeOwned: #expect(ScopePolicy.standard.scope(owned) == ScopePolicy.node(Support.node), "\(collection.name)")
            case .reference:
                #expect(ScopePolicy.standard.scope(owned) == ScopePolicy.reference)
                #expect(ScopePolicy.standard.scope(unowned) == ScopePolicy.reference)
            case .hubOnly: #expect(ScopePolicy.standard.scope(unowned) == ScopePolicy.hubOnly)
            }
            #expect(collection.scope.rawValue == (collection.scope == .nodeOwned ? "node:<owner>" : ScopePolicy.standard.scope(unowned)))
        }
    }
}
