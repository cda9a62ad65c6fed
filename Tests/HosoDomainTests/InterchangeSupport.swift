import Foundation
import Testing
import HosoDomain
import HosoStore

/// Helpers of the interchange tests.
enum InterchangeFixtures {
    /// A fresh empty directory, ending in `/`.
    static func directory(_ name: String = #function) throws -> String {
        let path = NSTemporaryDirectory() + "hoso-interchange-\(name.filter { $0.isLetter })-\(UUID().uuidString)/"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func write(_ text: String, to path: String) throws { try write(Array(text.utf8), to: path) }

    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Records with their lines, and the rejected rows, in the order read.
    static func readAll<V>(_ reader: ImportReader<V>) -> (records: [(value: V, line: Int)], errors: [RowError]) {
        var records: [(V, Int)] = [], errors: [RowError] = []
        for row in reader {
            switch row {
            case let .record(v, line): records.append((v, line))
            case let .rejected(e): errors.append(e)
            }
        }
        return (records, errors)
    }

    static func d(_ text: String) -> Day { try! Day.parse(text) }
}

/// Field-by-field differences of two persons (empty when equal).
func personDifferences(_ a: Person, _ b: Person) -> [String] {
    var out: [String] = []
    func check<T: Equatable>(_ name: String, _ x: T, _ y: T) { if x != y { out.append("\(name): \(x) ≠ \(y)") } }
    check("id", a.id, b.id)
    check("full_name", a.fullName, b.fullName)
    check("birth_date", a.birthDate, b.birthDate)
    check("sex", a.sex, b.sex)
    check("national_id", a.nationalID, b.nationalID)
    check("commune", a.commune, b.commune)
    check("village", a.village, b.village)
    check("permanent_commune", a.permanentCommune, b.permanentCommune)
    check("permanent_village", a.permanentVillage, b.permanentVillage)
    check("occupation", a.occupation, b.occupation)
    check("drugs", a.drugs, b.drugs)
    check("file_opened", a.fileOpened, b.fileOpened)
    check("not_present", a.notPresent, b.notPresent)
    check("from_another_locality", a.fromAnotherLocality, b.fromAnotherLocality)
    check("named_place", a.namedPlace, b.namedPlace)
    check("events.count", a.events.count, b.events.count)
    for (i, (x, y)) in zip(a.events, b.events).enumerated() {
        check("events[\(i)].sequence", x.sequence, y.sequence)
        check("events[\(i)].date", x.date, y.date)
        check("events[\(i)].kind", x.kind, y.kind)
        check("events[\(i)].outcome", x.outcome, y.outcome)
        check("events[\(i)].program", x.program, y.program)
        check("events[\(i)].term_months", x.termMonths, y.termMonths)
        check("events[\(i)].commune", x.commune, y.commune)
        check("events[\(i)].carried_status", x.carriedStatus, y.carriedStatus)
        check("events[\(i)].carried_term_end", x.carriedTermEnd, y.carriedTermEnd)
        check("events[\(i)].voids", x.voids, y.voids)
        check("events[\(i)].note", x.note, y.note)
    }
    check("history", a.history, b.history)
    if out.isEmpty && a != b { out.append("records differ in a field not compared here") }
    return out
}

/// Field-by-field differences of two case events (empty when equal).
func caseEventDifferences(_ a: CaseEvent, _ b: CaseEvent) -> [String] {
    var out: [String] = []
    func check<T: Equatable>(_ name: String, _ x: T, _ y: T) { if x != y { out.append("\(name): \(x) ≠ \(y)") } }
    check("id", a.id, b.id)
    check("kind", a.kind, b.kind)
    check("commune", a.commune, b.commune)
    check("date", a.date, b.date)
    check("person_ids", a.personIDs, b.personIDs)
    check("offence_article", a.offenceArticle, b.offenceArticle)
    check("stage", a.stage, b.stage)
    check("arrested", a.arrested, b.arrested)
    check("area_m2", a.areaM2, b.areaM2)
    check("plants", a.plants, b.plants)
    check("quantity", a.quantity, b.quantity)
    check("tip_outcome", a.tipOutcome, b.tipOutcome)
    check("resolved_date", a.resolvedDate, b.resolvedDate)
    check("mobile_trial", a.mobileTrial, b.mobileTrial)
    check("extensions", a.extensions, b.extensions)
    check("reforms", a.reforms, b.reforms)
    check("note", a.note, b.note)
    if out.isEmpty && a != b { out.append("records differ in a field not compared here") }
    return out
}
