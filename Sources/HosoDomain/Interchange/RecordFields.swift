import HosoStore

/// The columns (CSV) or keys (NDJSON) of one record kind, in the order files are written.
protocol InterchangeColumn: RawRepresentable<Int>, CaseIterable, Hashable, Sendable where AllCases == [Self] {
    /// Names by raw value.
    static var names: [String] { get }
    /// Columns that a header must have.
    static var required: [Self] { get }
    /// Name lookup on bytes.
    static var table: CodeTable<Self> { get }
    /// Columns that hold a list (`;`-joined in CSV, an array in NDJSON).
    var isList: Bool { get }
}

extension InterchangeColumn {
    var name: String { Self.names[rawValue] }
    static func makeTable() -> CodeTable<Self> { CodeTable("column", allCases.map { ($0.name, $0) }) }
}

/// Collects the fields of one row and makes the record.
protocol FieldsBuilder {
    associatedtype Column: InterchangeColumn
    associatedtype Value: Sendable
    init()
    /// Sets a scalar column from its text (for a list column in CSV: the `;`-joined text).
    mutating func set(_ column: Column, _ b: Bytes) throws(FieldFailure)
    /// Appends one element of a list column.
    mutating func append(_ column: Column, _ b: Bytes) throws(FieldFailure)
    /// Reads a key that is not a column (NDJSON only); `false` when it is unknown.
    mutating func readExtra(_ key: Bytes, _ cursor: inout JSONCursor, places: PlaceCodes) throws(FieldFailure) -> Bool
    /// The record, once every field is set; throws for a required field without a value.
    func make(places: PlaceCodes) throws(FieldFailure) -> Value
}

extension FieldsBuilder {
    mutating func readExtra(_ key: Bytes, _ cursor: inout JSONCursor, places: PlaceCodes) throws(FieldFailure) -> Bool { false }

    /// Sets a column from CSV text, splitting list columns at `;`.
    @inline(__always)
    mutating func setCSV(_ column: Column, _ b: Bytes) throws(FieldFailure) {
        if column.isList {
            try FieldText.splitList(b) { (part) throws(FieldFailure) in
                guard !part.isEmpty else {
                    throw FieldFailure(field: column.name, reason: "'\(FieldText.shown(b))' has an empty element: separate the elements with single ';'")
                }
                try append(column, part)
            }
        } else {
            try set(column, b)
        }
    }
}

func missing(_ name: String) -> FieldFailure {
    FieldFailure(field: name, reason: "is required but has no value")
}

// MARK: - Persons

enum PersonColumn: Int, InterchangeColumn {
    case id, fullName, birthDate, sex, nationalID, communeCode, village, permanentCommuneCode, permanentVillage,
         occupation, drugs, fileOpened, notPresent, fromAnotherLocality, districtCode, assignedCommuneCode,
         namedCommuneCode, namedDistrictCode, placedBy
    static let names = ["id", "full_name", "birth_date", "sex", "national_id", "commune_code", "village",
                        "permanent_commune_code", "permanent_village", "occupation", "drugs", "file_opened",
                        "not_present", "from_another_locality", "district_code", "assigned_commune_code",
                        "named_commune_code", "named_district_code", "placed_by"]
    /// The columns an export writes: all but `district_code` and `assigned_commune_code`, which
    /// are read from files naming pre-2025 communes only.
    static let written = names.filter { $0 != "district_code" && $0 != "assigned_commune_code" }
    static let required: [PersonColumn] = [.id, .fullName, .communeCode, .fileOpened]
    static let table = makeTable()
    var isList: Bool { self == .drugs }
}

struct PersonFields: FieldsBuilder {
    var id: RecordID?
    var fullName: String?
    var birthDate: Day?
    var sex = Person.Sex.unknown
    var nationalID: String?
    var commune: Int32?
    var village: String?
    var permanentCommune: Int32?
    var permanentVillage: String?
    var occupation: String?
    var drugs: [String] = []
    var fileOpened: Day?
    var notPresent = false
    var fromAnotherLocality = false
    var district: Int32?
    var assignedCommune: Int32?
    var named = NamedFields()
    /// NDJSON only: the person's events.
    var events: [PersonEvent] = []
    var sawEvents = false

