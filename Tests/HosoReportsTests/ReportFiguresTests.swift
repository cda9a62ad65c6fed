import Foundation
import Testing
import HosoDomain
@testable import HosoReports

/// Every figure of the persons, status-change, case, hotspot, cultivation, tip, prevention and
/// new-persons sections against a brute force over every stored person and event (each person's
/// derived history and status changes, each event's fields), for the province and one commune,
/// monthly, half-year, annual and span reports of the demo's data. Classification and targets
/// are checked against the domain's own API (`classify`, `targetProgress`, tested in
/// HosoDomainTests against their brute force).
@Suite struct ReportFiguresTests {
    static let requests: [(ReportKind, String)] = [(.annual, "2025"), (.halfYear, "2025-H1"), (.monthly, "2025-06"), (.span, "2025-03-01..2025-08-31"), (.annual, "2024")]

    struct World {
        var persons: [Person] = []
        var events: [CaseEvent] = []
    }

    static func world(_ program: ProgramTenant) throws -> World {
        try program.read { q in
            var w = World()
            try q.allPersons { w.persons.append($0); return true }
            try q.allEvents { w.events.append($0); return true }
            return w
        }
    }

    /// The figures the brute force computes, keyed like `Report.figures`.
    static func bruteForce(_ w: World, _ r: ReportRequest, communes: [CommuneEntry], province: Int32) -> [String: Double] {
        var out: [String: Double] = [:]
        let inScope = Set(communes.map(\.ref))
        let isProvince = r.scope == .province
        var rows = communes.map { (String($0.ref.commune), Optional($0.ref)) }
        if isProvince { rows.append(("total", nil)) }
        func inRow(_ c: CommuneRef, _ row: CommuneRef?) -> Bool { row.map { $0 == c } ?? inScope.contains(c) }
        let range = r.range, cut = r.last
        for (key, row) in rows {
            // persons on file
            var total = 0
            for s in ReportBuilder.statuses {
                let n = w.persons.filter { $0.status(on: cut) == s && inRow($0.commune(on: cut), row) }.count
                out["persons_by_status/\(key)/\(s.code)"] = Double(n); total += n
            }
            out["persons_by_status/\(key)/total"] = Double(total)
            // status changes (the province row leaves out moves inside the province)
            let changes = w.persons.flatMap(\.statusChanges).filter { range.contains($0.date) && inRow($0.commune, row) && (row != nil || $0.counts(atDepth: 1)) }
            out["status_changes/\(key)/new"] = Double(changes.filter { $0.direction == .entry && $0.cause == .new }.count)
            out["status_changes/\(key)/arrived"] = Double(changes.filter { $0.direction == .entry && $0.cause == .arrived }.count)
            out["status_changes/\(key)/moved_away"] = Double(changes.filter { $0.direction == .exit && $0.cause == .movedAway }.count)
            out["status_changes/\(key)/left"] = Double(changes.filter { $0.direction == .exit && $0.cause == .left }.count)
            let ev = w.events.filter { inRow($0.commune, row) }
            let inPeriod = ev.filter { range.contains($0.date) }
            // cultivation, prevention
            let cult = inPeriod.filter { $0.kind == .cultivation }
            out["cultivation/\(key)/reports"] = Double(cult.count)
            out["cultivation/\(key)/plants"] = Double(cult.map(\.plants).reduce(0, +))
            out["cultivation/\(key)/area_m2"] = Double(cult.map(\.areaM2).reduce(0, +))
            for k in ReportBuilder.preventionKinds { out["prevention/\(key)/\(k.code)"] = Double(inPeriod.filter { $0.kind == k }.count) }
            out["prevention/\(key)/quantity"] = Double(inPeriod.filter { ReportBuilder.preventionKinds.contains($0.kind) }.map(\.quantity).reduce(0, +))
            // tips and hotspots
            for kind in [CaseEvent.Kind.tip, .hotspot] {
                let all = ev.filter { $0.kind == kind && $0.deadline != nil }
                let opened = all.filter { range.contains($0.date) }.count
                let resolved = all.filter { $0.resolvedDate.map(range.contains) ?? false }
                let inTime = resolved.filter { $0.resolvedDate! <= $0.deadline! }.count
                let open = all.filter { $0.isOpen(on: cut) }.count
                let overdue = all.filter { $0.isOverdue(on: cut) }.count
                if kind == .tip {
                    out["tips/\(key)/received"] = Double(opened); out["tips/\(key)/decided"] = Double(resolved.count)
                    out["tips/\(key)/in_time"] = Double(inTime); out["tips/\(key)/late"] = Double(resolved.count - inTime)
                    out["tips/\(key)/open"] = Double(open); out["tips/\(key)/overdue"] = Double(overdue)
                } else {
                    out["hotspots/\(key)/found"] = Double(opened); out["hotspots/\(key)/cleared"] = Double(resolved.count)
                    out["hotspots/\(key)/cleared_in_time"] = Double(inTime)
                    out["hotspots/\(key)/reformed"] = Double(all.filter { range.contains($0.date) && $0.reforms != nil }.count)
                    out["hotspots/\(key)/existing"] = Double(open); out["hotspots/\(key)/overdue"] = Double(overdue)
                }
            }
        }
        // drug cases by article
        let cases = w.events.filter { $0.kind == .drugCase && range.contains($0.date) && inScope.contains($0.commune) }
        var totals: [String: Double] = [:]
        for art in Set(cases.map { $0.offenceArticle ?? 0 }) {
            let these = cases.filter { ($0.offenceArticle ?? 0) == art }
            var f: [String: Double] = [:]
            for s in CaseEvent.Stage.allCases { f[s.code] = Double(these.filter { $0.stage == s }.count) }
            f["cases"] = Double(these.count)
            f["arrested"] = Double(these.map(\.arrested).reduce(0, +))
            f["mobile_trials"] = Double(these.filter(\.mobileTrial).count)
            for (c, v) in f { out["drug_cases/\(art)/\(c)"] = v; totals[c, default: 0] += v }
        }
        for c in CaseEvent.Stage.allCases.map(\.code) + ["cases", "arrested", "mobile_trials"] { out["drug_cases/total/\(c)"] = totals[c] ?? 0 }
        return out
    }

