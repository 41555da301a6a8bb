/// The material one part of the corpus is generated from. The development and held-out parts
/// share no template, name, place or street, and use partly different phone writings, so the
/// held-out figures measure detection on text the scrubber was not tuned on.
///
/// Slots in templates: `{V}` the victim's name in a varied writing (order, case, accents,
/// hyphens), `{Vg}` given name, `{Vf}` family name, `{VF}` family name in capitals, `{Vl}` a
/// lowercase or unaccented writing, `{P}` the victim's phone written differently from the
/// intake, `{P2}` another phone, `{E}` e-mail, `{U}` URL, `{I}` ID number, `{C}` position,
/// `{A}` street address, `{D}` the victim's date of birth, `{N}` another person's full or given
/// name (after a cue written in the template), `{Nf}` a family name; ordinary words:
/// `{PL}` place, `{UNIT}` unit, `{AMT}` amount, `{DATE}` incident date, `{TIME}` time.
public struct CorpusPart: Sendable {
    let given: [String]
    let men: [String]
    let families: [String]
    let places: [String]
    let streets: [String]
    let units: [String]
    let english: [String]
    let french: [String]
    let fillersEnglish: [String]
    let fillersFrench: [String]
    let intakeStyles: [PhoneCountry.Style]
    let textStyles: [PhoneCountry.Style]
    let addresses: [String]  // with {n} and {S}
    let ids: [String]  // with # for a digit and @ for a letter
    let coordinates: [String]  // with {lat}, {lon}, {latd}, {latm}, {lats}, {lond}, {lonm}, {lons}
    let urls: [String]  // with {u}
    let emails: [String]  // with {g}, {f}, {nn}
    let birthWritings: [String]  // with {d}, {dd}, {m}, {mm}, {month}, {mois}, {yyyy}
}
