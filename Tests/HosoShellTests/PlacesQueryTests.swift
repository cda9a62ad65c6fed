import Foundation
import HosoDomain
@testable import HosoShell
import HosoStore

import Testing

/// Questions by either hierarchy (issue 13, item 3): a 2025 Lạng Sơn tenant holding 2025 files
/// and a synthetic pre-2025 data set (fixed seed) imported with its old communes, asked with
/// `BY PLACES AS OF` through the shell, against a brute force over the records that places each
/// one with the mapping read from the bundled CSV files (``PlaceHistoryTests``-style, its own
/// parsing): counts from the count indexes, lists, status on a day, case events; misuse errors.
@Suite struct PlacesQueryTests {
    final class Tenant: @unchecked Sendable {
        let store: Store
        let session: ShellSession
        let persons: [Person]
        let events: [CaseEvent]
        let today = Day(year: 2025, month: 12, day: 9)!
        /// The mapping as the CSV files give it: old code → (province, district), new code → old rows.
        let old: [Int32: (province: Int32, district: Int32)]
        let predecessorsOf: [Int32: [Int32]]

        static let shared: Result<Tenant, any Error> = Result { try Tenant() }

        private init() throws {
            let dir = NSTemporaryDirectory() + "hoso-places-query-\(UUID().uuidString)"
            let clock = ManualClock(today)
            store = try Store(directory: dir + "/store", options: .init(today: { clock.day }))
            let data = try SyntheticProvince(provinceCode: 20, persons: 400, events: 300, seed: 77, through: Day(year: 2025, month: 12, day: 1)!)
            let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "ls"), settings: data.settings())
            try program.load(persons: data.persons().map { var p = $0; p.id += 100_000; p.nationalID = nil; return p }, events: data.events().map { var e = $0; e.id += 100_000; e.personIDs = e.personIDs.map { $0 + 100_000 }; return e })
            let oldData = try SyntheticOldProvince(provinceCode: 20, persons: 600, seed: 2024)
            try FileManager.default.createDirectory(atPath: dir + "/old", withIntermediateDirectories: true)
            let summary = try TableTransfer.importFile(try oldData.write(to: dir + "/old"), table: .persons, into: program, places: .before2025)
            guard summary.rejected == 0 else { throw QueryError("the old data was refused: \(summary.text)", location: nil) }
            // Case events naming old communes: whole, split (default and assigned), with district.
            try """
            id,kind,commune_code,district_code,assigned_commune_code,date,plants,area_m2,quantity
            1,tip,5971,178,,2024-03-01,,,
            2,drug_case,6079,,,2024-05-02,,,
            3,drug_case,6079,181,6184,2024-06-03,,,
            4,hotspot,6622,,,2024-07-04,,,
            5,tip,6616,,6613,2025-01-05,,,
            6,cultivation,6079,,,2024-08-01,120,30,
            7,cultivation,6079,,6184,2024-09-01,50,10,
            8,propaganda,5971,,,2024-10-01,,,40
            9,cultivation,5971,178,,2025-02-01,7,2,

            """.write(toFile: dir + "/old/events.csv", atomically: true, encoding: .utf8)
            let e = try TableTransfer.importFile(dir + "/old/events.csv", table: .events, into: program, places: .before2025)
            guard e.loaded == 9 else { throw QueryError("the old events were refused: \(e.text)", location: nil) }
            var persons: [Person] = [], events: [CaseEvent] = []
            _ = try program.read { q in try q.allPersons { persons.append($0); return true } }
            _ = try program.read { q in try q.allEvents { events.append($0); return true } }
            self.persons = persons; self.events = events
            session = try ShellSession(store: store, tenant: "ls")
            var old: [Int32: (Int32, Int32)] = [:]
            for r in try PlaceHistoryRows.rows("vn-communes-2024") { old[Int32(r["commune_code"]!)!] = (Int32(r["province_code"]!)!, Int32(r["district_code"]!)!) }
            var predecessors: [Int32: [Int32]] = [:]
            for r in try PlaceHistoryRows.rows("vn-communes-2024-to-2025") { predecessors[Int32(r["new_commune_code"]!)!, default: []].append(Int32(r["old_commune_code"]!)!) }
            self.old = old.mapValues { (province: $0.0, district: $0.1) }
            predecessorsOf = predecessors
        }

        /// The brute force: (commune code, whether it is an old commune) of a record managed by
        /// `current`, named `named`, placed in `placedIn`, asked by the communes before the reform.
        func then(_ current: CommuneRef, _ named: NamedPlace?, _ placedIn: CommuneRef) -> (Int32, Bool) {
            if let named, current == placedIn { return (named.commune.commune, true) }
            if let p = predecessorsOf[current.commune], p.count == 1 { return (p[0], true) }
            return (current.commune, false)
        }
    }

    func tenant() throws -> Tenant { try Tenant.shared.get() }

    /// Rows as "code|old?|rest…" strings: the shell marks a 2025 commune it cannot place back by its name.
    static func keyed(_ rows: [[Value]], nameAt: Int) -> [String: Int] {
        var out: [String: Int] = [:]
        for r in rows {
            let isNew = r[nameAt].text.contains("(2025 commune, not placed in the old communes)")
            let rest = r.indices.filter { $0 != nameAt }.map { r[$0].text }
            out[([rest[0], isNew ? "new" : "old"] + rest.dropFirst()).joined(separator: "|"), default: 0] += 1
        }
        return out
    }

    @Test func countsByTheOldCommunesEqualABruteForceAndComeFromTheCountIndexes() throws {
        let t = try tenant()
        let sql = "SELECT commune, commune_name, status, COUNT(*) FROM persons GROUP BY commune, status BY PLACES AS OF '2025-03-01'"
        let got = Self.keyed(try t.session.query(sql).rows, nameAt: 1)
        var want: [String: Int] = [:]
        var counts: [String: Int] = [:]
        for p in t.persons {
            let (code, isOld) = t.then(p.commune(on: t.today), p.namedPlace, p.commune)
            counts["\(code)|\(isOld ? "old" : "new")|\(p.status(on: t.today).code)", default: 0] += 1
        }
        for (k, n) in counts { want[k + "|\(n)", default: 0] += 1 }
        #expect(got == want, "\(got.count) rows ≠ \(want.count)")
        #expect(counts.keys.contains { $0.contains("|new|") } && counts.keys.contains { $0.contains("|old|") }, "both kinds of rows are asked")
        let plan = try t.session.query("EXPLAIN " + sql).lines?.joined(separator: "\n") ?? ""
        #expect(plan.contains("person.named_count") && plan.contains("fast path"), "\(plan)")
        // The province total is the same either way.
        let total = try t.session.query("SELECT COUNT(*) FROM persons BY PLACES AS OF '2025-03-01'").rows
        #expect(total.first?.first?.text == String(t.persons.count))
    }

    @Test func fromTheReformOnTheCommunesAreTodays() throws {
        let t = try tenant()
        let plain = bag(try t.session.query("SELECT commune, status, COUNT(*) FROM persons GROUP BY commune, status").rows)
        let after = bag(try t.session.query("SELECT commune, status, COUNT(*) FROM persons GROUP BY commune, status BY PLACES AS OF '2025-07-01'").rows)
        var want: [String: Int] = [:], counts: [String: Int] = [:]
        for p in t.persons { counts["\(p.commune(on: t.today).commune)|\(p.status(on: t.today).code)", default: 0] += 1 }
        for (k, n) in counts { want[k + "|\(n)", default: 0] += 1 }
        #expect(plain == want && after == want)
    }

    @Test func listsAndStatusOnADayNameTheCommunesOfThen() throws {
        let t = try tenant()
        let rows = try t.session.query("SELECT id, commune, commune_name FROM persons BY PLACES AS OF '2025-03-01'").rows
        #expect(rows.count == t.persons.count)
        let byID = Dictionary(uniqueKeysWithValues: t.persons.map { ($0.id, $0) })
        var wrong: [String] = []
        for r in rows {
            guard case .int(let id) = r[0], let p = byID[RecordID(id)] else { wrong.append("\(r)"); continue }
            let (code, isOld) = t.then(p.commune(on: t.today), p.namedPlace, p.commune)
            if r[1].text != String(code) || r[2].text.contains("(2025 commune") == isOld { wrong.append("person \(id): \(r.map(\.text)), want \(code) \(isOld ? "old" : "new")") }
        }
        #expect(wrong.isEmpty, "\(wrong.count) rows differ: \(wrong.prefix(3))")
        let day = Day(year: 2025, month: 3, day: 1)!
        let sql = "SELECT commune, commune_name, COUNT(*) FROM persons WHERE status = 'illegal_user' AS OF '2025-03-01' GROUP BY commune BY PLACES AS OF '2025-03-01'"
        let got = Self.keyed(try t.session.query(sql).rows, nameAt: 1)
        var counts: [String: Int] = [:], want: [String: Int] = [:]
        for p in t.persons where p.status(on: day) == .illegalUser {
            let (code, isOld) = t.then(p.commune(on: day), p.namedPlace, p.commune)
            counts["\(code)|\(isOld ? "old" : "new")", default: 0] += 1
        }
        for (k, n) in counts { want[k + "|\(n)", default: 0] += 1 }
        #expect(!counts.isEmpty && got == want, "\(got) ≠ \(want)")
    }

    /// In a status on a day by the old communes: the running count indexes `commune_flow` and
    /// `named_flow` (no record read), equal to the brute force over the records and to the same
    /// question read row by row (a condition the indexes do not take forces the rows).
    @Test(arguments: ["2024-12-10", "2023-07-01", "2025-06-30", "2025-11-20"])
    func statusOnADayByTheOldCommunesComesFromTheFlowIndexes(asOf: String) throws {
        let t = try tenant()
        let day = try Day.parse(asOf)
        let statuses: [Status] = [.addict, .illegalUser, .postRehab]
        let list = statuses.map { "'\($0.code)'" }.joined(separator: ", ")
        let sql = "SELECT commune, commune_name, status, COUNT(*) FROM persons WHERE status IN (\(list)) AS OF '\(asOf)' GROUP BY commune, status BY PLACES AS OF '2024-12-10'"
        let got = Self.keyed(try t.session.query(sql).rows, nameAt: 1)
        var counts: [String: Int] = [:], want: [String: Int] = [:]
        for p in t.persons where statuses.contains(p.status(on: day)) {
            let (code, isOld) = t.then(p.commune(on: day), p.namedPlace, p.commune)
            counts["\(code)|\(isOld ? "old" : "new")|\(p.status(on: day).code)", default: 0] += 1
        }
        for (k, n) in counts { want[k + "|\(n)", default: 0] += 1 }
        #expect(!counts.isEmpty && got == want, "AS OF \(asOf): \(got.count) rows ≠ \(want.count)")
        #expect(counts.keys.contains { $0.contains("|old|") }, "AS OF \(asOf): old communes asked")
        let rowByRow = Self.keyed(try t.session.query(sql.replacingOccurrences(of: ") AS OF", with: ") AND id >= 0 AS OF")).rows, nameAt: 1)
        #expect(rowByRow == got, "AS OF \(asOf): read row by row")
        let plan = try t.session.query("EXPLAIN " + sql).lines?.joined(separator: "\n") ?? ""
        #expect(plan.contains("person.commune_flow") && plan.contains("person.named_flow") && plan.contains("no record read") && plan.contains("fast path"), "\(plan)")
        let scan = try t.session.query("EXPLAIN " + sql.replacingOccurrences(of: ") AS OF", with: ") AND id >= 0 AS OF")).lines?.joined(separator: "\n") ?? ""
        #expect(!scan.contains("person.named_flow"), "\(scan)")
        // The brief's question, by commune alone.
        let one = "SELECT commune, COUNT(*) FROM persons WHERE status = 'addict' AS OF '\(asOf)' GROUP BY commune BY PLACES AS OF '\(asOf)'"
        let total = try t.session.query(one).rows.reduce(0) { $0 + Int($1.last!.text)! }
        #expect(total == t.persons.filter { $0.status(on: day) == .addict }.count, "AS OF \(asOf)")
    }

    @Test func caseEventsByTheOldCommunes() throws {
        let t = try tenant()
        let got = Self.keyed(try t.session.query("SELECT commune, commune_name, kind, COUNT(*) FROM events GROUP BY commune, kind BY PLACES AS OF '2025-03-01'").rows, nameAt: 1)
        var counts: [String: Int] = [:], want: [String: Int] = [:]
        for e in t.events {
            let (code, isOld) = t.then(e.commune, e.namedPlace, e.commune)
            counts["\(code)|\(isOld ? "old" : "new")|\(e.kind.code)", default: 0] += 1
        }
        for (k, n) in counts { want[k + "|\(n)", default: 0] += 1 }
        #expect(got == want, "\(got.count) rows ≠ \(want.count)")
        let plan = try t.session.query("EXPLAIN SELECT commune, kind, COUNT(*) FROM events GROUP BY commune, kind BY PLACES AS OF '2025-03-01'").lines?.joined(separator: "\n") ?? ""
        #expect(plan.contains("event.named_per_day") && plan.contains("no record read") && plan.contains("fast path"), "\(plan)")
        // The split commune's events: 6079 by default (its primary), 6184 assigned; both named 6079 then.
        let named = try t.session.query("SELECT id, commune FROM events WHERE id IN (2, 3) ORDER BY id BY PLACES AS OF '2025-03-01'").rows.map { $0.map(\.text) }
        let now = try t.session.query("SELECT id, commune FROM events WHERE id IN (2, 3) ORDER BY id").rows.map { $0.map(\.text) }
        #expect(named == [["2", "6079"], ["3", "6079"]] && now == [["2", "6079"], ["3", "6184"]], "\(named) \(now)")
    }

    /// Events per kind in a period by the old communes: the dated count indexes (no record
    /// read), equal to the brute force and to the same question read row by row.
    @Test(arguments: [("2024-01-01", "2024-06-30"), ("2024-05-02", "2024-05-02"), ("2023-12-10", "2025-12-09"), ("2025-07-01", "2025-12-31")])
    func eventsInAPeriodByTheOldCommunesComeFromTheDatedIndexes(from: String, through: String) throws {
        let t = try tenant()
        let range = DayRange(from: try Day.parse(from), through: try Day.parse(through))
        let sql = "SELECT commune, commune_name, kind, COUNT(*) FROM events WHERE date BETWEEN '\(from)' AND '\(through)' AND kind IN ('tip', 'drug_case', 'hotspot') GROUP BY commune, kind BY PLACES AS OF '2024-12-10'"
        let got = Self.keyed(try t.session.query(sql).rows, nameAt: 1)
        var counts: [String: Int] = [:], want: [String: Int] = [:]
        for e in t.events where range.contains(e.date) && [.tip, .drugCase, .hotspot].contains(e.kind) {
            let (code, isOld) = t.then(e.commune, e.namedPlace, e.commune)
            counts["\(code)|\(isOld ? "old" : "new")|\(e.kind.code)", default: 0] += 1
        }
        for (k, n) in counts { want[k + "|\(n)", default: 0] += 1 }
        #expect(got == want, "\(from)…\(through): \(got.count) rows ≠ \(want.count)")
        let rows = sql.replacingOccurrences(of: "'hotspot')", with: "'hotspot') AND id >= 0")
        #expect(Self.keyed(try t.session.query(rows).rows, nameAt: 1) == got, "\(from)…\(through): read row by row")
        let plan = try t.session.query("EXPLAIN " + sql).lines?.joined(separator: "\n") ?? ""
        #expect(plan.contains("event.named_per_day") && plan.contains("no record read"), "\(plan)")
    }

    /// Sums of events' amounts by the old communes in a period: the dated sum indexes (no record
    /// read), equal to the brute force and to the same question read row by row.
    @Test(arguments: [("2024-01-01", "2024-12-31"), ("2024-08-01", "2024-08-01"), ("2023-12-10", "2025-12-09"), ("2025-07-01", "2025-12-31")])
    func sumsOfAmountsByTheOldCommunesComeFromTheDatedIndexes(from: String, through: String) throws {
        let t = try tenant()
        let range = DayRange(from: try Day.parse(from), through: try Day.parse(through))
        let sql = "SELECT commune, commune_name, kind, COUNT(*), SUM(plants), SUM(area_m2), SUM(quantity) FROM events WHERE date BETWEEN '\(from)' AND '\(through)' GROUP BY commune, kind BY PLACES AS OF '2024-12-10'"
        var sums: [String: [Int]] = [:]
        for e in t.events where range.contains(e.date) {
            let (code, isOld) = t.then(e.commune, e.namedPlace, e.commune)
            let k = "\(code)|\(isOld ? "old" : "new")|\(e.kind.code)"
            var v = sums[k] ?? [0, 0, 0, 0]
            v[0] += 1; v[1] += e.plants; v[2] += e.areaM2; v[3] += e.quantity
            sums[k] = v
        }
        var want: [String: Int] = [:]
        for (k, v) in sums { want[k + "|" + v.map(String.init).joined(separator: "|"), default: 0] += 1 }
        let got = Self.keyed(try t.session.query(sql).rows, nameAt: 1)
        #expect(got == want, "\(from)…\(through): \(got.count) rows ≠ \(want.count): \(got.keys.sorted().prefix(4)) vs \(want.keys.sorted().prefix(4))")
        #expect(sums.keys.contains { $0.hasPrefix("6079|old|cultivation") } || !range.contains(Day(year: 2024, month: 8, day: 1)!), "the old cultivation events are counted")
        let rows = sql.replacingOccurrences(of: "' GROUP BY", with: "' AND id >= 0 GROUP BY")
        #expect(Self.keyed(try t.session.query(rows).rows, nameAt: 1) == got, "\(from)…\(through): read row by row")
        let plan = try t.session.query("EXPLAIN " + sql).lines?.joined(separator: "\n") ?? ""
        #expect(plan.contains("event.named_amounts_per_day") && plan.contains("no record read"), "\(plan)")
        // By commune only: the kinds' sums added up.
        let plants = try t.session.query("SELECT commune, SUM(plants) FROM events WHERE kind = 'cultivation' AND date BETWEEN '\(from)' AND '\(through)' GROUP BY commune BY PLACES AS OF '2024-12-10'").rows
        var byCommune: [Int32: Int] = [:]
        for e in t.events where range.contains(e.date) && e.kind == .cultivation { byCommune[t.then(e.commune, e.namedPlace, e.commune).0, default: 0] += e.plants }
        #expect(Dictionary(plants.map { (Int32($0[0].text)!, Int($0[1].text)!) }, uniquingKeysWith: +) == byCommune, "\(from)…\(through): plants by commune")
    }

    /// Status changes by the old communes: each change of a file in the commune it was placed
    /// in under the old commune it named, read through `status_change` (a period) or a scan.
    @Test func statusChangesByTheOldCommunes() throws {
        let t = try tenant()
        let range = DayRange(from: Day(year: 2023, month: 6, day: 1)!, through: Day(year: 2025, month: 6, day: 30)!)
        let sql = "SELECT commune, commune_name, status, direction, cause, COUNT(*) FROM status_changes WHERE date BETWEEN '2023-06-01' AND '2025-06-30' GROUP BY commune, status, direction, cause BY PLACES AS OF '2025-03-01'"
        let got = Self.keyed(try t.session.query(sql).rows, nameAt: 1)
        var counts: [String: Int] = [:], want: [String: Int] = [:]
        for p in t.persons {
            for c in p.statusChanges where range.contains(c.date) {
                let (code, isOld) = t.then(c.commune, p.namedPlace, p.commune)
                counts["\(code)|\(isOld ? "old" : "new")|\(c.status.code)|\(c.direction.code)|\(c.cause.code)", default: 0] += 1
            }
        }
        for (k, n) in counts { want[k + "|\(n)", default: 0] += 1 }
        #expect(counts.keys.contains { $0.contains("|old|") } && got == want, "\(got.count) rows ≠ \(want.count)")
        let plan = try t.session.query("EXPLAIN " + sql).lines?.joined(separator: "\n") ?? ""
        #expect(plan.contains("person.named_changes") && plan.contains("no record read") && plan.contains("fast path"), "\(plan)")
        // A scan names the same communes as the index.
        let scan = sql.replacingOccurrences(of: "WHERE date BETWEEN '2023-06-01' AND '2025-06-30'", with: "WHERE (date BETWEEN '2023-06-01' AND '2025-06-30' OR person_id < 0)")
        let scanPlan = try t.session.query("EXPLAIN " + scan).lines?.joined(separator: "\n") ?? ""
        #expect(scanPlan.contains("full scan of status_changes"), "\(scanPlan)")
        #expect(Self.keyed(try t.session.query(scan).rows, nameAt: 1) == got)
        // Conditions on the keys are applied to the counted keys; the same read row by row.
        let entries = "SELECT commune, commune_name, status, cause, COUNT(*) FROM status_changes WHERE date IN REPORT YEAR 2025 AND direction = 'entry' AND cause IN ('new', 'arrived') GROUP BY commune, status, cause BY PLACES AS OF '2024-12-10'"
        let fast = Self.keyed(try t.session.query(entries).rows, nameAt: 1)
        let fastPlan = try t.session.query("EXPLAIN " + entries).lines?.joined(separator: "\n") ?? ""
        #expect(fastPlan.contains("person.named_changes") && fastPlan.contains("filter on the counted keys"), "\(fastPlan)")
        let slow = entries.replacingOccurrences(of: "AND direction = 'entry'", with: "AND (direction = 'entry' OR person_id < 0)")
        #expect(try t.session.query("EXPLAIN " + slow).lines?.joined().contains("each row names its commune") == true)
        let slowRows = Self.keyed(try t.session.query(slow).rows, nameAt: 1)
        #expect(!fast.isEmpty && fast == slowRows)
        let year = try t.session.query("SELECT report_start('2025'), report_end('2025')").rows[0].map(\.text)
        let yearRange = DayRange(from: try Day.parse(year[0]), through: try Day.parse(year[1]))
        var entryCounts: [String: Int] = [:], entryWant: [String: Int] = [:]
        for p in t.persons {
            for c in p.statusChanges where yearRange.contains(c.date) && c.direction == .entry && (c.cause == .new || c.cause == .arrived) {
                let (code, isOld) = t.then(c.commune, p.namedPlace, p.commune)
                entryCounts["\(code)|\(isOld ? "old" : "new")|\(c.status.code)|\(c.cause.code)", default: 0] += 1
            }
        }
        for (k, n) in entryCounts { entryWant[k + "|\(n)", default: 0] += 1 }
        #expect(fast == entryWant, "\(fast.count) rows ≠ \(entryWant.count)")
    }

    @Test func misusesPointAtTheToken() throws {
        let t = try tenant()
        let cases: [(String, String, Int)] = [
            ("SELECT id FROM persons WHERE commune = 6079 BY PLACES AS OF '2025-03-01'", "a condition on commune is not read with it", 45),
            ("SELECT COUNT(*) FROM communes BY PLACES AS OF '2025-03-01'", "communes is not read by the old communes", 31),
            ("SELECT COUNT(*) FROM status_history BY PLACES AS OF '2025-03-01'", "(persons, events and status_changes)", 37),
            ("SELECT COUNT(*) FROM persons BY PLACES '2025-03-01'", "expected BY PLACES AS OF 'date'", 30),
            ("SELECT COUNT(*) FROM persons BY PLACES AS OF '2025-13-01'", "BY PLACES AS OF: not a date", 30),
            ("SELECT COUNT(*) FROM persons BY PLACES AS OF '2025-03-01' BY PLACES AS OF '2025-04-01'", "BY PLACES AS OF is given twice", 59),
            ("SELECT COUNT(*) FROM persons p JOIN events e ON e.id = p.id BY PLACES AS OF '2025-03-01'", "is answered by Hoso's planner", 61),
        ]
        for (sql, message, column) in cases {
            do {
                _ = try t.session.query(sql)
                Issue.record("\(sql): no error")
            } catch let e as QueryError {
                #expect(e.message.contains(message) && e.location?.column == column, "\(sql): \(e.message) at \(String(describing: e.location))")
            }
        }
    }
}

/// The bundled CSV files' rows with their own parsing (as ``PlaceHistoryTests`` reads them).
enum PlaceHistoryRows {
    static func rows(_ name: String) throws -> [[String: String]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/HosoDomain/Resources/\(name).csv")
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            var out: [String] = [], cell = "", quoted = false
            for ch in line {
                if ch == "\"" { quoted.toggle() } else if ch == "," && !quoted { out.append(cell); cell = "" } else { cell.append(ch) }
            }
            out.append(cell)
            return Dictionary(uniqueKeysWithValues: zip(header, out))
        }
    }
}
