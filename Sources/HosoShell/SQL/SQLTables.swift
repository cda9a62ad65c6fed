import HosoDomain

/// The registry of the tables SQL reads: every part of the record, each one ``VirtualTable``
/// definition. Adding a table is adding a definition to ``all``.
///
/// ```swift
/// print(SQLTables.all.map(\.name))   // ["persons", "person_drugs", "person_events", "status_history", "events", "event_persons", "communes", "commune_population", "status_changes", "overdue", "indicators", "classification", "classification_criteria", "targets", "processing_log"]
/// ```
public enum SQLTables {
    /// Every table, in `.tables` order.
    public static let all: [VirtualTable] = [persons, personDrugs, personEvents, statusHistory, events, eventPersons, communes, communePopulation,
                                             statusChanges, overdue, indicators, classification, classificationCriteria, targets, processingLog]

    /// The columns that hold names: they sort by ``NameCollation`` (case and diacritics last).
    public static let collated: Set<String> = ["full_name", "commune_name", "name", "village", "permanent_village", "occupation", "drug", "drugs", "note"]

    /// A table by name (case-insensitive).
    public static func named(_ name: String) -> VirtualTable? { all.first { $0.name == name.lowercased() } }

    /// An identifier quoted for SQL when it needs to be (`end` is a keyword).
    static func quoteIdentifier(_ s: String) -> String {
        let keywords: Set<String> = ["end", "date", "start", "order", "group", "type", "code", "year", "kind"]
        return keywords.contains(s) && s == "end" ? "\"\(s)\"" : s
    }

    // MARK: Helpers

    static func int<T: BinaryInteger>(_ v: T?) -> Value { v.map { .int(Int64($0)) } ?? .null }
    static func id(_ v: RecordID) -> Value { .int(Int64(bitPattern: v)) }
    static func text(_ s: String?) -> Value { s.map { $0.isEmpty ? .null : .text($0) } ?? .null }
    static func bool(_ b: Bool) -> Value { .int(b ? 1 : 0) }
    static func name(_ c: CommuneRef?, _ scope: SQLScope) -> Value { c.map { .text(scope.context.communes.name(of: $0.commune)) } ?? .null }

    /// The commune of an `=` constraint on a code column, or on a name column (exact name).
    static func commune(_ request: VirtualRequest, code: String, name: String, _ scope: SQLScope) -> [CommuneRef]? {
        if let c = request.equalInt(code) { return scope.context.communes.entry(code: Int32(truncatingIfNeeded: c)).map { [$0.ref] } ?? [] }
        if let n = request.equalText(name) { return scope.context.communes.entries.filter { $0.name == n }.map(\.ref) }
        return nil
    }

    static func communeCount(_ scope: SQLScope) -> Double { Double(max(1, scope.context.communes.entries.count)) }
    static let statusShare = 1.0 / 6.0

    /// Persons of the request's access; a full scan when the access's keys are not interpretable.
    static func persons(_ r: VirtualRequest, _ q: borrowing ProgramSnapshot, _ scope: SQLScope, _ body: (Person) throws -> Bool) throws {
        let province = Area.province(scope.context.province)
        switch r.access {
        case "persons.id":
            if let id = r.equalInt("id") { try q.persons(ids: [RecordID(bitPattern: id)], body); return }
        case "persons.byNationalID":
            if let n = r.equalText("national_id") { if let p = try q.person(nationalID: n) { _ = try body(p) }; return }
        case "persons.byStatusCommune", "persons.statusIntervals":
            if let code = r.equalText("status") {
                guard let status = Status(code: code) else { return }
                if status == .none && r.access == "persons.statusIntervals" { break }
                let communes = commune(r, code: "commune", name: "commune_name", scope)
                let areas = communes.map { $0.map { Area.commune($0) } } ?? [province]
                if r.access == "persons.byStatusCommune" {
                    for area in areas where try q.currentPersons(in: area, status: status, body) != nil { return }
                } else {
                    try q.persons(ids: try q.personIDs([status], in: areas, on: scope.asOf), body)
                }
                return
            }
        case "persons.byCommune":
            if let communes = commune(r, code: "commune", name: "commune_name", scope) {
                for c in communes where try q.currentPersons(in: .commune(c), body) != nil { return }
                return
            }
        default: break
        }
        try q.allPersons(body)
    }

    // MARK: persons

