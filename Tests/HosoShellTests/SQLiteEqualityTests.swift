import CSQLite
import Foundation
import HosoDomain
@testable import HosoShell
import HosoStore
import Testing

/// The answers of the shell's SQL are SQLite's: the test tenant is exported with the domain's
/// export drivers, read back with its import reader, and loaded into plain SQLite tables in a
/// separate in-memory database (no virtual table, no Hoso code in the query path). A few hundred
/// statements — joins, CTEs (recursive too), windows, aggregates, NULLs, dates, LIKE, ORDER BY
/// with ties broken, and the statements Hoso's fast path answers — run in both; the results
/// must be equal. The statements are drawn from a fixed seed, printed on a mismatch.
///
/// Oracle: plain SQLite over the exported data. Its derived columns (status and commune on the
/// current day, the status history) come from the records read back from the export, through
/// the domain's record functions, not through the virtual tables or their index pushdown.
@Suite struct SQLiteEqualityTests {
    static let seed: UInt64 = 20_251_210

    /// A plain SQLite database holding the exported tenant.
    final class Oracle {
        let db: OpaquePointer
        var collation: NameCollation?
        /// Plain SQLite with the shell's definitions of name order and LIKE (ignoring case and
        /// diacritics), which the shell's LIKE and ORDER BY tests check against brute force.
        init() throws {
            var h: OpaquePointer?
            guard sqlite3_open(":memory:", &h) == SQLITE_OK, let h else { throw QueryError("oracle: cannot open", location: nil) }
            db = h
            collation = NameCollation.register(on: h)
            sqlite3_create_function_v2(h, "like", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, { ctx, _, argv in
                let p = SQLEngine.value(argv![0]), v = SQLEngine.value(argv![1])
                guard p != .null, v != .null else { sqlite3_result_null(ctx); return }
                sqlite3_result_int(ctx, LikePattern(folded: Gazetteer.fold(p.text)).matches(folded: Gazetteer.fold(v.text)) ? 1 : 0)
            }, nil, nil, nil)
        }
        deinit { sqlite3_close(db) }

        func exec(_ sql: String) throws {
            var err: UnsafeMutablePointer<CChar>?
            guard sqlite3_exec(db, sql, nil, nil, &err) == SQLITE_OK else {
                let m = err.map { String(cString: $0) } ?? "?"; sqlite3_free(err)
                throw QueryError("oracle: \(m) in \(sql.prefix(200))", location: nil)
            }
        }

        func insert(_ table: String, _ rows: [[Value]]) throws {
            guard let width = rows.first?.count else { return }
            var s: OpaquePointer?
            let sql = "INSERT INTO \(table) VALUES (" + Array(repeating: "?", count: width).joined(separator: ",") + ")"
            guard sqlite3_prepare_v2(db, sql, -1, &s, nil) == SQLITE_OK else { throw QueryError("oracle: prepare \(sql)", location: nil) }
            defer { sqlite3_finalize(s) }
            for row in rows {
                sqlite3_reset(s)
                for (i, v) in row.enumerated() {
                    let n = Int32(i + 1)
                    switch v {
                    case .null: sqlite3_bind_null(s, n)
                    case .int(let x): sqlite3_bind_int64(s, n, x)
                    case .real(let x): sqlite3_bind_double(s, n, x)
                    case .bool(let b): sqlite3_bind_int64(s, n, b ? 1 : 0)
                    case .date(let d): sqlite3_bind_text(s, n, d.description, -1, hoso_sqlite_transient())
                    case .text(let t): sqlite3_bind_text(s, n, t, -1, hoso_sqlite_transient())
                    }
                }
                guard sqlite3_step(s) == SQLITE_DONE else { throw QueryError("oracle: insert into \(table): \(String(cString: sqlite3_errmsg(db)))", location: nil) }
            }
        }