    @inline(__always)
    mutating func set(_ c: PersonColumn, _ b: Bytes) throws(FieldFailure) {
        switch c {
        case .id: id = b.isEmpty ? nil : try FieldText.id(c.name, b)
        case .fullName: fullName = try FieldText.optionalText(c.name, b)
        case .birthDate: birthDate = try FieldText.optionalDay(c.name, b)
        case .sex: sex = b.isEmpty ? .unknown : try FieldText.code(Person.Sex.self, c.name, b)
        case .nationalID: nationalID = b.isEmpty ? nil : try FieldText.nationalID(c.name, b)
        case .communeCode: commune = b.isEmpty ? nil : try FieldText.communeCode(c.name, b)
        case .village: village = try FieldText.optionalText(c.name, b)
        case .permanentCommuneCode: permanentCommune = b.isEmpty ? nil : try FieldText.communeCode(c.name, b)
        case .permanentVillage: permanentVillage = try FieldText.optionalText(c.name, b)
        case .occupation: occupation = try FieldText.optionalText(c.name, b)
        case .drugs: try append(c, b)
        case .fileOpened: fileOpened = try FieldText.optionalDay(c.name, b)
        case .notPresent: notPresent = try FieldText.bool(c.name, b)
        case .fromAnotherLocality: fromAnotherLocality = try FieldText.bool(c.name, b)
        case .districtCode: district = b.isEmpty ? nil : try FieldText.communeCode(c.name, b)
        case .assignedCommuneCode: assignedCommune = b.isEmpty ? nil : try FieldText.communeCode(c.name, b)
        case .namedCommuneCode: named.commune = b.isEmpty ? nil : try FieldText.communeCode(c.name, b)
        case .namedDistrictCode: named.district = b.isEmpty ? nil : try FieldText.communeCode(c.name, b)
        case .placedBy: named.placedBy = b.isEmpty ? nil : try FieldText.code(NamedPlace.PlacedBy.self, c.name, b)
        }
    }

    @inline(__always)
    mutating func append(_ c: PersonColumn, _ b: Bytes) throws(FieldFailure) {
        drugs.append(try FieldText.text(c.name, b))
    }

    mutating func readExtra(_ key: Bytes, _ cursor: inout JSONCursor, places: PlaceCodes) throws(FieldFailure) -> Bool {
        guard bytesEqual(key, "events") else { return false }
        guard !sawEvents else { throw FieldFailure(field: "events", reason: "appears twice in the object") }
        sawEvents = true
        if cursor.isNull() { return true }
        guard cursor.peek() == UInt8(ascii: "[") else {
            throw FieldFailure(field: "events", reason: "must be an array of event objects [{…}, …]")
        }
        guard try cursor.open(UInt8(ascii: "["), UInt8(ascii: "]")) else { return true }
        repeat {
            var fields = PersonEventFields()
            do throws(FieldFailure) {
                try NDJSON.readObject(&cursor, into: &fields, places: places)
                if fields.personID != nil {
                    throw FieldFailure(field: "person_id", reason: "is not used inside a person's events: the event belongs to the person around it")
                }
                events.append(try fields.makeEvent(places: places))
            } catch {
                var e = error
                e.field = "events[\(events.count)]" + (e.field.isEmpty ? "" : "." + e.field)
                throw e
            }
        } while try cursor.more(UInt8(ascii: "]"))
        return true
    }

    func make(places: PlaceCodes) throws(FieldFailure) -> Person {
        guard let id else { throw missing("id") }
        guard let fullName else { throw missing("full_name") }
        guard let commune else { throw missing("commune_code") }
        guard let fileOpened else { throw missing("file_opened") }
        let (place, placed) = try places.place(commune, district: district, assigned: assignedCommune, village: village)
        var p = Person(id: id, fullName: fullName, commune: place, fileOpened: fileOpened)
        p.namedPlace = try places.named(named, placed: placed)
        p.birthDate = birthDate
        p.sex = sex
        p.nationalID = nationalID
        p.village = village
        p.permanentCommune = try permanentCommune.map { (c) throws(FieldFailure) in try places.commune(c, field: "permanent_commune_code") }
        p.permanentVillage = permanentVillage
        p.occupation = occupation
        p.drugs = drugs
        p.notPresent = notPresent
        p.fromAnotherLocality = fromAnotherLocality
        p.events = events
        return p
    }
}