    /// Person management files; `status`, `commune` and `minor` as of the statement's `AS OF` day.
    public static let persons = VirtualTable("persons", "one row per management file (hồ sơ); status, commune and minor as of the AS OF day (default today)", columns: [
        VirtualColumn<Person>("id", .integer, "record id") { p, _ in id(p.id) },
        VirtualColumn("full_name", .text, "full name") { (p: Person, s: SQLScope) -> Value in s.read(p); return .text(p.fullName) },
        VirtualColumn("birth_date", .text, "date of birth (YYYY-MM-DD)") { (p: Person, s: SQLScope) -> Value in s.read(p); return SQLScope.text(p.birthDate) },
        VirtualColumn("sex", .text, "male, female, unknown") { p, _ in .text(p.sex.code) },
        VirtualColumn("national_id", .text, "12-digit national ID (CCCD)") { (p: Person, s: SQLScope) -> Value in s.read(p); return text(p.nationalID) },
        VirtualColumn("commune", .integer, "commune code managing the person on the AS OF day") { p, s in .int(Int64(p.commune(on: s.asOf).commune)) },
        VirtualColumn("commune_name", .text, "that commune's name") { p, s in .text(s.context.communes.name(of: p.commune(on: s.asOf).commune)) },
        VirtualColumn("province", .integer, "province code") { p, s in .int(Int64(p.commune(on: s.asOf).province)) },
        VirtualColumn("village", .text, "village or quarter of residence") { (p: Person, s: SQLScope) -> Value in s.read(p); return text(p.village) },
        VirtualColumn("permanent_commune", .integer, "commune code of permanent residence") { p, _ in int(p.permanentCommune?.commune) },
        VirtualColumn("permanent_village", .text, "village of permanent residence") { (p: Person, s: SQLScope) -> Value in s.read(p); return text(p.permanentVillage) },
        VirtualColumn("occupation", .text, "occupation") { (p: Person, s: SQLScope) -> Value in s.read(p); return text(p.occupation) },
        VirtualColumn("drugs", .text, "drugs used, ';'-separated (one row each in person_drugs)") { p, _ in p.drugs.isEmpty ? .null : .text(p.drugs.joined(separator: ";")) },
        VirtualColumn("status", .text, "status on the AS OF day") { p, s in .text(p.status(on: s.asOf).code) },
        VirtualColumn("file_opened", .text, "day the file was opened") { p, _ in .text(p.fileOpened.description) },
        VirtualColumn("not_present", .integer, "1: not present at the residence") { p, _ in bool(p.notPresent) },
        VirtualColumn("from_another_locality", .integer, "1: residing from another locality") { p, _ in bool(p.fromAnotherLocality) },
        VirtualColumn("psychosis", .integer, "1: a psychosis episode is on file") { p, _ in bool(p.hasPsychosis) },
        VirtualColumn("minor", .integer, "1: under 18 on the AS OF day") { p, s in bool(p.isMinor(on: s.asOf)) },
    ], accesses: [
        VirtualAccess("persons.id", keys: [.init("id")]) { _, _, _ in 1 },
        VirtualAccess("persons.byNationalID", keys: [.init("national_id")]) { _, _, _ in 1 },
        VirtualAccess("persons.byStatusCommune", keys: [.init("status"), .init("commune", required: false)], available: { $0.isToday }) { n, used, s in
            n * statusShare / (used["commune"] != nil ? communeCount(s) : 1)
        },
        VirtualAccess("persons.statusIntervals", keys: [.init("status"), .init("commune", required: false)], available: { !$0.isToday }) { n, used, s in
            2 * n * statusShare / (used["commune"] != nil ? communeCount(s) : 1)
        },
        VirtualAccess("persons.byCommune", keys: [.init("commune")], available: { $0.isToday }) { n, _, s in n / communeCount(s) },
        VirtualAccess("persons.byCommune", keys: [.init("commune_name")], available: { $0.isToday }) { n, _, s in n / communeCount(s) },
    ], scanOrder: "id", id: { Int64(bitPattern: $0.id) }, rowCount: { q, _ in Double(try q.storedPersonCount()) },
    page: { after, q, _, body in try q.allPersons(after: after, limit: pageSize, body) }, produce: persons)

    /// Records per page of a full scan.
    static let pageSize = 2048

