import HosoDomain
import HosoStore

/// The fields of a person both systems return for a point get, compared field by field.
struct PersonSummary: Equatable, CustomStringConvertible {
    var id: RecordID
    var fullName: String
    var nationalID: String?
    var birthDate: Int32?
    var commune: Int32
    var village: String?
    var occupation: String?
    var drugs: String?
    var fileOpened: Int32

    init(_ p: Person) {
        id = p.id; fullName = p.fullName; nationalID = p.nationalID; birthDate = p.birthDate?.rawValue
        commune = p.commune.commune; village = p.village; occupation = p.occupation
        drugs = p.drugs.isEmpty ? nil : p.drugs.joined(separator: "\n"); fileOpened = p.fileOpened.rawValue
    }

    init(_ v: PersonView) throws {
        id = v.id; fullName = try v.fullName; nationalID = try v.nationalID; birthDate = try v.birthDate?.rawValue
        commune = try v.commune.commune; village = try v.village; occupation = try v.occupation
        let d = try v.drugs
        drugs = d.isEmpty ? nil : d.joined(separator: "\n"); fileOpened = try v.fileOpened.rawValue
    }

    init(_ r: PersonRow) {
        id = RecordID(bitPattern: r.id); fullName = r.fullName; nationalID = r.nationalID; birthDate = r.birthDate.map(Int32.init)
        commune = Int32(r.commune); village = r.village; occupation = r.occupation; drugs = r.drugs; fileOpened = Int32(r.fileOpened)
    }

    var description: String {
        "#\(id) \(fullName) national ID \(nationalID ?? "-") born \(birthDate.map { Day(rawValue: $0).description } ?? "-") "
            + "commune \(commune) \(village ?? "-") \(occupation ?? "-") opened \(Day(rawValue: fileOpened))"
    }
}

/// A `persons` row, every column read into Swift values (what a point get on SQLite returns).
struct PersonRow {
    var id: Int64
    var fullName: String
    var birthDate: Int?
    var sex: Int
    var nationalID: String?
    var province: Int, district: Int, commune: Int
    var village: String?
    var permanentCommune: Int?
    var permanentVillage: String?
    var occupation: String?
    var drugs: String?
    var fileOpened: Int
    var notPresent: Bool
    var fromAnotherLocality: Bool
    var currentCommune: Int
    var currentStatus: Int

    static let columns = """
        id, full_name, birth_date, sex, national_id, province, district, commune, village, permanent_commune,
        permanent_village, occupation, drugs, file_opened, not_present, from_another_locality, current_commune, current_status
        """

    init(_ s: SQLiteStatement) {
        id = s.int64(0); fullName = s.text(1) ?? ""; birthDate = s.optionalInt(2); sex = s.int(3); nationalID = s.text(4)
        province = s.int(5); district = s.int(6); commune = s.int(7); village = s.text(8); permanentCommune = s.optionalInt(9)
        permanentVillage = s.text(10); occupation = s.text(11); drugs = s.text(12); fileOpened = s.int(13)
        notPresent = s.int(14) != 0; fromAnotherLocality = s.int(15) != 0; currentCommune = s.int(16); currentStatus = s.int(17)
    }
}

/// Case events per kind, indexed by `CaseEvent.Kind.rawValue` (slot 0 unused).
struct KindCounts: Equatable, CustomStringConvertible {
    var counts = [Int](repeating: 0, count: CaseEvent.Kind.allCases.count + 1)
    var description: String {
        let parts = CaseEvent.Kind.allCases.compactMap { k in counts[k.rawValue] == 0 ? nil : "\(k.code)=\(counts[k.rawValue])" }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

/// A status interval as both systems hold it, for the history check.
struct IntervalFacts: Equatable, CustomStringConvertible {
    var status: Int, commune: Int32, start: Int32, end: Int64, endsByTerm: Bool
    var description: String {
        "\(Status(rawValue: status)?.code ?? "?")@\(commune) \(Day(rawValue: start))…\(end == SQLiteSchema.openEnd ? "open" : Day(rawValue: Int32(end)).description)"
    }
}