    static let checked: Set<String> = ["persons_by_status", "status_changes", "drug_cases", "hotspots", "cultivation", "tips", "prevention"]

    func check(_ f: Fixture, _ kind: ReportKind, _ period: String, scope: ReportScope) throws {
        let w = try Self.world(f.program)
        let request = try ReportRequest.parse(kind: kind, period: period, calendar: f.program.calendar, scope: scope)
        let report = try ReportBuilder(program: f.program).build(request)
        let communes = scope == .province ? f.program.settings.communes : f.program.settings.communes.filter { .commune($0.ref.commune) == scope }
        let expected = Self.bruteForce(w, request, communes: communes, province: 20)
        let got = report.figures.filter { Self.checked.contains(String($0.key.split(separator: "/")[0])) }
        let wrong = Set(expected.keys).union(got.keys).sorted().filter { expected[$0] != got[$0] }
        #expect(wrong.isEmpty, "seed \(f.data.seed), \(request): \(wrong.count) figures differ from the brute force, e.g. \(wrong.prefix(8).map { "\($0): report \(got[$0].map { "\($0)" } ?? "missing"), brute force \(expected[$0].map { "\($0)" } ?? "missing")" })")
        // every commune is listed, zeros included, and the province total is the last row
        let persons = try #require(report[table: "persons_by_status"])
        #expect(persons.rows.map(\.key) == communes.map { String($0.ref.commune) } + (scope == .province ? ["total"] : []))
        if scope == .province { #expect(persons.rows.contains { $0.cells.last == .int(0) }, "the demo has quiet communes with no one on file") }
        // new persons: the new entries of the period, with national IDs as stored
        if let t = report[table: "new_persons"] {
            let refs = Set(communes.map(\.ref))
            var brute: [(Person, StatusChange)] = []
            for p in w.persons {
                for ch in p.statusChanges where ch.direction == .entry && ch.cause == .new && request.range.contains(ch.date) && refs.contains(ch.commune) {
                    brute.append((p, ch))
                }
            }
            #expect(t.rows.count == brute.count)
            var ids: [String: String] = [:]
            for (p, ch) in brute { ids["\(p.id).\(ch.status.code).\(ch.date)"] = p.nationalID ?? "" }
            for r in t.rows { #expect(t[row: r.key, column: "national_id"] == .code(ids[r.key] ?? "?"), "\(r.key)") }
            // the names it shows are a logged read of those persons
            let named = Set(brute.map(\.0.id))
            if !named.isEmpty {
                #expect(try f.program.processingLog().contains { $0.what.hasPrefix("report \(request.kind.rawValue) \(request.period) ") && Set($0.personIDs) == named },
                        "\(request): the report's names are not in the processing log")
            }
        }
    }

    /// Reports by role: an analyst's figures are the admin's and its lists carry no names; an
    /// officer's commune report is the admin's, and the province's is refused.
    @Test func reportsByRole() throws {
        let f = Demo.shared
        let request = try ReportRequest.parse(kind: .monthly, period: "2025-06", calendar: f.program.calendar, scope: .province)
        let admin = try ReportBuilder(program: f.program).build(request)
        let analyst = try ReportBuilder(program: try ProgramTenant.open(in: f.store, name: "demo", as: Principal(name: "minh", role: "analyst"))).build(request)
        #expect(analyst.figures == admin.figures)
        let listed = try #require(analyst[table: "new_persons"])
        #expect(!listed.rows.isEmpty && listed.rows.allSatisfy { listed[row: $0.key, column: "name"] == .text("") && listed[row: $0.key, column: "national_id"] == .code("") })
        #expect(try f.program.processingLog().allSatisfy { $0.user != "minh" })
        let commune = f.program.settings.communes[0].ref
        let lan = try ProgramTenant.open(in: f.store, name: "demo", as: Principal(name: "lan", role: "officer", scopes: [String(commune.commune)]))
        let own = try ReportRequest.parse(kind: .monthly, period: "2025-06", calendar: f.program.calendar, scope: .commune(commune.commune))
        #expect(try ReportBuilder(program: lan).build(own).figures == (try ReportBuilder(program: f.program).build(own).figures))
        #expect(throws: HosoError.self) { _ = try ReportBuilder(program: lan).build(request) }
        // Its 6-month report: the commune's classification is the admin's; of the targets, the
        // province's progress is left empty and whether the commune holds them back is the admin's.
        let half = try ReportRequest.parse(kind: .halfYear, period: "2025-H1", calendar: f.program.calendar, scope: .commune(commune.commune))
        let theirs = try ReportBuilder(program: lan).build(half).figures, admins = try ReportBuilder(program: f.program).build(half).figures
        let provinceProgress = admins.keys.filter { $0.hasPrefix("targets/") && !$0.hasSuffix("/holding_back") && !$0.hasSuffix("/goal") }
        #expect(!provinceProgress.isEmpty && admins.keys.contains { $0.hasPrefix("classification/") })
        let differ = Set(admins.keys).union(theirs.keys).filter { admins[$0] != theirs[$0] && !provinceProgress.contains($0) }
        #expect(differ.isEmpty, "\(differ.sorted().prefix(5).map { "\($0): officer \(theirs[$0].map { "\($0)" } ?? "none"), admin \(admins[$0].map { "\($0)" } ?? "none")" })")
    }

    @Test(arguments: requests.map { "\($0.0.rawValue) \($0.1)" })
    func provinceFiguresEqualTheBruteForce(_ which: String) throws {
        let parts = which.split(separator: " ").map(String.init)
        try check(Demo.shared, ReportKind(rawValue: parts[0])!, parts[1], scope: .province)
    }

    @Test func communeFiguresEqualTheBruteForce() throws {
        let f = Demo.shared
        // the commune with the most persons on file, and a quiet one
        let busiest = try f.program.read { q in try f.program.settings.communes.max { a, b in
            try q.countPersonsByStatus(in: .commune(a.ref), on: Day(year: 2025, month: 6, day: 9)!).values.reduce(0, +)
                < q.countPersonsByStatus(in: .commune(b.ref), on: Day(year: 2025, month: 6, day: 9)!).values.reduce(0, +) }! }
        for code in [busiest.ref.commune, f.data.quietCommunes[0].commune] {
            try check(f, .monthly, "2025-06", scope: .commune(code))
            try check(f, .annual, "2025", scope: .commune(code))
        }
    }

    @Test func classificationAndTargetsAreTheDomains() throws {
        let f = Demo.shared
        let request = try ReportRequest.parse(kind: .annual, period: "2025", calendar: f.program.calendar)
        let report = try ReportBuilder(program: f.program).build(request)
        let table = try #require(report[table: "classification"])
        let classes = try f.program.classify(period: request.range, ruleSet: "qd28-2025")
        for c in classes { #expect(table[row: String(c.commune.ref.commune), column: "class"] == .text(c.classCode), "\(c.commune.name)") }
        #expect(table.rows.count == f.program.settings.communes.count + 1)
        let targets = try #require(report[table: "targets"])
        let progress = try f.program.targetProgress()
        for row in targets.rows {
            let p = try #require(progress.first { $0.target.name == row.key })
            #expect(targets[row: row.key, column: "value"] == .decimal(p.value))
            #expect(targets[row: row.key, column: "met"] == .text(p.met ? "đạt" : "chưa đạt"))
        }
        #expect(targets.rows.contains { $0.key == "lang-son-2025" })
    }

    @Test func changesCompareWithThePreviousPeriodsReport() throws {
        let f = Demo.shared
        let request = try ReportRequest.parse(kind: .annual, period: "2025", calendar: f.program.calendar)
        let builder = ReportBuilder(program: f.program)
        let now = try builder.build(request), before = try builder.build(request.previous(calendar: f.program.calendar))
        #expect(before.request.period == "2024")
        let changes = try #require(now[table: "changes"])
        #expect(changes[row: "on_file", column: "this"] == now[table: "persons_by_status"]![row: "total", column: "total"])
        #expect(changes[row: "on_file", column: "previous"] == before[table: "persons_by_status"]![row: "total", column: "total"])
        #expect(changes[row: "drug_cases", column: "previous"] == before[table: "drug_cases"]![row: "total", column: "cases"])
        #expect(changes[row: "new", column: "previous"] == before[table: "status_changes"]![row: "total", column: "new"])
        for r in changes.rows { #expect(r.cells[3].number == r.cells[1].number! - r.cells[2].number!) }
    }

    @Test func periodsThatDoNotFitTheKindAreRefused() throws {
        let cal = Fixture.langSon
        #expect(throws: ReportError.self) { try ReportRequest.parse(kind: .annual, period: "2025-06", calendar: cal) }
        #expect(throws: ReportError.self) { try ReportRequest.parse(kind: .monthly, period: "2025-13", calendar: cal) }
        do { _ = try ReportRequest.parse(kind: .halfYear, period: "2025", calendar: cal) } catch { #expect(error.description.contains("2025-H1")) }
        let h1 = try ReportRequest.parse(kind: .halfYear, period: "2025-H1", calendar: cal)
        #expect(h1.first == Day(year: 2024, month: 12, day: 10)! && h1.last == Day(year: 2025, month: 6, day: 9)!)
        #expect(h1.previous(calendar: cal).period == "2024-H2")
    }
}