    /// A full scan of a table of rows drawn from persons (their drugs, events, history,
    /// changes), a page of persons at a time.
    static func personPages<Row>(_ rows: @escaping @Sendable (Person) -> [Row])
        -> @Sendable (Continuation?, borrowing ProgramSnapshot, SQLScope, (Row) throws -> Bool) throws -> Continuation? {
        { after, q, _, body in
            try q.allPersons(after: after, limit: pageSize / 2) { p in
                for row in rows(p) where try !body(row) { return false }
                return true
            }
        }
    }

    /// One row per drug a person uses.
    public static let personDrugs = VirtualTable("person_drugs", "one row per drug on a management file", columns: [
        VirtualColumn<(RecordID, Int, String)>("person_id", .integer, "person id") { r, _ in id(r.0) },
        VirtualColumn("position", .integer, "position in the file's list, from 1") { r, _ in .int(Int64(r.1)) },
        VirtualColumn("drug", .text, "drug") { r, _ in .text(r.2) },
    ], accesses: [VirtualAccess("persons.id", keys: [.init("person_id")]) { _, _, _ in 2 }],
    scanOrder: "person_id", rowCount: { q, _ in Double(try q.storedPersonCount()) * 1.5 },
    page: personPages { p in p.drugs.enumerated().map { (p.id, $0 + 1, $1) } }) { r, q, scope, body in
        let request = VirtualRequest(access: r.access == nil ? nil : "persons.id", bounds: r.bounds["person_id"].map { ["id": $0] } ?? [:])
        try persons(request, q, scope) { p in
            for (i, d) in p.drugs.enumerated() where try !body((p.id, i + 1, d)) { return false }
            return true
        }
    }

    /// The events of the management files (decisions, tests, rehab, moves…).
    public static let personEvents = VirtualTable("person_events", "one row per event of a management file (decisions, tests, rehab, moves, death…)", columns: [
        VirtualColumn<(RecordID, PersonEvent)>("person_id", .integer, "person id") { r, _ in id(r.0) },
        VirtualColumn("sequence", .integer, "position in the file, from 1") { r, _ in .int(Int64(r.1.sequence)) },
        VirtualColumn("date", .text, "day of the event") { r, _ in .text(r.1.date.description) },
        VirtualColumn("kind", .text, "kind of person event") { r, _ in .text(r.1.kind.code) },
        VirtualColumn("outcome", .text, "outcome of a test, determination or exit") { r, _ in text(r.1.outcome?.code) },
        VirtualColumn("program", .text, "rehab program") { r, _ in text(r.1.program?.code) },
        VirtualColumn("term_months", .integer, "term in months") { r, _ in int(r.1.termMonths) },
        VirtualColumn("commune", .integer, "commune moved to or arrived in") { r, _ in int(r.1.commune?.commune) },
        VirtualColumn("commune_name", .text, "its name") { r, s in name(r.1.commune, s) },
        VirtualColumn("carried_status", .text, "status carried by a move in") { r, _ in text(r.1.carriedStatus?.code) },
        VirtualColumn("carried_term_end", .text, "term end carried by a move in") { r, _ in SQLScope.text(r.1.carriedTermEnd) },
        VirtualColumn("voids", .integer, "sequence a correction voids") { r, _ in int(r.1.voids) },
        VirtualColumn("note", .text, "note") { (r: (RecordID, PersonEvent), s: SQLScope) -> Value in if r.1.note != nil { s.context.personalReads.insert(r.0) }; return text(r.1.note) },
    ], accesses: [VirtualAccess("persons.id", keys: [.init("person_id")]) { _, _, _ in 5 }],
    scanOrder: "person_id", rowCount: { q, _ in Double(try q.storedPersonCount()) * 5 },
    page: personPages { p in p.events.map { (p.id, $0) } }) { r, q, scope, body in
        let request = VirtualRequest(access: r.access == nil ? nil : "persons.id", bounds: r.bounds["person_id"].map { ["id": $0] } ?? [:])
        try persons(request, q, scope) { p in
            for e in p.events where try !body((p.id, e)) { return false }
            return true
        }
    }

