import Foundation
import HosoDomain
import HosoReports
import Testing

/// A report whose period begins before the 2025 reform says how its figures were placed.
@Suite struct ReportPlacementTests {
    @Test func aPeriodCrossingTheReformSaysHowItsFiguresWerePlaced() throws {
        let f = try Fixture.make("placement", realistic: false, persons: 200, events: 600, seed: 31)
        defer { f.remove() }
        let cal = Fixture.langSon
        func note(_ kind: ReportKind, _ period: String) throws -> String {
            let request = try ReportRequest.parse(kind: kind, period: period, calendar: cal)
            return try ReportBuilder(program: f.program).build(request).tables.map(\.note).joined(separator: " ")
        }
        // Report year 2025 begins on 10/12/2024; a month after the reform says nothing of it.
        #expect(try note(.annual, "2025").contains("Kỳ báo cáo có ngày trước 01/7/2025"))
        #expect(try !note(.annual, "2025").contains("hồ sơ ghi xã, phường cũ"))
        #expect(try !note(.monthly, "2025-09").contains("01/7/2025"))

        // Files that named old communes: some placed whole, some by default through a split.
        let history = try PlaceHistory.official()
        let split = try #require(history.splitOldCommunes(inProvince: 20).first)
        var marked = 0, pending = 0
        for id in RecordID(1)...RecordID(40) {
            guard var p = try f.program.person(id: id) else { continue }
            let today = try f.program.tenant.read { try $0.today() }
            let byDefault = id % 4 == 0
            let whole = history.predecessors(ofNewCommune: p.commune.commune).first { $0.whole }
            guard byDefault || whole != nil else { continue }
            p.namedPlace = byDefault
                ? NamedPlace(commune: CommuneRef(province: 20, district: split.districtCode ?? 0, commune: split.code), placedBy: .primary)
                : NamedPlace(commune: CommuneRef(province: 20, district: whole!.oldDistrict, commune: whole!.oldCode), placedBy: .whole)
            _ = try f.program.updatePerson(p)
            // The brute force: files still managed where they were placed; every file placed by
            // default awaits review.
            if p.commune(on: today) == p.commune { marked += 1 }
            if byDefault { pending += 1 }
        }
        let text = try note(.annual, "2025")
        #expect(text.contains("\(marked) hồ sơ ghi xã, phường cũ"), "\(text)")
        #expect(pending > 0 && text.contains("trong đó \(pending) hồ sơ của xã bị chia"), "\(text)")
        #expect(try f.program.placementReviews().count == pending)
        #expect(try !note(.monthly, "2025-09").contains("01/7/2025"))
    }
}

/// Reports by the old communes (`--places-as-of`): a 2025 tenant holding 2025 files and a
/// synthetic pre-2025 data set (files and events naming old communes, fixed seeds), its annual
/// report of 2025 (from 10/12/2024) built by the communes of 10/12/2024, read back from HTML and
/// from the xlsx (openpyxl) and checked row by row against a brute force over the records that
/// places each with the mapping's rows; totals equal to the report by today's communes.
@Suite struct ReportByOldCommunesTests {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts").path

    /// The brute force's key of a record's place before the reform: the old commune it named
    /// (while in the commune it was placed in), else the only old commune its commune took
    /// over, else its 2025 commune (`CODE-2025`).
    static func key(current: CommuneRef, named: NamedPlace?, placedIn: CommuneRef, rows: [CommuneMapping.Row]) -> String {
        if let named, current == placedIn { return String(named.commune.commune) }
        let taken = rows.filter { $0.newCommuneCode == current.commune }
        return taken.count == 1 ? String(taken[0].oldCommuneCode) : "\(current.commune)-2025"
    }

