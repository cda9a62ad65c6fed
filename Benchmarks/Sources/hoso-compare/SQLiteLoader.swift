import HosoDomain
import HosoStore

/// Inserts persons (with their file events and status intervals) and case events (with their
/// person links) into the SQLite tables through prepared statements.
final class SQLiteLoader {
    let db: SQLiteConnection
    /// The day the `current_*` columns are computed for (the Hoso tenant's `today()`).
    let today: Day
    private let person, personEvent, interval, event, link: SQLiteStatement
    private(set) var intervalRows = 0

    init(_ db: SQLiteConnection, today: Day) throws {
        self.db = db; self.today = today
        person = try db.prepare("""
            INSERT INTO persons(id, full_name, birth_date, sex, national_id, province, district, commune, village,
                                permanent_commune, permanent_village, occupation, drugs, file_opened, not_present,
                                from_another_locality, current_commune, current_status)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
            """)
        personEvent = try db.prepare("""
            INSERT INTO person_events(person_id, sequence, date, kind, outcome, program, term_months, commune,
                                      carried_status, carried_term_end, voids, note)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
            """)
        interval = try db.prepare("""
            INSERT INTO status_intervals(person_id, position, status, province, district, commune, start, end_day, ends_by_term)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """)
        event = try db.prepare("""
            INSERT INTO events(id, kind, province, district, commune, date, offence_article, stage, arrested, area_m2,
                               plants, quantity, tip_outcome, resolved_date, mobile_trial, note)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
            """)
        link = try db.prepare("INSERT INTO event_persons(event_id, person_id) VALUES (?1, ?2)")
    }

    /// Inserts prepared persons (their `history` already derived) in one transaction.
    func insert(persons: some Collection<Person>) throws {
        try db.exec("BEGIN")
        for p in persons { try insert(p) }
        try db.exec("COMMIT")
    }

    /// Inserts case events in one transaction.
    func insert(events: some Collection<CaseEvent>) throws {
        try db.exec("BEGIN")
        for e in events { try insert(e) }
        try db.exec("COMMIT")
    }

    func insert(_ p: Person) throws {
        let id = Int64(bitPattern: p.id)
        person.bind(1, id)
        person.bind(2, p.fullName)
        person.bind(3, p.birthDate.map { Int64($0.rawValue) })
        person.bind(4, p.sex.rawValue)
        person.bind(5, p.nationalID)
        person.bind(6, p.commune.province)
        person.bind(7, p.commune.district)
        person.bind(8, p.commune.commune)
        person.bind(9, p.village)
        person.bind(10, p.permanentCommune.map { Int64($0.commune) })
        person.bind(11, p.permanentVillage)
        person.bind(12, p.occupation)
        person.bind(13, p.drugs.isEmpty ? nil : p.drugs.joined(separator: "\n"))
        person.bind(14, p.fileOpened.rawValue)
        person.bind(15, p.notPresent)
        person.bind(16, p.fromAnotherLocality)
        person.bind(17, p.commune(on: today).commune)
        person.bind(18, p.status(on: today).rawValue)
        try person.run()
        for e in p.events {
            personEvent.bind(1, id)
            personEvent.bind(2, e.sequence)
            personEvent.bind(3, e.date.rawValue)
            personEvent.bind(4, e.kind.rawValue)
            personEvent.bind(5, e.outcome?.rawValue)
            personEvent.bind(6, e.program?.rawValue)
            personEvent.bind(7, e.termMonths)
            personEvent.bind(8, e.commune.map { Int64($0.commune) })
            personEvent.bind(9, e.carriedStatus?.rawValue)
            personEvent.bind(10, e.carriedTermEnd.map { Int64($0.rawValue) })
            personEvent.bind(11, e.voids)
            personEvent.bind(12, e.note)
            try personEvent.run()
        }
        for (position, s) in p.history.enumerated() {
            interval.bind(1, id)
            interval.bind(2, position)
            interval.bind(3, s.status.rawValue)
            interval.bind(4, s.commune.province)
            interval.bind(5, s.commune.district)
            interval.bind(6, s.commune.commune)
            interval.bind(7, s.start.rawValue)
            interval.bind(8, s.end.map { Int64($0.rawValue) } ?? SQLiteSchema.openEnd)
            interval.bind(9, s.endsByTerm)
            try interval.run()
            intervalRows += 1
        }
    }

    func insert(_ e: CaseEvent) throws {
        let id = Int64(bitPattern: e.id)
        event.bind(1, id)
        event.bind(2, e.kind.rawValue)
        event.bind(3, e.commune.province)
        event.bind(4, e.commune.district)
        event.bind(5, e.commune.commune)
        event.bind(6, e.date.rawValue)
        event.bind(7, e.offenceArticle)
        event.bind(8, e.stage?.rawValue)
        event.bind(9, e.arrested)
        event.bind(10, e.areaM2)
        event.bind(11, e.plants)
        event.bind(12, e.quantity)
        event.bind(13, e.tipOutcome?.rawValue)
        event.bind(14, e.resolvedDate.map { Int64($0.rawValue) })
        event.bind(15, e.mobileTrial)
        event.bind(16, e.note)
        try event.run()
        // A link per distinct person, as Hoso's person index keeps one entry per distinct id.
        var seen: [RecordID] = []
        for p in e.personIDs where !seen.contains(p) {
            seen.append(p)
            link.bind(1, id)
            link.bind(2, Int64(bitPattern: p))
            try link.run()
        }
    }
}