    /// Status history intervals.
    public static let statusHistory = VirtualTable("status_history", "one row per stretch of a person's status history", columns: [
        VirtualColumn<(RecordID, StatusInterval)>("person_id", .integer, "person id") { r, _ in id(r.0) },
        VirtualColumn("status", .text, "status held") { r, _ in .text(r.1.status.code) },
        VirtualColumn("commune", .integer, "commune managing the person meanwhile") { r, _ in .int(Int64(r.1.commune.commune)) },
        VirtualColumn("commune_name", .text, "its name") { r, s in name(r.1.commune, s) },
        VirtualColumn("start", .text, "first day") { r, _ in .text(r.1.start.description) },
        VirtualColumn("end", .text, "first day after (NULL while open)") { r, _ in SQLScope.text(r.1.end) },
        VirtualColumn("ends_by_term", .integer, "1: end is a term's end computed from the rules") { r, _ in bool(r.1.endsByTerm) },
    ], accesses: [
        VirtualAccess("persons.id", keys: [.init("person_id")]) { _, _, _ in 3 },
        VirtualAccess("persons.statusIntervals/start", keys: [.init("status"), .init("start", [.eq, .lt, .le, .gt, .ge]), .init("commune", required: false)]) { n, used, s in
            n * statusShare / 4 / (used["commune"] != nil ? communeCount(s) : 1)
        },
        VirtualAccess("persons.statusIntervals/end", keys: [.init("status"), .init("end", [.eq, .lt, .le, .gt, .ge]), .init("commune", required: false)]) { n, used, s in
            n * statusShare / 4 / (used["commune"] != nil ? communeCount(s) : 1)
        },
    ], scanOrder: "person_id", rowCount: { q, _ in Double(try q.storedPersonCount()) * 3 },
    page: personPages { p in p.history.map { (p.id, $0) } }) { r, q, scope, body in
        func emit(_ p: Person) throws -> Bool {
            for i in p.history where try !body((p.id, i)) { return false }
            return true
        }
        if let access = r.access, access.hasPrefix("persons.statusIntervals/"), let code = r.equalText("status") {
            let edge: IntervalEdge = access.hasSuffix("start") ? .start : .end
            if let range = r.days(edge == .start ? "start" : "end") {
                guard let status = Status(code: code), status != .none else {
                    if Status(code: code) == nil { return }
                    try q.allPersons(emit); return
                }
                let areas = commune(r, code: "commune", name: "commune_name", scope).map { $0.map { Area.commune($0) } } ?? [.province(scope.context.province)]
                try q.persons(ids: try q.personIDs([status], edge, in: areas, during: range), emit)
                return
            }
        }
        let request = VirtualRequest(access: r.access == "persons.id" ? "persons.id" : nil, bounds: r.bounds["person_id"].map { ["id": $0] } ?? [:])
        try persons(request, q, scope, emit)
    }

    // MARK: events

