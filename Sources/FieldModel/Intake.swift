import JSON
import Linkage

/// The report intake contract: turns untrusted JSON into a `ReportIntake` or says, for every
/// field at once, what is wrong and what to do.
///
/// Rules beyond JSON Schema (listed in the schema's `description`): dates exist in the
/// calendar; `dateFrom <= dateTo`; incident dates are from 1948-01-01 on and at most one day
/// after `receivedAt`'s own date; `receivedAt` is from 1990-01-01 on.
public enum Intake {
    /// Validates a parsed report. `now` (RFC 3339, from the caller's clock: this module never
    /// reads one) is used as `receivedAt` when the report does not give it.
    ///
    /// `linkage` is the mission's linkage key: each victim's `identifiers` are normalised and
    /// turned into survivor codes and an encoding under it (`ReportIntake.Victim.survivor`),
    /// then dropped. Without a key a report that gives identifiers is refused (`noLinkageKey`):
    /// identifiers are never kept for want of a key. A stored report re-validated (an
    /// amendment) has no identifiers and needs no key.
    public static func validate(_ json: JSONValue, now: String, linkage: LinkageKey?) -> Result<ReportIntake, ValidationErrors> {
        var v = IntakeValidator()
        v.linkageKey = linkage
        let report = v.report(json, now: now)
        if let report, v.issues.isEmpty { return .success(report) }
        let issues = v.allIssues
        return .failure(ValidationErrors(issues.isEmpty
            ? [ValidationIssue(.required, path: "", "the report is incomplete; check every required field")]
            : issues))
    }
}

private let ageHint = "unknown if not known"

extension IntakeValidator {
    mutating func report(_ json: JSONValue, now: String) -> ReportIntake? {
        guard case .object = json else {
            fail(.wrongType, "", "expected an object (the report), found \(Self.article(json))")
            return nil
        }
        guard let root = object(json, "", fields: Contract.rootFields, hint: nil) else { return nil }
        let mission = missionCode(root)
        let channel: Channel? = enumeration(root, "channel", "", hint: "give how the report came in: \(Channel.wireList)")
        let receivedAt = receivedAt(root, now: now)
        let incident = incident(root["incident"], receivedOn: receivedAt?.localDate)
        let allegation = allegation(root["allegation"])
        let victims = list(root, "victims") { v, item, path in v.victim(item, path) }
        let alleged = list(root, "alleged") { v, item, path in v.allegedPerson(item, path) }
        let needs: Set<Need>? = root["needs"] == nil ? [] : enumSet(root, "needs", "", hint: nil, emptyHint: nil)
        let consent = consent(root["consent"])
        guard let mission, let channel, let receivedAt, let incident, let allegation, let victims,
              let alleged, let needs, let consent else { return nil }
        return ReportIntake(mission: mission, channel: channel, receivedAt: receivedAt, incident: incident,
                            allegation: allegation, victims: victims, alleged: alleged, needs: needs,
                            consent: consent)
    }

    private mutating func missionCode(_ root: JSONObject) -> String? {
        guard let text = rawString(root, "mission", "", hint: "give the mission code, e.g. MINUSCA") else { return nil }
        guard Intake.isMissionCode(text) else {
            fail(.badFormat, "mission", "\(quoted(text)) is not a mission code; use 2 to 16 capital letters "
                 + "or digits starting with a letter, e.g. MINUSCA")
            return nil
        }
        return text
    }

    private mutating func receivedAt(_ root: JSONObject, now: String) -> Timestamp? {
        let given = rawString(root, "receivedAt", "", hint: nil)
        if given == nil, root["receivedAt"] != nil { return nil }
        let text = given ?? now
        let source = given == nil ? "not given, and the current time " : ""
        switch Timestamp.parse(text) {
        case .parsed(let stamp):
            guard stamp.localDate >= Intake.earliestReceivedDate else {
                fail(.outOfRange, "receivedAt", source + "\(quoted(text)) is before "
                     + "\(Intake.earliestReceivedDate); check the date")
                return nil
            }
            return stamp
        case .badShape:
            fail(.badFormat, "receivedAt", source + "\(quoted(text)) is not an RFC 3339 timestamp; "
                 + "use e.g. 2026-03-01T14:05:00Z or 2026-03-01T14:05:00+01:00")
        case .notInCalendar:
            fail(.notInCalendar, "receivedAt", source + "\(quoted(text)) is not a real calendar date; check the day and month")
        }
        return nil
    }