    /// A table's rows (not the total) as key → numbers, with zero rows left out.
    static func figures(_ t: ReportTable, from first: Int) -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for r in t.rows where !r.isTotal {
            let n = r.cells[first...].map { if case .int(let v) = $0 { v } else { -1 } }
            if n.contains(where: { $0 != 0 }) { out[r.key] = n }
        }
        return out
    }

    @Test func theAnnualReportByTheCommunesOf2024EqualsABruteForce() throws {
        let f = try Fixture.make("oldrows", realistic: false, persons: 150, events: 500, seed: 41)
        defer { f.remove() }
        let history = try PlaceHistory.official()
        let mapping = history.mapping.rows
        let dir = try f.folder("old")
        let old = try SyntheticOldProvince(provinceCode: 20, persons: 250, seed: 2024)
        let file = try old.write(to: dir)
        // Ids of their own beside the 2025 files (and no national IDs: the synthetic ones follow the ids).
        for (path, column) in [(file, "id"), (dir + "/person_events.csv", "person_id")] {
            var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\r\n")
            let at = try #require(lines[0].components(separatedBy: ",").firstIndex(of: column))
            #expect(column != "id" || lines[0].components(separatedBy: ",")[4] == "national_id")
            for i in lines.indices.dropFirst() where !lines[i].isEmpty {
                var cells = lines[i].components(separatedBy: ",")
                cells[at] = String(500_000 + Int(cells[at])!)
                if column == "id" { cells[4] = "" }
                lines[i] = cells.joined(separator: ",")
            }
            try lines.joined(separator: "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        let persons = try TableTransfer.importFile(file, table: .persons, into: f.program, places: .before2025)
        #expect(persons.loaded == 250, "\(persons.text): \((try? String(contentsOfFile: file + ".rejects.csv", encoding: .utf8))?.prefix(600) ?? "")")
        // Events naming old communes (the predecessors of the tenant's communes), with amounts, in the report year.
        var rng = SplitMix64(seed: 41)
        var csv = "id,kind,commune_code,district_code,assigned_commune_code,date,plants,area_m2,quantity,resolved_date\n"
        let olds = Set(f.program.settings.communes.flatMap { history.predecessors(ofNewCommune: $0.ref.commune).map(\.oldCode) }).sorted()
        let first = Day(year: 2024, month: 12, day: 10)!
        for id in 1...200 {
            let kind = ["cultivation", "propaganda", "training", "commitment", "tip", "tip", "hotspot", "hotspot"].randomElement(using: &rng)!
            let lifecycle = kind == "tip" || kind == "hotspot"
            let amounts = kind == "cultivation" ? "\(Int.random(in: 1...400, using: &rng)),\(Int.random(in: 1...60, using: &rng))," : lifecycle ? ",," : ",,\(Int.random(in: 1...90, using: &rng))"
            // Tips and hotspots from before the period too (open at its start), some resolved, in time or late.
            let day = first.adding(days: Int.random(in: lifecycle ? -120...300 : 0...200, using: &rng))
            let resolved = lifecycle && Bool.random(using: &rng) ? day.adding(days: Int.random(in: 0...150, using: &rng)).description : ""
            csv += "\(900_000 + id),\(kind),\(olds.randomElement(using: &rng)!),,,\(day),\(amounts),\(resolved)\n"
        }
        try csv.write(toFile: dir + "/events.csv", atomically: true, encoding: .utf8)
        let events = try TableTransfer.importFile(dir + "/events.csv", table: .events, into: f.program, places: .before2025)
        #expect(events.loaded == 200, "\(events.text): \((try? String(contentsOfFile: dir + "/events.csv.rejects.csv", encoding: .utf8))?.prefix(600) ?? "")")

        let request = try ReportRequest.parse(kind: .annual, period: "2025", calendar: Fixture.langSon)
        let byOld = try ReportBuilder(program: f.program).build(request, placesAsOf: first)
        let now = try ReportBuilder(program: f.program).build(request)
        #expect(byOld.tables[0].note.contains("theo xã, phường, thị trấn ngày 10/12/2024") && byOld.tables[0].note.contains("tên xã và huyện năm 2024"), "\(byOld.tables[0].note)")

        // The brute force over the records.
        var allPersons: [Person] = [], allEvents: [CaseEvent] = []
        _ = try f.program.read { q in try q.allPersons { allPersons.append($0); return true } }
        _ = try f.program.read { q in try q.allEvents { allEvents.append($0); return true } }
        var statuses: [String: [Int]] = [:]
        for p in allPersons {
            guard let interval = p.history.last(where: { $0.contains(request.last) }), let i = ReportBuilder.statuses.firstIndex(of: interval.status) else { continue }
            let k = Self.key(current: interval.commune, named: p.namedPlace, placedIn: p.commune, rows: mapping)
            statuses[k, default: Array(repeating: 0, count: ReportBuilder.statuses.count + 1)][i] += 1
            statuses[k]![ReportBuilder.statuses.count] += 1
        }
        var changes: [String: [Int]] = [:]
        for p in allPersons {
            for ch in p.statusChanges where request.range.contains(ch.date) {
                let columns: [(StatusChange.Direction, StatusChange.Cause)] = [(.entry, .new), (.entry, .arrived), (.exit, .movedAway), (.exit, .left)]
                guard let i = columns.firstIndex(where: { $0 == (ch.direction, ch.cause) }) else { continue }
                changes[Self.key(current: ch.commune, named: p.namedPlace, placedIn: p.commune, rows: mapping), default: [0, 0, 0, 0]][i] += 1
            }
        }
        var cultivation: [String: [Int]] = [:], prevention: [String: [Int]] = [:]
        for e in allEvents where request.range.contains(e.date) {
            let k = Self.key(current: e.commune, named: e.namedPlace, placedIn: e.commune, rows: mapping)
            if e.kind == .cultivation {
                cultivation[k, default: [0, 0, 0]][0] += 1; cultivation[k]![1] += e.plants; cultivation[k]![2] += e.areaM2
            }
            if let i = ReportBuilder.preventionKinds.firstIndex(of: e.kind) {
                prevention[k, default: Array(repeating: 0, count: ReportBuilder.preventionKinds.count + 1)][i] += 1
                prevention[k]![ReportBuilder.preventionKinds.count] += e.quantity
            }
        }
        #expect(statuses.keys.contains { !$0.hasSuffix("-2025") } && statuses.keys.contains { $0.hasSuffix("-2025") }, "both kinds of rows")
        for (id, want) in [("persons_by_status", statuses), ("status_changes", changes), ("cultivation", cultivation), ("prevention", prevention)] {
            let t = try #require(byOld[table: id]), today = try #require(now[table: id])
            #expect(t.columns.map(\.id).prefix(3) == ["code", "district", "area"], "\(id)")
            #expect(!want.isEmpty && Self.figures(t, from: 3) == want, "\(id): the rows differ from the brute force")
            // The total row is the report's by today's communes, and the sum of the rows.
            let total = try #require(t.rows.last), todayTotal = try #require(today.rows.last)
            #expect(total.isTotal && Array(total.cells[3...]) == Array(todayTotal.cells[2...]), "\(id): total \(total.cells) ≠ \(todayTotal.cells)")
            let sums = t.rows.filter { !$0.isTotal }.reduce(into: [Int](repeating: 0, count: t.columns.count - 3)) { acc, r in
                for (j, c) in r.cells[3...].enumerated() { if case .int(let v) = c { acc[j] += v } }
            }
            // (The province's changes leave out moves between its communes.)
            #expect(id == "status_changes" || total.cells[3...].map { if case .int(let v) = $0 { v } else { -1 } } == sums, "\(id): the rows add up to the total")
        }
        // The new persons, each under the commune of then; the same persons as by today's communes.
        var newWant: [String: String] = [:]
        for p in allPersons {
            for ch in p.statusChanges where request.range.contains(ch.date) && ch.direction == .entry && ch.cause == .new {
                newWant["\(p.id).\(ch.status.code).\(ch.date)"] = Self.key(current: ch.commune, named: p.namedPlace, placedIn: p.commune, rows: mapping)
            }
        }
        // (A template of every section: the annual one has no list of new persons.)
        let every = try #require(try ReportTemplate.parse("[template annual]\nsections = " + ReportSection.allCases.map(\.rawValue).joined(separator: ", ") + "\n", file: "every.hoso").first)
        let allOld = try ReportBuilder(program: f.program).build(request, template: every, placesAsOf: first)
        let allToday = try ReportBuilder(program: f.program).build(request, template: every)
        let newOld = try #require(allOld[table: "new_persons"]), newToday = try #require(allToday[table: "new_persons"])
        #expect(newOld.columns.map(\.id) == ["person", "name", "national_id", "commune", "district", "commune_name", "status", "date"], "\(newOld.columns.map(\.id))")
        var newGot: [String: String] = [:]
        for r in newOld.rows {
            guard case .code(let code) = r.cells[3], case .text(let name) = r.cells[5] else { continue }
            newGot[r.key] = name.contains("(từ 01/7/2025") ? "\(Int(code)!)-2025" : String(Int(code)!)
        }
        #expect(!newWant.isEmpty && newGot == newWant && Set(newToday.rows.map(\.key)) == Set(newWant.keys), "new_persons: the rows differ from the brute force")
        #expect(newOld.note.contains("theo xã, phường, thị trấn ngày 10/12/2024"), "\(newOld.note)")
        // Hotspots and tips: each event's milestones under its commune of then (the brute force
        // reads the lifecycle rules from the events' own dates and deadlines).
        var lifecycles: [String: [String: [Int]]] = ["hotspots": [:], "tips": [:]]
        for e in allEvents where e.kind == .tip || e.kind == .hotspot {
            guard let deadline = e.deadline else { continue }
            let r = e.resolvedDate, cutoff = request.last
            let resolvedNow = r.map { request.range.contains($0) } ?? false
            let row = [request.range.contains(e.date) ? 1 : 0, resolvedNow ? 1 : 0, resolvedNow && r! <= deadline ? 1 : 0,
                       e.kind == .hotspot ? (request.range.contains(e.date) && e.reforms != nil ? 1 : 0) : (resolvedNow && r! > deadline ? 1 : 0),
                       e.date <= cutoff && !(r.map { $0 <= cutoff } ?? false) ? 1 : 0,
                       deadline < cutoff && (r.map { cutoff < $0 } ?? true) ? 1 : 0]
            guard row.contains(where: { $0 != 0 }) else { continue }
            let k = Self.key(current: e.commune, named: e.namedPlace, placedIn: e.commune, rows: mapping)
            let id = e.kind == .tip ? "tips" : "hotspots"
            var v = lifecycles[id]![k] ?? [0, 0, 0, 0, 0, 0]
            for i in v.indices { v[i] += row[i] }
            lifecycles[id]![k] = v
        }
        for (id, want) in lifecycles {
            let t = try #require(allOld[table: id]), today = try #require(allToday[table: id])
            #expect(t.columns.map(\.id).prefix(3) == ["code", "district", "area"], "\(id)")
            #expect(!want.isEmpty && Self.figures(t, from: 3) == want, "\(id): the rows differ from the brute force: \(Self.figures(t, from: 3).sorted { $0.key < $1.key }.prefix(5)) vs \(want.sorted { $0.key < $1.key }.prefix(5))")
            let total = try #require(t.rows.last), todayTotal = try #require(today.rows.last)
            #expect(total.isTotal && Array(total.cells[3...]) == Array(todayTotal.cells[2...]), "\(id): total \(total.cells) ≠ \(todayTotal.cells)")
            #expect(want.keys.contains { !$0.hasSuffix("-2025") }, "\(id): events under old communes")
            #expect(t.note.contains("Theo xã, phường, thị trấn ngày 2024-12-10: mỗi vụ việc tính vào xã cũ đã ghi"), "\(id): \(t.note)")
        }

        // Every other table says that it keeps today's communes, or is not by commune.
        for t in allOld.tables where !["persons_by_status", "status_changes", "new_persons", "hotspots", "cultivation", "tips", "prevention"].contains(t.id) {
            #expect(t.note.contains("tính theo xã, phường từ 01/7/2025, không theo xã, phường ngày 10/12/2024") || t.note.contains("không chia theo xã, phường"), "\(t.id): \(t.note)")
        }
        #expect(allOld.tables.map(\.id) == ReportSection.allCases.map(\.rawValue), "\(allOld.tables.map(\.id))")
        for t in allToday.tables { #expect(!t.note.contains("ngày 10/12/2024"), "\(t.id): by today's communes: \(t.note)") }

        // A commune's report by the communes of then: its old communes, adding up to its row today.
        let commune = try #require(f.program.settings.communes.first { history.predecessors(ofNewCommune: $0.ref.commune).count > 2 })
        let scoped = try ReportRequest.parse(kind: .annual, period: "2025", calendar: Fixture.langSon, scope: .commune(commune.ref.commune))
        let mine = try #require(try ReportBuilder(program: f.program).build(scoped, placesAsOf: first)[table: "persons_by_status"])
        let mineToday = try #require(try ReportBuilder(program: f.program).build(scoped)[table: "persons_by_status"])
        let allowed = Set(history.predecessors(ofNewCommune: commune.ref.commune).map { String($0.oldCode) } + ["\(commune.ref.commune)-2025"])
        #expect(Set(mine.rows.map(\.key)).isSubset(of: allowed) && mine.rows.count > 2, "\(mine.rows.map(\.key))")
        let added = mine.rows.reduce(into: [Int](repeating: 0, count: mine.columns.count - 3)) { acc, r in
            for (j, c) in r.cells[3...].enumerated() { if case .int(let v) = c { acc[j] += v } }
        }
        #expect(added == mineToday.rows[0].cells[2...].map { if case .int(let v) = $0 { v } else { -1 } }, "commune \(commune.ref.commune): \(added)")
        var scopedWant: [String: [Int]] = [:]
        for p in allPersons {
            guard let interval = p.history.last(where: { $0.contains(request.last) }), interval.commune == commune.ref,
                  let i = ReportBuilder.statuses.firstIndex(of: interval.status) else { continue }
            let k = Self.key(current: interval.commune, named: p.namedPlace, placedIn: p.commune, rows: mapping)
            scopedWant[k, default: Array(repeating: 0, count: ReportBuilder.statuses.count + 1)][i] += 1
            scopedWant[k]![ReportBuilder.statuses.count] += 1
        }
        #expect(!scopedWant.isEmpty && Self.figures(mine, from: 3) == scopedWant, "commune \(commune.ref.commune)")

        // Old communes are named with their 2024 names and districts.
        let rowsOld = try #require(byOld[table: "persons_by_status"]).rows.filter { !$0.isTotal && !$0.key.hasSuffix("-2025") }
        for r in rowsOld {
            let c = try #require(history.before.commune(code: Int32(r.key)!))
            #expect(r.cells[1] == .text(c.districtName ?? "") && r.cells[2] == .text(c.name) && !(c.districtName ?? "").isEmpty, "row \(r.key)")
        }

        // Read back: the HTML table and the xlsx sheet hold the same rows.
        let html = byOld.html()
        let index = try #require(byOld.tables.firstIndex { $0.id == "persons_by_status" })
        let section = html.components(separatedBy: "<section class=\"table\">")[index + 1]
        let htmlRows = section.components(separatedBy: "<tr").dropFirst(2).map { row in
            row.components(separatedBy: "<td").dropFirst().map { cell -> String in
                let inner = cell.drop { $0 != ">" }.dropFirst()
                return String(inner.prefix { $0 != "<" })
            }
        }
        var fromHTML: [String: [Int]] = [:], xlsxRows: [String: [Int]] = [:]
        for cells in htmlRows where cells.count > 3 && cells[2] != "Toàn tỉnh" {
            let n = cells[3...].map { Int($0) ?? -1 }
            let key = cells[2].contains("(từ 01/7/2025") ? "\(Int(cells[0])!)-2025" : String(Int(cells[0])!)
            if n.contains(where: { $0 != 0 }) { fromHTML[key] = n }
        }
        #expect(fromHTML == statuses, "HTML rows differ from the brute force")
        let xlsx = try f.folder("xlsx") + "/byold.xlsx"
        try byOld.write(.xlsx, to: xlsx)
        let (status, out) = try run("/usr/bin/env", ["python3", Self.scripts + "/dump_xlsx_sheet.py", xlsx, "persons_by_status"])
        #expect(status == 0, "\(out)")
        let sheet = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[Any]])
        #expect(sheet.first?.prefix(3).compactMap { $0 as? String } == ["Mã", "Huyện (2024)", "Xã, phường, thị trấn"], "\(sheet.first ?? [])")
        for row in sheet.dropFirst() {
            guard let code = row[0] as? String, !code.isEmpty, let name = row[2] as? String else { continue }
            let n = row[3...].map { ($0 as? NSNumber)?.intValue ?? -1 }
            if n.contains(where: { $0 != 0 }) { xlsxRows[name.contains("(từ 01/7/2025") ? "\(Int(code)!)-2025" : String(Int(code)!)] = n }
        }
        #expect(xlsxRows == statuses, "xlsx rows differ from the brute force")

        // The command line makes the same report, and names the option of a bad value.
        let hoso = try #require(ReportCommandTests.hoso, "the hoso executable is built by swift test beside the test bundle")
        let store = ["--store", f.root]
        let (code, cli) = try run(hoso, ["report", "annual", "--year", "2025", "--places-as-of", "2024-12-10", "--format", "csv"] + store)
        #expect(code == 0, "\(cli)")
        func lines(_ text: String, _ section: String) -> [Substring] { text.split(whereSeparator: \.isNewline).filter { $0.hasPrefix(section + ",") } }
        for id in ["persons_by_status", "status_changes", "cultivation", "prevention"] {
            #expect(lines(cli, id) == lines(byOld.csv(), id) && !lines(cli, id).isEmpty, "\(id): the command line's report differs from the API's")
        }
        for (args, says) in [(["--places-as-of", "2024-13-01"], "--places-as-of: '2024-13-01' is not a date"),
                             (["--places-as-of", "2024-12-10", "--frozen"], "--places-as-of builds the report from the data now")] {
            let (status, text) = try run(hoso, ["report", "annual", "--year", "2025"] + args + store)
            #expect(status != 0 && text.contains(says), "\(args): \(text)")
        }
    }
}