    /// Case events, note included.
    public static let events = VirtualTable("events", "one row per case event (tips, cases, hotspots, cultivation, activities)", columns: [
        VirtualColumn<CaseEvent>("id", .integer, "record id") { e, _ in id(e.id) },
        VirtualColumn("kind", .text, "kind of event") { e, _ in .text(e.kind.code) },
        VirtualColumn("commune", .integer, "commune code") { e, _ in .int(Int64(e.commune.commune)) },
        VirtualColumn("commune_name", .text, "commune name") { e, s in name(e.commune, s) },
        VirtualColumn("province", .integer, "province code") { e, _ in .int(Int64(e.commune.province)) },
        VirtualColumn("date", .text, "day of the event") { e, _ in .text(e.date.description) },
        VirtualColumn("offence_article", .integer, "Criminal Code article of a drug case (247–259)") { e, _ in int(e.offenceArticle) },
        VirtualColumn("stage", .text, "stage of a drug case") { e, _ in text(e.stage?.code) },
        VirtualColumn("arrested", .integer, "persons arrested") { e, _ in .int(Int64(e.arrested)) },
        VirtualColumn("area_m2", .integer, "cultivation area destroyed, m²") { e, _ in .int(Int64(e.areaM2)) },
        VirtualColumn("plants", .integer, "plants destroyed") { e, _ in .int(Int64(e.plants)) },
        VirtualColumn("quantity", .integer, "households reached, commitments, models, people trained") { e, _ in .int(Int64(e.quantity)) },
        VirtualColumn("tip_outcome", .text, "decision on a tip") { e, _ in text(e.tipOutcome?.code) },
        VirtualColumn("resolved_date", .text, "day a tip was decided or a hotspot cleared") { e, _ in SQLScope.text(e.resolvedDate) },
        VirtualColumn("mobile_trial", .integer, "1: a mobile trial") { e, _ in bool(e.mobileTrial) },
        VirtualColumn("person_ids", .text, "ids of the persons involved, ';'-separated (one row each in event_persons)") { e, _ in
            e.personIDs.isEmpty ? .null : .text(e.personIDs.map(String.init).joined(separator: ";"))
        },
        VirtualColumn("note", .text, "note") { (e: CaseEvent, s: SQLScope) -> Value in if e.note != nil { s.context.personalReads.insert(contentsOf: e.personIDs) }; return text(e.note) },
    ], accesses: [
        VirtualAccess("events.id", keys: [.init("id")]) { _, _, _ in 1 },
        VirtualAccess("events.byCommuneKindDate", keys: [.init("commune"), .init("kind", required: false), .init("date", [.eq, .lt, .le, .gt, .ge], required: false)]) { n, used, s in
            n / communeCount(s) / (used["kind"] != nil ? 8 : 1) / (used["date"] != nil ? 4 : 1)
        },
        VirtualAccess("events.byCommuneKindDate", keys: [.init("commune_name"), .init("kind", required: false), .init("date", [.eq, .lt, .le, .gt, .ge], required: false)]) { n, used, s in
            n / communeCount(s) / (used["kind"] != nil ? 8 : 1) / (used["date"] != nil ? 4 : 1)
        },
        VirtualAccess("events.byDate", keys: [.init("date", [.eq, .lt, .le, .gt, .ge])], orderedBy: "date") { n, used, _ in
            used["date"]?.contains(.eq) == true ? n / 1000 : n / 4
        },
    ], scanOrder: "id", id: { Int64(bitPattern: $0.id) }, rowCount: { q, _ in Double(try q.storedEventCount()) },
    page: { after, q, _, body in try q.allEvents(after: after, limit: pageSize, body) }) { r, q, scope, body in
        switch r.access {
        case "events.id":
            if let id = r.equalInt("id") { try q.events(ids: [RecordID(bitPattern: id)], body); return }
        case "events.byCommuneKindDate":
            if let communes = commune(r, code: "commune", name: "commune_name", scope) {
                var kinds = CaseEvent.Kind.allCases
                if let k = r.equalText("kind") { guard let kind = CaseEvent.Kind(code: k) else { return }; kinds = [kind] }
                let range = r.days("date") ?? DayRange(Day(year: -9999, month: 1, day: 1)!, Day(year: 9999, month: 12, day: 31)!)
                for c in communes { for k in kinds where try !q.events(k, in: c, during: range, body) { return } }
                return
            }
        case "events.byDate":
            if let range = r.days("date") { try q.events(during: range, body); return }
        default: break
        }
        try q.allEvents(body)
    }

    /// The persons involved in each case event.
    public static let eventPersons = VirtualTable("event_persons", "one row per person involved in a case event", columns: [
        VirtualColumn<(RecordID, RecordID, Int)>("event_id", .integer, "case event id") { r, _ in id(r.0) },
        VirtualColumn("person_id", .integer, "person id") { r, _ in id(r.1) },
        VirtualColumn("position", .integer, "position in the event's list, from 1") { r, _ in .int(Int64(r.2)) },
    ], accesses: [
        VirtualAccess("events.id", keys: [.init("event_id")]) { _, _, _ in 2 },
        VirtualAccess("events.byPerson", keys: [.init("person_id")]) { _, _, _ in 3 },
    ], scanOrder: "event_id", rowCount: { q, _ in Double(try q.storedEventCount()) / 2 }) { r, q, scope, body in
        func emit(_ e: CaseEvent) throws -> Bool {
            for (i, p) in e.personIDs.enumerated() where try !body((e.id, p, i + 1)) { return false }
            return true
        }
        if r.access == "events.id", let id = r.equalInt("event_id") { try q.events(ids: [RecordID(bitPattern: id)], emit); return }
        if r.access == "events.byPerson", let id = r.equalInt("person_id") { try q.events(involving: RecordID(bitPattern: id), emit); return }
        try q.allEvents(emit)
    }

    // MARK: communes