// MARK: - Person events

enum PersonEventColumn: Int, InterchangeColumn {
    case personID, sequence, date, kind, outcome, program, termMonths, communeCode, carriedStatus, carriedTermEnd, voids, note
    static let names = ["person_id", "sequence", "date", "kind", "outcome", "program", "term_months", "commune_code",
                        "carried_status", "carried_term_end", "voids", "note"]
    static let required: [PersonEventColumn] = [.personID, .date, .kind]
    static let table = makeTable()
    var isList: Bool { false }
}

/// A row of `person_events.csv`.
struct PersonEventRow: Sendable {
    var personID: RecordID
    var event: PersonEvent
}

struct PersonEventFields: FieldsBuilder {
    var personID: RecordID?
    var sequence = 0
    var date: Day?
    var kind: PersonEvent.Kind?
    var outcome: PersonEvent.Outcome?
    var program: PersonEvent.Program?
    var termMonths: Int?
    var commune: Int32?
    var carriedStatus: Status?
    var carriedTermEnd: Day?
    var voids: Int?
    var note: String?

    @inline(__always)
    mutating func set(_ c: PersonEventColumn, _ b: Bytes) throws(FieldFailure) {
        switch c {
        case .personID: personID = b.isEmpty ? nil : try FieldText.id(c.name, b)
        case .sequence: sequence = b.isEmpty ? 0 : try FieldText.int(c.name, b, range: 0...Int(Int32.max))
        case .date: date = try FieldText.optionalDay(c.name, b)
        case .kind: kind = b.isEmpty ? nil : try FieldText.code(PersonEvent.Kind.self, c.name, b)
        case .outcome: outcome = b.isEmpty ? nil : try FieldText.code(PersonEvent.Outcome.self, c.name, b)
        case .program: program = b.isEmpty ? nil : try FieldText.code(PersonEvent.Program.self, c.name, b)
        case .termMonths: termMonths = try FieldText.optionalInt(c.name, b)
        case .communeCode: commune = b.isEmpty ? nil : try FieldText.communeCode(c.name, b)
        case .carriedStatus: carriedStatus = b.isEmpty ? nil : try FieldText.code(Status.self, c.name, b)
        case .carriedTermEnd: carriedTermEnd = try FieldText.optionalDay(c.name, b)
        case .voids: voids = try FieldText.optionalInt(c.name, b)
        case .note: note = try FieldText.optionalText(c.name, b)
        }
    }

    mutating func append(_ c: PersonEventColumn, _ b: Bytes) throws(FieldFailure) { try set(c, b) }

    func makeEvent(places: PlaceCodes) throws(FieldFailure) -> PersonEvent {
        guard let date else { throw missing("date") }
        guard let kind else { throw missing("kind") }
        return PersonEvent(date: date, kind: kind, outcome: outcome, program: program, termMonths: termMonths,
                           commune: try commune.map { (c) throws(FieldFailure) in try places.commune(c, field: "commune_code") },
                           carriedStatus: carriedStatus, carriedTermEnd: carriedTermEnd, voids: voids, note: note,
                           sequence: sequence)
    }

    func make(places: PlaceCodes) throws(FieldFailure) -> PersonEventRow {
        guard let personID else { throw missing("person_id") }
        return PersonEventRow(personID: personID, event: try makeEvent(places: places))
    }
}

// MARK: - Case events

enum CaseEventColumn: Int, InterchangeColumn {
    case id, kind, communeCode, date, personIDs, offenceArticle, stage, arrested, areaM2, plants, quantity,
         tipOutcome, resolvedDate, mobileTrial, note, extensions, reforms, districtCode, assignedCommuneCode,
         namedCommuneCode, namedDistrictCode, placedBy
    static let names = ["id", "kind", "commune_code", "date", "person_ids", "offence_article", "stage", "arrested",
                        "area_m2", "plants", "quantity", "tip_outcome", "resolved_date", "mobile_trial", "note", "extensions", "reforms",
                        "district_code", "assigned_commune_code", "named_commune_code", "named_district_code", "placed_by"]
    /// The columns an export writes: all but `district_code` and `assigned_commune_code`, which
    /// are read from files naming pre-2025 communes only.
    static let written = names.filter { $0 != "district_code" && $0 != "assigned_commune_code" }
    static let required: [CaseEventColumn] = [.id, .kind, .communeCode, .date]
    static let table = makeTable()
    var isList: Bool { self == .personIDs }
}