    private mutating func incident(_ value: JSONValue?, receivedOn: CalendarDate?) -> ReportIntake.Incident? {
        let path = "incident"
        guard let object = object(value, path, fields: Contract.incidentFields,
                                  hint: "give at least incident.area, the locality") else { return nil }
        let date = incidentDate(object, receivedOn: receivedOn)
        let approximate = object["dateApproximate"] == nil ? false
            : bool(object, "dateApproximate", path, hint: nil)
        let area = text(object, "area", path, hint: "give the locality (town, village or camp)",
                        maxLength: Intake.maxShortTextLength)
        var coordinates: Coordinates?? = .some(nil)
        if object["coordinates"] != nil { coordinates = self.coordinates(object["coordinates"]).map { .some($0) } }
        var premises: String?? = .some(nil)
        if object["premises"] != nil {
            premises = text(object, "premises", path, hint: nil, maxLength: Intake.maxShortTextLength).map { .some($0) }
        }
        guard let date, let approximate, let area, let coordinates, let premises else { return nil }
        return ReportIntake.Incident(date: date, dateApproximate: approximate, area: area,
                                     coordinates: coordinates, premises: premises)
    }

    /// `date`, or `dateFrom` + `dateTo`, or neither; each checked against the calendar, the
    /// earliest accepted date and the day the report was received.
    private mutating func incidentDate(_ object: JSONObject, receivedOn: CalendarDate?) -> ReportIntake.IncidentDate? {
        let path = "incident"
        var ok = true
        var dates: [String: CalendarDate] = [:]
        for key in ["date", "dateFrom", "dateTo"] where object[key] != nil {
            guard let date = date(object, key, path) else { ok = false; continue }
            let fieldPath = Self.join(path, key)
            if date < Intake.earliestIncidentDate {
                fail(.outOfRange, fieldPath, "\(date) is before \(Intake.earliestIncidentDate), the earliest "
                     + "date accepted; check the year")
                ok = false
            } else if let receivedOn, let latest = receivedOn.adding(days: Intake.incidentDateSlackDays), date > latest {
                fail(.outOfRange, fieldPath, "\(date) is after the report was received (\(receivedOn)); check the date")
                ok = false
            }
            dates[key] = date
        }
        let hasDate = object["date"] != nil, hasFrom = object["dateFrom"] != nil, hasTo = object["dateTo"] != nil
        if hasDate && (hasFrom || hasTo) {
            fail(.conflict, "incident.date", "give either date or dateFrom and dateTo, not both")
            return nil
        }
        if hasFrom != hasTo {
            let (missing, given) = hasFrom ? ("dateTo", "dateFrom") : ("dateFrom", "dateTo")
            fail(.required, "incident.\(missing)", "required when incident.\(given) is given; give both ends of the range")
            return nil
        }
        guard ok else { return nil }
        if let date = dates["date"] { return .exact(date) }
        guard let from = dates["dateFrom"], let to = dates["dateTo"] else { return .unknown }
        guard from <= to else {
            fail(.dateOrder, "incident.dateFrom", "\(from) is after incident.dateTo \(to); give the earlier date first")
            return nil
        }
        return .range(from: from, to: to)
    }

    private mutating func coordinates(_ value: JSONValue?) -> Coordinates? {
        let path = "incident.coordinates"
        guard let object = object(value, path, fields: Contract.coordinatesFields, hint: nil) else { return nil }
        var lat = number(object, "lat", path, hint: "give the latitude in degrees, -90 to 90")
        var lon = number(object, "lon", path, hint: "give the longitude in degrees, -180 to 180")
        if let value = lat, !Coordinates.latitudeInRange(value) {
            fail(.outOfRange, "incident.coordinates.lat", "\(value) is out of range; latitude is -90 to 90 degrees")
            lat = nil
        }
        if let value = lon, !Coordinates.longitudeInRange(value) {
            fail(.outOfRange, "incident.coordinates.lon", "\(value) is out of range; longitude is -180 to 180 degrees")
            lon = nil
        }
        guard let lat, let lon else { return nil }
        return Coordinates(coarsening: lat, lon: lon)
    }

    private mutating func allegation(_ value: JSONValue?) -> ReportIntake.Allegation? {
        let path = "allegation"
        guard let object = object(value, path, fields: Contract.allegationFields,
                                  hint: "give allegation.types and allegation.narrative") else { return nil }
        let types: Set<AllegationType>? = enumSet(
            object, "types", path, hint: "give at least one of \(AllegationType.wireList)",
            emptyHint: "use other_misconduct if no other type fits")
        let narrative = text(object, "narrative", path, hint: "give what happened, in the reporter's words",
                             maxLength: Intake.maxNarrativeLength, multiline: true)
        guard let types, let narrative else { return nil }
        return ReportIntake.Allegation(types: types, narrative: narrative)
    }

    /// An optional array of objects (`victims`, `alleged`), each read by `item`.
    private mutating func list<T>(_ root: JSONObject, _ key: String,
                                  _ item: (inout IntakeValidator, JSONValue, String) -> T?) -> [T]? {
        guard root[key] != nil else { return [] }
        guard let items = array(root, key, "", hint: nil, maxItems: Intake.maxPeople,
                                advice: "record the rest in the narrative") else { return nil }
        var result: [T] = []
        var ok = true
        for (index, value) in items.enumerated() {
            if let element = item(&self, value, "\(key)[\(index)]") { result.append(element) } else { ok = false }
        }
        return ok ? result : nil
    }