    /// The tenant's communes.
    public static let communes = VirtualTable("communes", "one row per commune of the tenant", columns: [
        VirtualColumn<(CommuneEntry, String)>("code", .integer, "official commune code") { c, _ in .int(Int64(c.0.ref.commune)) },
        VirtualColumn("name", .text, "official name") { c, _ in .text(c.0.name) },
        VirtualColumn("type", .text, "xã, phường, đặc khu") { c, _ in .text(c.0.type) },
        VirtualColumn("district", .integer, "district code before the 2025 reform (NULL for 2025 communes)") { c, _ in c.0.ref.district == 0 ? .null : .int(Int64(c.0.ref.district)) },
        VirtualColumn("province", .integer, "province code") { c, _ in .int(Int64(c.0.ref.province)) },
        VirtualColumn("population", .integer, "population of the current year, when configured (every year: commune_population)") { c, s in
            int(s.context.program.population(of: c.0.ref.commune, year: s.context.today.year))
        },
        VirtualColumn("targets", .text, "the targets that name the commune, '; '-separated") { c, _ in
            text(c.1)
        },
    ], scanOrder: nil, rowCount: { _, s in communeCount(s) }) { _, _, scope, body in
        let targets = try scope.context.program.targetBook().targets
        for c in scope.context.communes.entries where try !body((c, RowBuilder.targetNames(of: c.ref.commune, in: targets))) { return }
    }

    /// Populations per commune and year (tenant data).
    public static let communePopulation = VirtualTable("commune_population", "one row per commune and year with a configured population", columns: [
        VirtualColumn<(Int32, Int, Int)>("commune", .integer, "commune code") { r, _ in .int(Int64(r.0)) },
        VirtualColumn("commune_name", .text, "its name") { r, s in .text(s.context.communes.name(of: r.0)) },
        VirtualColumn("year", .integer, "calendar year") { r, _ in .int(Int64(r.1)) },
        VirtualColumn("population", .integer, "population") { r, _ in .int(Int64(r.2)) },
    ], scanOrder: nil, rowCount: { _, s in communeCount(s) * 3 }) { _, _, scope, body in
        for (year, table) in scope.context.program.settings.populations.sorted(by: { $0.key < $1.key }) {
            for (code, n) in table.sorted(by: { $0.key < $1.key }) where try !body((code, year, n)) { return }
        }
    }
    /// The processing log (read-only): every logged read of personal fields.
    public static let processingLog = VirtualTable("processing_log", "one row per logged read of personal fields (statements, exports): who, when, what, which persons", columns: [
        VirtualColumn<PersonalRead>("sequence", .integer, "position in the tenant's change log") { r, _ in .int(Int64(bitPattern: r.sequence)) },
        VirtualColumn("at", .text, "when, UTC+7 (YYYY-MM-DD HH:MM:SS)") { r, _ in .text(logTime(r.timestamp)) },
        VirtualColumn("day", .text, "the day, UTC+7") { r, _ in .text(r.day.description) },
        VirtualColumn("user", .text, "the user that read") { r, _ in .text(r.user) },
        VirtualColumn("what", .text, "the statement or export") { r, _ in .text(r.what) },
        VirtualColumn("person_count", .integer, "persons read") { r, _ in .int(Int64(r.personCount)) },
        VirtualColumn("person_ids", .text, "their ids, ';'-separated (the first 10,000)") { r, _ in .text(r.personIDs.map(String.init).joined(separator: ";")) },
    ], scanOrder: nil, rowCount: { _, _ in 100 }) { _, _, scope, body in
        for entry in try scope.context.program.processingLog() where try !body(entry) { return }
    }

