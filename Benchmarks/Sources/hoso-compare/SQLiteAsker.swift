import HosoDomain
import HosoStore

/// The compared questions, asked of SQLite with prepared statements over the indexes of
/// ``SQLiteSchema``.
final class SQLiteAsker {
    let db: SQLiteConnection
    private let byID, byNationalID, currentCount, eventsByKind, personsOn, entries, scan, history: SQLiteStatement

    init(_ db: SQLiteConnection) throws {
        self.db = db
        byID = try db.prepare("SELECT \(PersonRow.columns) FROM persons WHERE id = ?1")
        byNationalID = try db.prepare("SELECT \(PersonRow.columns) FROM persons WHERE national_id = ?1")
        currentCount = try db.prepare("SELECT count(*) FROM persons WHERE current_commune = ?1 AND current_status = ?2")
        eventsByKind = try db.prepare("""
            SELECT kind, count(*) FROM events WHERE commune = ?1 AND date >= ?2 AND date < ?3 GROUP BY kind
            """)
        personsOn = try db.prepare("""
            SELECT count(*) FROM status_intervals WHERE status = ?1 AND commune = ?2 AND start <= ?3 AND end_day > ?3
            """)
        // An entry is an interval that does not merely continue the previous interval of the same
        // person in the same status and commune (as a relapse of an addict does).
        entries = try db.prepare("""
            SELECT count(*) FROM status_intervals AS s
            WHERE s.status = ?1 AND s.commune = ?2 AND s.start >= ?3 AND s.start < ?4
              AND NOT EXISTS (SELECT 1 FROM status_intervals AS p
                              WHERE p.person_id = s.person_id AND p.position = s.position - 1
                                AND p.end_day = s.start AND p.status = s.status AND p.commune = s.commune)
            """)
        scan = try db.prepare("SELECT count(*) FROM persons WHERE occupation = ?1 AND birth_date < ?2")
        history = try db.prepare("""
            SELECT status, commune, start, end_day, ends_by_term FROM status_intervals WHERE person_id = ?1 ORDER BY position
            """)
    }

    private func count(_ s: SQLiteStatement) throws -> Int {
        defer { s.reset() }
        guard try s.step() else { return 0 }
        return s.int(0)
    }

    func person(id: RecordID) throws -> PersonSummary? {
        byID.bind(1, Int64(bitPattern: id))
        defer { byID.reset() }
        guard try byID.step() else { return nil }
        return PersonSummary(PersonRow(byID))
    }

    func person(nationalID: String) throws -> PersonSummary? {
        byNationalID.bind(1, nationalID)
        defer { byNationalID.reset() }
        guard try byNationalID.step() else { return nil }
        return PersonSummary(PersonRow(byNationalID))
    }

    func currentCount(_ status: Status, _ commune: CommuneRef) throws -> Int {
        currentCount.bind(1, commune.commune)
        currentCount.bind(2, status.rawValue)
        return try count(currentCount)
    }

    func eventsByKind(_ commune: CommuneRef, _ range: DayRange) throws -> KindCounts {
        eventsByKind.bind(1, commune.commune)
        eventsByKind.bind(2, range.start.rawValue)
        eventsByKind.bind(3, range.end.rawValue)
        defer { eventsByKind.reset() }
        var out = KindCounts()
        while try eventsByKind.step() {
            let kind = eventsByKind.int(0)
            if kind > 0 && kind < out.counts.count { out.counts[kind] = eventsByKind.int(1) }
        }
        return out
    }

    func personsOn(_ status: Status, _ commune: CommuneRef, _ day: Day) throws -> Int {
        personsOn.bind(1, status.rawValue)
        personsOn.bind(2, commune.commune)
        personsOn.bind(3, day.rawValue)
        return try count(personsOn)
    }

    func entries(_ status: Status, _ commune: CommuneRef, _ range: DayRange) throws -> Int {
        entries.bind(1, status.rawValue)
        entries.bind(2, commune.commune)
        entries.bind(3, range.start.rawValue)
        entries.bind(4, range.end.rawValue)
        return try count(entries)
    }

    func scan(occupation: String, bornBefore cutoff: Day) throws -> Int {
        scan.bind(1, occupation)
        scan.bind(2, cutoff.rawValue)
        return try count(scan)
    }

    func history(id: RecordID) throws -> [IntervalFacts] {
        history.bind(1, Int64(bitPattern: id))
        defer { history.reset() }
        var out: [IntervalFacts] = []
        while try history.step() {
            out.append(IntervalFacts(status: history.int(0), commune: Int32(history.int(1)), start: Int32(history.int(2)),
                                     end: history.int64(3), endsByTerm: history.int(4) != 0))
        }
        return out
    }
}