struct CaseEventFields: FieldsBuilder {
    var id: RecordID?
    var kind: CaseEvent.Kind?
    var commune: Int32?
    var date: Day?
    var personIDs: [RecordID] = []
    var offenceArticle: Int?
    var stage: CaseEvent.Stage?
    var arrested = 0, areaM2 = 0, plants = 0, quantity = 0
    var tipOutcome: CaseEvent.TipOutcome?
    var resolvedDate: Day?
    var mobileTrial = false
    var note: String?
    var extensions = 0
    var reforms: RecordID?
    var district: Int32?
    var assignedCommune: Int32?
    var named = NamedFields()

    @inline(__always)
    mutating func set(_ c: CaseEventColumn, _ b: Bytes) throws(FieldFailure) {
        switch c {
        case .id: id = b.isEmpty ? nil : try FieldText.id(c.name, b)
        case .kind: kind = b.isEmpty ? nil : try FieldText.code(CaseEvent.Kind.self, c.name, b)
        case .communeCode: commune = b.isEmpty ? nil : try FieldText.communeCode(c.name, b)
        case .date: date = try FieldText.optionalDay(c.name, b)
        case .personIDs: try append(c, b)
        case .offenceArticle: offenceArticle = try FieldText.optionalInt(c.name, b)
        case .stage: stage = b.isEmpty ? nil : try FieldText.code(CaseEvent.Stage.self, c.name, b)
        case .arrested: arrested = b.isEmpty ? 0 : try FieldText.int(c.name, b)
        case .areaM2: areaM2 = b.isEmpty ? 0 : try FieldText.int(c.name, b)
        case .plants: plants = b.isEmpty ? 0 : try FieldText.int(c.name, b)
        case .quantity: quantity = b.isEmpty ? 0 : try FieldText.int(c.name, b)
        case .tipOutcome: tipOutcome = b.isEmpty ? nil : try FieldText.code(CaseEvent.TipOutcome.self, c.name, b)
        case .resolvedDate: resolvedDate = try FieldText.optionalDay(c.name, b)
        case .mobileTrial: mobileTrial = try FieldText.bool(c.name, b)
        case .note: note = try FieldText.optionalText(c.name, b)
        case .extensions: extensions = b.isEmpty ? 0 : try FieldText.int(c.name, b)
        case .reforms: reforms = b.isEmpty ? nil : try FieldText.id(c.name, b)
        case .districtCode: district = b.isEmpty ? nil : try FieldText.communeCode(c.name, b)
        case .assignedCommuneCode: assignedCommune = b.isEmpty ? nil : try FieldText.communeCode(c.name, b)
        case .namedCommuneCode: named.commune = b.isEmpty ? nil : try FieldText.communeCode(c.name, b)
        case .namedDistrictCode: named.district = b.isEmpty ? nil : try FieldText.communeCode(c.name, b)
        case .placedBy: named.placedBy = b.isEmpty ? nil : try FieldText.code(NamedPlace.PlacedBy.self, c.name, b)
        }
    }

    @inline(__always)
    mutating func append(_ c: CaseEventColumn, _ b: Bytes) throws(FieldFailure) {
        personIDs.append(try FieldText.id(c.name, b))
    }

    func make(places: PlaceCodes) throws(FieldFailure) -> CaseEvent {
        guard let id else { throw missing("id") }
        guard let kind else { throw missing("kind") }
        guard let commune else { throw missing("commune_code") }
        guard let date else { throw missing("date") }
        let (place, placed) = try places.place(commune, district: district, assigned: assignedCommune)
        var e = CaseEvent(id: id, kind: kind, commune: place, date: date)
        e.namedPlace = try places.named(named, placed: placed)
        e.personIDs = personIDs
        e.offenceArticle = offenceArticle
        e.stage = stage
        e.arrested = arrested; e.areaM2 = areaM2; e.plants = plants; e.quantity = quantity
        e.tipOutcome = tipOutcome
        e.resolvedDate = resolvedDate
        e.mobileTrial = mobileTrial
        e.note = note
        e.extensions = extensions
        e.reforms = reforms
        return e
    }
}