    static func logTime(_ ms: Int64) -> String {
        let seconds = ms / 1000 + 7 * 3600
        let day = Day(rawValue: Int32(seconds / 86_400)), rest = seconds % 86_400
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(day) \(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))"
    }

    // MARK: status changes and deadlines

    /// Every entry into and exit from a status, with its cause.
    public static let statusChanges = VirtualTable("status_changes", "one row per entry into or exit from a status, with its cause", columns: [
        VirtualColumn<StatusChange>("person_id", .integer, "person id") { c, _ in id(c.personID) },
        VirtualColumn("date", .text, "first day in the status (entry) or first day after it (exit)") { c, _ in .text(c.date.description) },
        VirtualColumn("direction", .text, "entry or exit") { c, _ in .text(c.direction.code) },
        VirtualColumn("status", .text, "status entered or left") { c, _ in .text(c.status.code) },
        VirtualColumn("commune", .integer, "commune entered or left") { c, _ in .int(Int64(c.commune.commune)) },
        VirtualColumn("commune_name", .text, "its name") { c, s in name(c.commune, s) },
        VirtualColumn("cause", .text, "why the status started or ended: new, arrived, continued, left, moved_away") { c, _ in .text(c.cause.code) },
        VirtualColumn("event", .text, "kind of the person event that caused it (NULL when a term ran out)") { c, _ in text(c.event?.code) },
        VirtualColumn("event_sequence", .integer, "that event's sequence number in the file") { c, _ in int(c.eventSequence) },
        VirtualColumn("other_commune", .integer, "for a move: the commune of the tenant moved from or to (NULL: outside the tenant)") { c, _ in int(c.otherCommune?.commune) },
        VirtualColumn("in_province", .integer, "1: counts at province level (a move between two of its communes does not)") { c, _ in bool(c.counts(atDepth: 1)) },
    ], accesses: [
        VirtualAccess("persons.id", keys: [.init("person_id")]) { _, _, _ in 4 },
        VirtualAccess("person.status_change", keys: [.init("date", [.eq, .lt, .le, .gt, .ge]), .init("commune", required: false)]) { n, used, s in
            n / 8 / (used["commune"] != nil ? communeCount(s) : 1)
        },
    ], scanOrder: "person_id", rowCount: { q, _ in Double(try q.storedPersonCount()) * 4 },
    page: personPages { $0.statusChanges }) { r, q, scope, body in
        if r.access == "person.status_change", let range = r.days("date") {
            let areas = commune(r, code: "commune", name: "commune_name", scope).map { $0.map { Area.commune($0) } } ?? [.province(scope.context.province)]
            for area in areas where try !q.statusChanges(in: area, during: range, body) { return }
            return
        }
        let request = VirtualRequest(access: r.access == "persons.id" ? "persons.id" : nil, bounds: r.bounds["person_id"].map { ["id": $0] } ?? [:])
        try persons(request, q, scope) { p in
            for c in p.statusChanges where try !body(c) { return false }
            return true
        }
    }

    /// Tips undecided and hotspots not cleared past their deadline on the `AS OF` day.
    public static let overdue = VirtualTable("overdue", "one row per tip or hotspot open past its deadline on the AS OF day (default today)", columns: [
        VirtualColumn<CaseEvent>("id", .integer, "event id") { e, _ in id(e.id) },
        VirtualColumn("kind", .text, "tip or hotspot") { e, _ in .text(e.kind.code) },
        VirtualColumn("commune", .integer, "commune code") { e, _ in .int(Int64(e.commune.commune)) },
        VirtualColumn("commune_name", .text, "its name") { e, s in name(e.commune, s) },
        VirtualColumn("date", .text, "day received (tip) or found (hotspot)") { e, _ in .text(e.date.description) },
        VirtualColumn("deadline", .text, "last day on time (20 days, 2 or 2 + 2 months for a tip; 2 months for a hotspot)") { e, _ in SQLScope.text(e.deadline) },
        VirtualColumn("extensions", .integer, "extensions of a tip's deadline (0, 1, 2)") { e, _ in .int(Int64(e.extensions)) },
        VirtualColumn("resolved_date", .text, "day decided or cleared, when later than the AS OF day") { e, _ in SQLScope.text(e.resolvedDate) },
        VirtualColumn("days_overdue", .integer, "days past the deadline on the AS OF day") { e, s in e.deadline.map { .int(Int64(s.asOf.rawValue - $0.rawValue)) } ?? .null },
    ], accesses: [
        VirtualAccess("event.overdue", keys: [.init("commune"), .init("kind", required: false)]) { n, _, s in n / communeCount(s) },
    ], scanOrder: nil, rowCount: { q, _ in Double(try q.storedEventCount()) / 50 }) { r, q, scope, body in
        var kinds: [CaseEvent.Kind] = [.tip, .hotspot]
        if let k = r.equalText("kind") { guard let kind = CaseEvent.Kind(code: k), kinds.contains(kind) else { return }; kinds = [kind] }
        let areas = (r.access == nil ? nil : commune(r, code: "commune", name: "commune_name", scope)).map { $0.map { Area.commune($0) } }
            ?? [.province(scope.context.province)]
        for area in areas { for kind in kinds where try !q.overdue(kind, in: area, on: scope.asOf, body) { return } }
    }
}
