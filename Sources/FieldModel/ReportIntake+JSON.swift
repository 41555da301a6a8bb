import JSON

/// The canonical stored form of a report and its per-field flattening.
///
/// Invariants:
/// 1. `toJSON()` is itself a valid intake document: validating it gives back the same report.
/// 2. It holds the sanitized record only: coordinates coarsened, no identifiers, sets sorted by
///    wire string, keys in contract order, `victims`, `alleged` and `needs` always present.
/// 3. `ReportDocument.assemble(fields(), sets())` equals `toJSON()`.
extension ReportIntake {
    /// The canonical JSON of this report.
    public func toJSON() -> JSONValue {
        var incident = JSONObject()
        switch self.incident.date {
        case .exact(let date):
            incident["date"] = .string(date.description)
        case .range(let from, let to):
            incident["dateFrom"] = .string(from.description)
            incident["dateTo"] = .string(to.description)
        case .unknown:
            break
        }
        incident["dateApproximate"] = .bool(self.incident.dateApproximate)
        incident["area"] = .string(self.incident.area)
        if let c = self.incident.coordinates {
            incident["coordinates"] = .object(JSONObject(["lat": .double(c.lat), "lon": .double(c.lon)]))
        }
        if let premises = self.incident.premises { incident["premises"] = .string(premises) }

        let victims = victims.map { victim -> JSONValue in
            .object(JSONObject(["ageBand": .string(victim.ageBand.rawValue), "sex": .string(victim.sex.rawValue)]))
        }
        let alleged = alleged.map { person -> JSONValue in
            var object = JSONObject(["personnelCategory": .string(person.personnelCategory.rawValue),
                                     "nationality": .string(person.nationality.wireValue)])
            if let unit = person.unit { object["unit"] = .string(unit) }
            return .object(object)
        }
        return .object(JSONObject([
            "mission": .string(mission),
            "channel": .string(channel.rawValue),
            "receivedAt": .string(receivedAt.text),
            "incident": .object(incident),
            "allegation": .object(JSONObject([
                "types": Self.sorted(allegation.types),
                "narrative": .string(allegation.narrative),
            ])),
            "victims": .array(victims),
            "alleged": .array(alleged),
            "needs": Self.sorted(needs),
            "consent": .object(JSONObject([
                "shareWithInvestigators": .bool(consent.shareWithInvestigators),
                "victimAssistanceReferral": .bool(consent.victimAssistanceReferral),
                "followUpContact": .bool(consent.followUpContact),
            ])),
        ]))
    }

    /// Every scalar field that is set, in document order: `mission`, `channel`, `receivedAt`,
    /// `incident.date` (or `incident.dateFrom` and `incident.dateTo`), `incident.dateApproximate`,
    /// `incident.area`, `incident.coordinates.lat`, `incident.coordinates.lon`, `incident.premises`,
    /// `allegation.narrative`, `victims[i].ageBand`, `victims[i].sex`,
    /// `alleged[i].personnelCategory`, `alleged[i].nationality`, `alleged[i].unit`,
    /// `consent.shareWithInvestigators`, `consent.victimAssistanceReferral`,
    /// `consent.followUpContact`. Optional fields that are not set are left out.
    public func fields() -> [(path: String, value: FieldValue)] { ReportDocument.flatten(toJSON()).fields }

    /// The set-valued fields, always both: `allegation.types` and `needs`, elements sorted.
    public func sets() -> [(path: String, elements: [String])] { ReportDocument.flatten(toJSON()).sets }

    private static func sorted<E: WireEnum>(_ set: Set<E>) -> JSONValue {
        .array(set.map(\.rawValue).sorted().map(JSONValue.string))
    }
}