        func query(_ sql: String) throws -> [[Value]] {
            var s: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &s, nil) == SQLITE_OK, let s else {
                throw QueryError("oracle: \(String(cString: sqlite3_errmsg(db)))", location: nil)
            }
            defer { sqlite3_finalize(s) }
            var rows: [[Value]] = []
            while true {
                let rc = sqlite3_step(s)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else { throw QueryError("oracle: \(String(cString: sqlite3_errmsg(db)))", location: nil) }
                rows.append((0..<sqlite3_column_count(s)).map { SQLEngine.column(s, $0) })
            }
            return rows
        }
    }

    /// The fixture's tenant through export → import, loaded into the oracle.
    static func oracle(_ f: Fixture) throws -> Oracle {
        let dir = NSTemporaryDirectory() + "hoso-sql-equality-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var stored: [Person] = [], storedEvents: [CaseEvent] = []
        try f.program.persons(from: .all) { stored.append($0); return true }
        try f.program.events(from: .all) { storedEvents.append($0); return true }
        try PersonWriter.export(stored, to: dir + "/persons.csv", format: .csv)
        try CaseEventWriter.export(storedEvents, to: dir + "/events.csv", format: .csv)
        var rejects: [RowError] = []
        let persons = Array(try ImportReader.persons(at: dir + "/persons.csv", format: .csv, provinceCode: f.context.province)
            .prepared(by: f.program).values { rejects.append($0) })
        let events = Array(try ImportReader.caseEvents(at: dir + "/events.csv", format: .csv, provinceCode: f.context.province)
            .prepared(by: f.program).values { rejects.append($0) })
        #expect(rejects.isEmpty, "export → import rejected rows: \(rejects.prefix(3))")
        #expect(persons.count == stored.count && events.count == storedEvents.count)

        let o = try Oracle()
        for t in SQLTables.all { try o.exec(t.ddl()) }
        let today = f.context.today
        let names = f.context.communes
        func t(_ s: String?) -> Value { s.map { $0.isEmpty ? .null : .text($0) } ?? .null }
        func d(_ x: Day?) -> Value { x.map { .text($0.description) } ?? .null }
        func i<T: BinaryInteger>(_ x: T?) -> Value { x.map { .int(Int64($0)) } ?? .null }
        func b(_ x: Bool) -> Value { .int(x ? 1 : 0) }
        try o.insert("persons", persons.map { p in
            let c = p.commune(on: today)
            return [i(p.id), .text(p.fullName), d(p.birthDate), .text(p.sex.code), t(p.nationalID), i(c.commune), .text(names.name(of: c.commune)),
                    i(c.province), t(p.village), i(p.permanentCommune?.commune), t(p.permanentVillage), t(p.occupation),
                    p.drugs.isEmpty ? .null : .text(p.drugs.joined(separator: ";")), .text(p.status(on: today).code), d(p.fileOpened),
                    b(p.notPresent), b(p.fromAnotherLocality), b(p.events.contains { $0.kind == .psychosisEpisode }), b(p.isMinor(on: today))]
        })
        try o.insert("person_drugs", persons.flatMap { p in p.drugs.enumerated().map { [i(p.id), i($0 + 1), .text($1)] } })
        try o.insert("person_events", persons.flatMap { p in p.events.map { e in
            [i(p.id), i(e.sequence), d(e.date), .text(e.kind.code), t(e.outcome?.code), t(e.program?.code), i(e.termMonths), i(e.commune?.commune),
             e.commune.map { .text(names.name(of: $0.commune)) } ?? .null, t(e.carriedStatus?.code), d(e.carriedTermEnd), i(e.voids), t(e.note)]
        } })
        try o.insert("status_history", persons.flatMap { p in p.history.map { h in
            [i(p.id), .text(h.status.code), i(h.commune.commune), .text(names.name(of: h.commune.commune)), d(h.start), d(h.end), b(h.endsByTerm)]
        } })
        try o.insert("events", events.map { e in
            [i(e.id), .text(e.kind.code), i(e.commune.commune), .text(names.name(of: e.commune.commune)), i(e.commune.province), d(e.date),
             i(e.offenceArticle), t(e.stage?.code), i(e.arrested), i(e.areaM2), i(e.plants), i(e.quantity), t(e.tipOutcome?.code), d(e.resolvedDate),
             b(e.mobileTrial), e.personIDs.isEmpty ? .null : .text(e.personIDs.map(String.init).joined(separator: ";")), t(e.note)]
        })
        try o.insert("event_persons", events.flatMap { e in e.personIDs.enumerated().map { [i(e.id), i($1), i($0 + 1)] } })
        let targets = try f.program.targetBook().targets
        try o.insert("communes", names.entries.map { c in
            [i(c.ref.commune), .text(c.name), .text(c.type), c.ref.district == 0 ? .null : i(c.ref.district), i(c.ref.province),
             i(f.program.settings.populations[today.year]?[c.ref.commune]),
             t(targets.filter { $0.communes.contains(c.ref.commune) || $0.commune == c.ref.commune }.map(\.name).joined(separator: "; "))]
        })
        try o.insert("status_changes", persons.flatMap { p in p.statusChanges.map { c in
            [i(c.personID), d(c.date), .text(c.direction.code), .text(c.status.code), i(c.commune.commune), .text(names.name(of: c.commune.commune)),
             .text(c.cause.code), t(c.event?.code), i(c.eventSequence), i(c.otherCommune?.commune), b(c.counts(atDepth: 1))]
        } })
        try o.insert("overdue", events.filter { $0.isOverdue(on: today) }.map { e in
            [i(e.id), .text(e.kind.code), i(e.commune.commune), .text(names.name(of: e.commune.commune)), d(e.date), d(e.deadline), i(e.extensions),
             d(e.resolvedDate), e.deadline.map { .int(Int64(today.rawValue - $0.rawValue)) } ?? .null]
        })
        try o.insert("commune_population", f.program.settings.populations.sorted { $0.key < $1.key }.flatMap { year, table in
            table.sorted { $0.key < $1.key }.map { [i($0.key), .text(names.name(of: $0.key)), i(year), i($0.value)] }
        })
        return o
    }

    /// A statement for the shell, the oracle's equivalent (nil: the same text), and whether
    /// Hoso's fast path must answer it.
    struct Case: CustomStringConvertible {
        var shell: String
        var oracle: String?
        var fastPath = false
        var description: String { shell }
    }

    /// The statements, from a fixed seed.
    static func cases(_ f: Fixture) -> [Case] {
        var rng = SplitMix(seed: seed)
        let communes = f.context.communes.entries
        let statuses = ["addict", "illegal_user", "post_rehab", "methadone", "voluntary_rehab", "compulsory_rehab", "none", "deceased"]
        let kinds = CaseEvent.Kind.allCases.map(\.code)
        var out: [Case] = [
            // Joins of every kind.
            Case(shell: "SELECT p.id, p.full_name, h.status, h.start, h.\"end\" FROM persons p JOIN status_history h ON h.person_id = p.id WHERE p.id < 40 ORDER BY p.id, h.start, h.status"),
            Case(shell: "SELECT c.name, COUNT(p.id) FROM communes c LEFT JOIN persons p ON p.commune = c.code AND p.status = 'addict' GROUP BY c.code ORDER BY c.code"),
            Case(shell: "SELECT c.code, COUNT(e.id) FROM communes c LEFT JOIN events e ON e.commune = c.code AND e.kind = 'hotspot' GROUP BY c.code ORDER BY 2 DESC, 1"),
            Case(shell: "SELECT e.id, ep.person_id, p.full_name FROM events e JOIN event_persons ep ON ep.event_id = e.id JOIN persons p ON p.id = ep.person_id WHERE e.kind = 'drug_case' ORDER BY e.id, ep.position LIMIT 200"),
            Case(shell: "SELECT p.id, d.drug FROM persons p CROSS JOIN person_drugs d WHERE d.person_id = p.id AND p.id BETWEEN 100 AND 300 ORDER BY p.id, d.position"),
            Case(shell: "SELECT a.id, b.id FROM persons a JOIN persons b ON a.national_id = b.national_id AND a.id < b.id"),
            Case(shell: "SELECT COUNT(*) FROM persons p WHERE NOT EXISTS (SELECT 1 FROM person_events pe WHERE pe.person_id = p.id)"),
            Case(shell: "SELECT COUNT(*) FROM events WHERE id IN (SELECT event_id FROM event_persons)"),
            Case(shell: "SELECT p.id FROM persons p WHERE p.id IN (SELECT person_id FROM status_history WHERE status = 'methadone') ORDER BY 1"),
            Case(shell: "SELECT x.kind, x.n FROM (SELECT kind, COUNT(*) n FROM events GROUP BY kind) x WHERE x.n > 100 ORDER BY x.n DESC, x.kind"),
            Case(shell: "SELECT p.status, pe.kind, COUNT(*) FROM persons p JOIN person_events pe ON pe.person_id = p.id GROUP BY 1, 2 ORDER BY 1, 2"),
            Case(shell: "SELECT c.name, cp.year, cp.population FROM communes c LEFT JOIN commune_population cp ON cp.commune = c.code ORDER BY c.code, cp.year"),
            // CTEs, recursive too.
            Case(shell: "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 12) SELECT x, (SELECT COUNT(*) FROM events WHERE CAST(strftime('%m', date) AS INTEGER) = x) FROM n ORDER BY x"),
            Case(shell: "WITH RECURSIVE y(v) AS (SELECT 2023 UNION ALL SELECT v + 1 FROM y WHERE v < 2026) SELECT v, (SELECT COUNT(*) FROM status_history WHERE substr(start, 1, 4) = CAST(v AS TEXT) AND status = 'addict') FROM y"),
            Case(shell: "WITH a AS (SELECT commune, COUNT(*) n FROM persons GROUP BY commune), b AS (SELECT commune, COUNT(*) m FROM events GROUP BY commune) SELECT a.commune, a.n, b.m FROM a LEFT JOIN b USING (commune) ORDER BY a.commune"),
            Case(shell: "WITH firsts AS (SELECT person_id, MIN(start) s FROM status_history WHERE status <> 'none' GROUP BY person_id) SELECT substr(s, 1, 7) m, COUNT(*) FROM firsts GROUP BY m ORDER BY m"),
            // Windows.
            Case(shell: "SELECT id, commune, date, ROW_NUMBER() OVER (PARTITION BY commune ORDER BY date, id) rn FROM events WHERE kind = 'tip' ORDER BY commune, rn LIMIT 300"),
            Case(shell: "SELECT person_id, start, status, LAG(status) OVER (PARTITION BY person_id ORDER BY start, status) FROM status_history WHERE person_id < 200 ORDER BY person_id, start, status"),
            Case(shell: "SELECT commune, kind, n, RANK() OVER (PARTITION BY commune ORDER BY n DESC) FROM (SELECT commune, kind, COUNT(*) n FROM events GROUP BY 1, 2) ORDER BY commune, 4, kind"),
            Case(shell: "SELECT substr(date, 1, 7) m, COUNT(*), SUM(COUNT(*)) OVER (ORDER BY substr(date, 1, 7)) FROM events GROUP BY m ORDER BY m"),
            Case(shell: "SELECT id, plants, AVG(plants) OVER (ORDER BY date, id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM events WHERE kind = 'cultivation' ORDER BY date, id"),
            Case(shell: "SELECT commune, NTILE(4) OVER (ORDER BY commune) q, COUNT(*) OVER (PARTITION BY commune) FROM persons ORDER BY commune, id LIMIT 100"),
            // Aggregates, HAVING, DISTINCT, CASE, arithmetic.
            Case(shell: "SELECT kind, COUNT(*), MIN(date), MAX(date), SUM(arrested), AVG(quantity), TOTAL(plants) FROM events GROUP BY kind ORDER BY kind"),
            Case(shell: "SELECT commune, COUNT(*) FROM persons GROUP BY commune HAVING COUNT(*) > 40 ORDER BY 2 DESC, 1"),
            Case(shell: "SELECT COUNT(DISTINCT status), COUNT(DISTINCT commune), COUNT(national_id), COUNT(*) FROM persons"),
            Case(shell: "SELECT DISTINCT sex FROM persons ORDER BY 1"),
            Case(shell: "SELECT group_concat(DISTINCT kind) FROM (SELECT kind FROM events ORDER BY kind)"),
            Case(shell: "SELECT CASE WHEN plants > 1000 THEN 'big' WHEN plants > 0 THEN 'small' ELSE 'none' END k, COUNT(*) FROM events GROUP BY k ORDER BY k"),
            Case(shell: "SELECT id, area_m2 * 2 + plants / 3, quantity % 7, -arrested FROM events WHERE kind IN ('cultivation', 'propaganda') ORDER BY id LIMIT 150"),
            Case(shell: "SELECT status, SUM(minor), SUM(psychosis), SUM(not_present), SUM(from_another_locality) FROM persons GROUP BY status ORDER BY status"),
            Case(shell: "SELECT stage, COUNT(*) FROM events WHERE kind = 'drug_case' GROUP BY stage ORDER BY stage"),
            Case(shell: "SELECT offence_article, COUNT(*), SUM(mobile_trial) FROM events WHERE offence_article IS NOT NULL GROUP BY 1 ORDER BY 1"),
            // NULLs.
            Case(shell: "SELECT COUNT(*), COUNT(resolved_date), COUNT(tip_outcome), COUNT(note) FROM events"),
            Case(shell: "SELECT COUNT(*) FROM persons WHERE national_id IS NULL OR village IS NULL"),
            Case(shell: "SELECT COALESCE(tip_outcome, '(none)'), COUNT(*) FROM events GROUP BY 1 ORDER BY 1"),
            Case(shell: "SELECT COUNT(*) FROM status_history WHERE \"end\" IS NULL"),
            Case(shell: "SELECT IFNULL(occupation, '?') o, COUNT(*) FROM persons GROUP BY o ORDER BY 2 DESC, 1 LIMIT 10"),
            Case(shell: "SELECT NULLIF(arrested, 0) FROM events WHERE kind = 'drug_case' ORDER BY id LIMIT 50"),
            // Dates and date arithmetic.
            Case(shell: "SELECT id, date, resolved_date, julianday(resolved_date) - julianday(date) FROM events WHERE kind = 'tip' AND resolved_date > date(date, '+20 days') ORDER BY id"),
            Case(shell: "SELECT COUNT(*) FROM events WHERE resolved_date IS NULL AND kind = 'tip' AND date < date('2026-03-15', '-20 days')"),
            Case(shell: "SELECT strftime('%Y', date) y, COUNT(*) FROM events GROUP BY y ORDER BY y"),
            Case(shell: "SELECT id, birth_date, CAST((julianday('2026-03-15') - julianday(birth_date)) / 365.25 AS INTEGER) age FROM persons WHERE birth_date IS NOT NULL ORDER BY age DESC, id LIMIT 30"),
            Case(shell: "SELECT strftime('%w', date) wd, COUNT(*) FROM events GROUP BY wd ORDER BY wd"),
            Case(shell: "SELECT COUNT(*) FROM status_history WHERE \"end\" IS NOT NULL AND julianday(\"end\") - julianday(start) > 365"),
            // LIKE, string functions.
            Case(shell: "SELECT id, full_name FROM persons WHERE full_name LIKE 'Nguyễn%' ORDER BY id LIMIT 100"),
            Case(shell: "SELECT COUNT(*) FROM persons WHERE full_name LIKE '%văn%'"),
            Case(shell: "SELECT upper(substr(full_name, 1, 1)), COUNT(*) FROM persons GROUP BY 1 ORDER BY 2 DESC, 1"),
            Case(shell: "SELECT length(full_name), COUNT(*) FROM persons GROUP BY 1 ORDER BY 1"),
            Case(shell: "SELECT name, instr(name, ' '), replace(name, 'Xã ', '') FROM communes ORDER BY code"),
            Case(shell: "SELECT COUNT(*) FROM events WHERE note LIKE '%a%' OR note GLOB '*[0-9]*'"),
            Case(shell: "SELECT drug, COUNT(*) FROM person_drugs GROUP BY drug ORDER BY 2 DESC, 1"),
            Case(shell: "SELECT kind, outcome, program, COUNT(*) FROM person_events GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"),
            // Set operations, scalar subqueries, ORDER BY on names with ties broken.
            Case(shell: "SELECT person_id FROM event_persons UNION SELECT person_id FROM person_drugs ORDER BY 1 LIMIT 100"),
            Case(shell: "SELECT commune FROM persons INTERSECT SELECT commune FROM events ORDER BY 1"),
            Case(shell: "SELECT code FROM communes EXCEPT SELECT commune FROM persons WHERE status = 'addict' ORDER BY 1"),
            Case(shell: "SELECT id, commune_name, date FROM events ORDER BY commune_name, date, id LIMIT 200"),
            Case(shell: "SELECT id, full_name FROM persons ORDER BY full_name DESC, id LIMIT 120"),
            Case(shell: "SELECT (SELECT COUNT(*) FROM persons) - (SELECT COUNT(*) FROM persons WHERE status = 'none')"),
            // Status changes and deadlines.
            Case(shell: "SELECT cause, direction, COUNT(*) FROM status_changes GROUP BY 1, 2 ORDER BY 1, 2"),
            Case(shell: "SELECT c.commune, COUNT(*) FROM status_changes c WHERE c.date BETWEEN '2025-01-01' AND '2025-06-30' AND c.cause = 'new' GROUP BY 1 ORDER BY 1"),
            Case(shell: "SELECT s.person_id, s.date, s.status, p.full_name FROM status_changes s JOIN persons p ON p.id = s.person_id WHERE s.cause IN ('arrived', 'moved_away') ORDER BY 1, 2, 3, s.direction"),
            Case(shell: "SELECT o.kind, COUNT(*), MAX(o.days_overdue) FROM overdue o GROUP BY 1 ORDER BY 1"),
            Case(shell: "SELECT c.name, COUNT(o.id) FROM communes c LEFT JOIN overdue o ON o.commune = c.code AND o.kind = 'hotspot' GROUP BY c.code ORDER BY c.code"),
        ]
        // Index-pushed statements with random keys: ids, national ids, communes, statuses, kinds, dates.
        for _ in 0..<40 {
            let c = communes[Int(rng.next() % UInt64(communes.count))]
            let s = statuses[Int(rng.next() % UInt64(statuses.count))]
            let k = kinds[Int(rng.next() % UInt64(kinds.count))]
            let y = 2023 + Int(rng.next() % 4), m = 1 + Int(rng.next() % 12)
            let from = String(format: "%04d-%02d-%02d", y, m, 1 + Int(rng.next() % 28))
            let id = 1 + Int(rng.next() % 3000)
            let quotedName = c.name.replacingOccurrences(of: "'", with: "''")
            out += [
                Case(shell: "SELECT id, full_name, status, commune FROM persons WHERE status = '\(s)' AND commune = \(c.ref.commune) ORDER BY id"),
                Case(shell: "SELECT id, kind, date FROM events WHERE commune = \(c.ref.commune) AND kind = '\(k)' AND date >= '\(from)' ORDER BY date, id"),
                Case(shell: "SELECT COUNT(*), MIN(id), MAX(id) FROM events WHERE date BETWEEN '\(from)' AND date('\(from)', '+45 days')"),
                Case(shell: "SELECT * FROM persons WHERE id = \(id)"),
                Case(shell: "SELECT p.id, h.status, h.start FROM persons p JOIN status_history h ON h.person_id = p.id WHERE p.commune_name = '\(quotedName)' ORDER BY p.id, h.start, h.status"),
                Case(shell: "SELECT person_id, start FROM status_history WHERE status = '\(s)' AND start >= '\(from)' AND start < date('\(from)', '+3 months') ORDER BY person_id, start"),
                Case(shell: "SELECT e.id, e.date FROM event_persons ep JOIN events e ON e.id = ep.event_id WHERE ep.person_id = \(id) ORDER BY e.id"),
                Case(shell: "SELECT * FROM person_events WHERE person_id IN (\(id), \(id + 1), \(id + 7)) ORDER BY person_id, sequence"),
            ]
        }
        // Hoso's fast path: counts by commune, status, kind and period, AS OF; the oracle asks the plain tables.
        func range(_ p: String, report: Bool) -> (String, String) {
            let r = try! Period.parse(p).range(in: report ? f.context.calendar : .gregorian)
            return (r.start.description, r.last!.description)
        }
        for s in ["addict", "illegal_user", "post_rehab", "methadone"] {
            out.append(Case(shell: "SELECT COUNT(*) FROM persons WHERE status = '\(s)'", fastPath: true))
            out.append(Case(shell: "SELECT commune, COUNT(*) FROM persons WHERE status = '\(s)' GROUP BY commune", fastPath: true))
            for day in ["2024-06-30", "2025-12-10", "2025-01-01"] {
                let onDay = "status_history WHERE status = '\(s)' AND start <= '\(day)' AND (\"end\" IS NULL OR \"end\" > '\(day)')"
                out.append(Case(shell: "SELECT COUNT(*) FROM persons WHERE status = '\(s)' AS OF '\(day)'", oracle: "SELECT COUNT(*) FROM \(onDay)", fastPath: true))
                out.append(Case(shell: "SELECT commune, COUNT(*) FROM persons WHERE status = '\(s)' AS OF '\(day)' GROUP BY commune",
                                oracle: "SELECT commune, COUNT(*) FROM \(onDay) GROUP BY commune", fastPath: true))
                // The same question through SQLite, AS OF passed to the virtual table.
                out.append(Case(shell: "SELECT id FROM persons WHERE status = '\(s)' AS OF '\(day)' ORDER BY id",
                                oracle: "SELECT person_id FROM \(onDay) ORDER BY person_id"))
            }
        }
        out.append(Case(shell: "SELECT status, COUNT(*) FROM persons GROUP BY status", fastPath: true))
        for p in ["2025", "2025-H1", "2025-Q3", "2024-06", "2026-02"] {
            let (a, b) = range(p, report: false)
            out.append(Case(shell: "SELECT kind, COUNT(*) FROM events WHERE date = '\(p)' GROUP BY kind",
                            oracle: "SELECT kind, COUNT(*) FROM events WHERE date BETWEEN '\(a)' AND '\(b)' GROUP BY kind", fastPath: true))
            out.append(Case(shell: "SELECT commune, COUNT(*), SUM(plants) FROM events WHERE kind = 'cultivation' AND date = '\(p)' GROUP BY commune",
                            oracle: "SELECT commune, COUNT(*), SUM(plants) FROM events WHERE kind = 'cultivation' AND date BETWEEN '\(a)' AND '\(b)' GROUP BY commune", fastPath: true))
            // Period literals on the SQLite path (rewritten to in_period).
            out.append(Case(shell: "SELECT e.commune, COUNT(DISTINCT ep.person_id) FROM events e JOIN event_persons ep ON ep.event_id = e.id WHERE e.date = '\(p)' GROUP BY 1 ORDER BY 1",
                            oracle: "SELECT e.commune, COUNT(DISTINCT ep.person_id) FROM events e JOIN event_persons ep ON ep.event_id = e.id WHERE e.date BETWEEN '\(a)' AND '\(b)' GROUP BY 1 ORDER BY 1"))
        }
        for (unit, p) in [("YEAR", "2025"), ("MONTH", "2025-06"), ("QUARTER", "2025-Q3"), ("HALF", "2025-H1")] {
            let (a, b) = range(p, report: true)
            out.append(Case(shell: "SELECT kind, COUNT(*) FROM events WHERE date IN REPORT \(unit) \(p) GROUP BY kind",
                            oracle: "SELECT kind, COUNT(*) FROM events WHERE date BETWEEN '\(a)' AND '\(b)' GROUP BY kind", fastPath: true))
            out.append(Case(shell: "SELECT COUNT(*) FROM status_history WHERE start IN REPORT \(unit) '\(p)' AND status = 'addict' AND commune > 0",
                            oracle: "SELECT COUNT(*) FROM status_history WHERE start BETWEEN '\(a)' AND '\(b)' AND status = 'addict' AND commune > 0"))
            out.append(Case(shell: "SELECT report_year(date), COUNT(*) FROM events WHERE date IN REPORT \(unit) \(p) GROUP BY 1 ORDER BY 1",
                            oracle: "SELECT \(p.prefix(4)), COUNT(*) FROM events WHERE date BETWEEN '\(a)' AND '\(b)' GROUP BY 1 ORDER BY 1"))
        }
        return out
    }

    /// Rows as text, reals to 9 significant digits (SQLite may add in another order).
    static func normalise(_ rows: [[Value]]) -> [String] {
        rows.map { row in
            row.map { v -> String in
                if case .real(let r) = v { return String(format: "%.9g", r) }
                if case .int(let i) = v { return String(i) }
                if case .bool(let b) = v { return b ? "1" : "0" }
                return v == .null ? "NULL" : "'" + v.text + "'"
            }.joined(separator: " | ")
        }
    }

    /// Whether the statement's outermost ORDER BY decides the order of its rows.
    static func ordered(_ sql: String) -> Bool {
        guard let r = sql.range(of: "ORDER BY", options: .backwards) else { return false }
        var depth = 0
        for c in sql[r.upperBound...] { if c == "(" { depth += 1 } else if c == ")" { depth -= 1; if depth < 0 { return false } } }
        return true
    }

    @Test func answersEqualPlainSQLite() throws {
        let f = try Fixture.get()
        let oracle = try Self.oracle(f)
        let session = try f.session()
        let cases = Self.cases(f)
        #expect(cases.count >= 300, "a few hundred statements (\(cases.count))")
        var mismatches = 0, nonEmpty = 0
        defer { #expect(nonEmpty * 4 >= cases.count * 3, "most statements must find rows (\(nonEmpty) of \(cases.count) did)") }
        for c in cases {
            let expected = Self.normalise(try oracle.query(c.oracle ?? c.shell))
            if !expected.isEmpty && expected != ["'0'"] && expected != ["0"] { nonEmpty += 1 }
            let got: [String]
            do { got = Self.normalise(try session.query(c.shell).rows) } catch {
                Issue.record("seed \(Self.seed): the shell failed on\n  \(c.shell)\n  \(error)")
                mismatches += 1
                continue
            }
            if c.fastPath {
                #expect(session.lastEngine == "hoso fast path", "seed \(Self.seed): expected Hoso's fast path to answer\n  \(c.shell)\n  (answered by \(session.lastEngine))")
            }
            let same = Self.ordered(c.oracle ?? c.shell) ? got == expected : got.sorted() == expected.sorted()
            if !same {
                mismatches += 1
                Issue.record("""
                    seed \(Self.seed): results differ for
                      \(c.shell)\(c.oracle.map { "\n  oracle: " + $0 } ?? "")
                      shell (\(got.count) rows): \(got.prefix(8))
                      SQLite (\(expected.count) rows): \(expected.prefix(8))
                    """)
                if mismatches > 10 { return }
            }
        }
    }

    /// The oracle catches a wrong answer: a statement whose shell and oracle texts differ by one
    /// condition is detected (the comparison can fail).
    @Test func comparisonDetectsADifference() throws {
        let f = try Fixture.get()
        let oracle = try Self.oracle(f)
        let shell = Self.normalise(try f.session().query("SELECT id FROM persons WHERE status = 'addict' ORDER BY id").rows)
        let other = Self.normalise(try oracle.query("SELECT id FROM persons WHERE status = 'addict' AND id > (SELECT MIN(id) FROM persons WHERE status = 'addict') ORDER BY id"))
        #expect(!shell.isEmpty && shell != other)
    }
}