    private mutating func victim(_ value: JSONValue, _ path: String) -> ReportIntake.Victim? {
        guard let object = object(value, path, fields: Contract.victimFields, hint: nil) else { return nil }
        let ageBand: AgeBand? = enumeration(object, "ageBand", path, hint: "give the age band; " + ageHint)
        let sex: Sex? = enumeration(object, "sex", path, hint: "give one of \(Sex.wireList); " + ageHint)
        // Identifiers are checked, turned into codes under the linkage key, then dropped:
        // nothing of them is kept, not even whether they were given when they were empty.
        var survivor: SurvivorLink?? = .some(nil)
        if object["identifiers"] != nil { survivor = identifiers(object["identifiers"], Self.join(path, "identifiers")) }
        guard let ageBand, let sex, let survivor else { return nil }
        return ReportIntake.Victim(ageBand: ageBand, sex: sex, survivor: survivor)
    }

    /// `victims[].identifiers` read, normalised and derived (Protocols/linkage-v1.md §4–6)
    /// without keeping or quoting any of it: `.some(nil)` when nothing usable was given,
    /// nil (with an issue) when a part is unusable or there is no key.
    private mutating func identifiers(_ value: JSONValue?, _ path: String) -> SurvivorLink?? {
        guard let object = object(value, path, fields: Contract.identifierFields, hint: nil) else { return nil }
        var texts: [String: String] = [:]
        var ok = true
        for key in Contract.identifierFields where object[key] != nil {
            if let text = text(object, key, path, hint: nil, maxLength: Intake.maxShortTextLength) { texts[key] = text } else { ok = false }
        }
        guard ok else { return nil }
        switch SurvivorIdentifiers.normalize(name: texts["name"], phone: texts["phone"], dateOfBirth: texts["dateOfBirth"]) {
        case .failure(let list):
            for problem in list.problems {
                switch problem {
                case .nameHasNoLetters:
                    fail(.badFormat, Self.join(path, "name"), "has no letter or digit; write the name as the survivor gives it, or leave it out")
                case .phoneTooShort:
                    fail(.badFormat, Self.join(path, "phone"), "has fewer than \(PhoneNormalizer.minimumDigits) digits; "
                         + "write the whole number, local (0…) or international (+…), or leave it out")
                case .dateOfBirthUnreadable:
                    fail(.badFormat, Self.join(path, "dateOfBirth"), "is not a date of birth; write YYYY-MM-DD, DD/MM/YYYY "
                         + "or only the year YYYY (1900 to 2100), or leave it out")
                }
            }
            return nil
        case .success(let identifiers):
            guard !identifiers.isEmpty else { return .some(nil) }
            guard let key = linkageKey else {
                fail(.noLinkageKey, path, "this laptop has no linkage key, so the identifiers cannot be turned into a "
                     + "survivor code and were not saved; install the mission file (`fieldnode init --mission-file FILE`), "
                     + "which carries the mission's linkage key, or leave the identifiers out")
                return nil
            }
            return .some(SurvivorLink(identifiers, key: key))
        }
    }

    private mutating func allegedPerson(_ value: JSONValue, _ path: String) -> ReportIntake.AllegedPerson? {
        guard let object = object(value, path, fields: Contract.allegedFields, hint: nil) else { return nil }
        let category: PersonnelCategory? = enumeration(
            object, "personnelCategory", path, hint: "give one of \(PersonnelCategory.wireList); " + ageHint)
        var nationality: ReportIntake.Nationality?
        if let text = rawString(object, "nationality", path, hint: "give the ISO 3166 alpha-3 code, e.g. FRA; " + ageHint) {
            if Intake.isNationality(text) {
                nationality = text.utf8Equals("unknown") ? .unknown : .country(text)
            } else {
                fail(.badFormat, Self.join(path, "nationality"), "\(quoted(text)) is not an ISO 3166 alpha-3 code "
                     + "(three capital letters, e.g. FRA) or unknown")
            }
        }
        var unit: String?? = .some(nil)
        if object["unit"] != nil {
            unit = text(object, "unit", path, hint: nil, maxLength: Intake.maxShortTextLength).map { .some($0) }
        }
        guard let category, let nationality, let unit else { return nil }
        return ReportIntake.AllegedPerson(personnelCategory: category, nationality: nationality, unit: unit)
    }

    private mutating func consent(_ value: JSONValue?) -> ReportIntake.Consent? {
        let path = "consent"
        guard let object = object(value, path, fields: Contract.consentFields,
                                  hint: "give shareWithInvestigators, victimAssistanceReferral and followUpContact")
        else { return nil }
        let hint = "ask the survivor and give true or false"
        let share = bool(object, "shareWithInvestigators", path, hint: hint)
        let referral = bool(object, "victimAssistanceReferral", path, hint: hint)
        let followUp = bool(object, "followUpContact", path, hint: hint)
        guard let share, let referral, let followUp else { return nil }
        return ReportIntake.Consent(shareWithInvestigators: share, victimAssistanceReferral: referral,
                                    followUpContact: followUp)
    }
}
