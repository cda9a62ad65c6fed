import Foundation
import Testing
import HosoDomain
@testable import HosoShell
import HosoStore

/// Every answer of the engine compared with a brute-force computation over the generated data.
@Suite struct EndToEndTests {
    @Test func addictsWithAFileInEachCommuneOnADay() throws {
        let f = try Fixture.get()
        let day = d("2025-12-10")
        let rows = try f.rows("SELECT commune_name, COUNT(*) FROM persons WHERE status = 'addict' AS OF '10/12/2025' GROUP BY commune_name;")
        var truth: [String: Int] = [:]
        for p in f.persons where p.status(on: day) == .addict { truth[f.name(p.commune(on: day).commune), default: 0] += 1 }
        #expect(rows.count == truth.count)
        #expect(Dictionary(uniqueKeysWithValues: rows.map { ($0[0].text, Int($0[1].text)!) }) == truth)
        #expect(truth.values.reduce(0, +) > 50)
        let total = try f.rows("SELECT COUNT(*) FROM persons WHERE status = 'addict' AS OF '2025-12-10'")
        #expect(total == [[.int(Int64(truth.values.reduce(0, +)))]])
    }

    @Test func casesByKindInTheFirstHalf() throws {
        let f = try Fixture.get()
        let rows = try f.rows("SELECT kind, COUNT(*) FROM events WHERE date = '2025-H1' GROUP BY kind")
        var truth: [String: Int] = [:]
        for e in f.events where e.date >= d("2025-01-01") && e.date < d("2025-07-01") { truth[e.kind.code, default: 0] += 1 }
        #expect(Dictionary(uniqueKeysWithValues: rows.map { ($0[0].text, Int($0[1].text)!) }) == truth)
        let articles = try f.rows("SELECT offence_article, COUNT(*), SUM(arrested) FROM events WHERE kind = 'drug_case' AND date = '2025-H1' GROUP BY offence_article")
        var byArticle: [String: (Int, Int)] = [:]
        for e in f.events where e.kind == .drugCase && e.date >= d("2025-01-01") && e.date < d("2025-07-01") {
            let k = e.offenceArticle.map(String.init) ?? ""
            byArticle[k] = ((byArticle[k]?.0 ?? 0) + 1, (byArticle[k]?.1 ?? 0) + e.arrested)
        }
        #expect(articles.count == byArticle.count)
        for r in articles { #expect(byArticle[r[0].text].map { [Int64($0.0), Int64($0.1)] } == [Int64(r[1].text)!, Int64(r[2].text)!]) }
    }

    @Test func sumsPerCommuneInTheReportingYear() throws {
        let f = try Fixture.get()
        let year = f.context.calendar.year(2025)
        let rows = try f.rows("SELECT commune, SUM(plants), SUM(area_m2), COUNT(*) FROM events WHERE kind = 'cultivation' AND date IN REPORT YEAR 2025 GROUP BY commune")
        var truth: [[Value]: [Int64]] = [:]
        for e in f.events where e.kind == .cultivation && e.date >= year.start && e.date < year.end {
            let k: [Value] = [.int(Int64(e.commune.commune))]
            let old = truth[k] ?? [0, 0, 0]
            truth[k] = [old[0] + Int64(e.plants), old[1] + Int64(e.areaM2), old[2] + 1]
        }
        #expect(rows.count == truth.count)
        for r in rows { #expect(truth[[r[0]]] == r[1...].map { Int64($0.text)! }) }
    }

    @Test func currentStatusCountsAndLists() throws {
        let f = try Fixture.get()
        let rows = try f.rows("SELECT status, COUNT(*) FROM persons GROUP BY status")
        var truth: [String: Int] = [:]
        for p in f.persons { truth[p.status(on: f.today).code, default: 0] += 1 }
        #expect(Dictionary(uniqueKeysWithValues: rows.map { ($0[0].text, Int($0[1].text)!) }) == truth)
        let commune = f.context.communes.entries[3]
        let list = try f.rows("SELECT id FROM persons WHERE commune = \(commune.ref.commune) AND status IN ('addict', 'methadone') ORDER BY id")
        let expected = f.persons.filter { $0.commune(on: f.today) == commune.ref && [.addict, .methadone].contains($0.status(on: f.today)) }.map(\.id).sorted()
        #expect(list.map { UInt64($0[0].text)! } == expected)
    }

    @Test func personsInAStatusOnADay() throws {
        let f = try Fixture.get()
        for (status, day) in [("methadone", "2025-06-30"), ("illegal_user", "2024-03-01"), ("post_rehab", "2026-01-10")] {
            let rows = try f.rows("SELECT id, commune FROM persons WHERE status = '\(status)' AS OF '\(day)' ORDER BY id")
            let truth = f.persons.filter { $0.status(on: d(day)).code == status }.map { [Value.int(Int64($0.id)), .int(Int64($0.commune(on: d(day)).commune))] }
            #expect(rows == truth)
        }
    }

    @Test func nationalIDAndID() throws {
        let f = try Fixture.get()
        let p = try #require(f.persons.first { $0.nationalID != nil })
        let rows = try f.rows("SELECT id, full_name FROM persons WHERE national_id = '\(p.nationalID!)'")
        #expect(rows == [[.int(Int64(p.id)), .text(p.fullName)]])
        let byID = try f.rows("SELECT full_name FROM persons WHERE id IN (\(p.id), 999999999)")
        #expect(byID == [[.text(p.fullName)]])
    }

    @Test func statusHistoryEntriesInAQuarter() throws {
        let f = try Fixture.get()
        let rows = try f.rows("SELECT person_id, start, commune FROM status_history WHERE status = 'illegal_user' AND start = '2025-Q2'")
        var truth: [[Value]] = []
        for p in f.persons { for i in p.history where i.status == .illegalUser && i.start >= d("2025-04-01") && i.start < d("2025-07-01") {
            truth.append([.int(Int64(p.id)), .date(i.start), .int(Int64(i.commune.commune))])
        } }
        #expect(bag(rows) == bag(truth))
        #expect(!truth.isEmpty)
        let ended = try f.rows("SELECT COUNT(*) FROM status_history WHERE status = 'addict' AND end BETWEEN '2025-01-01' AND '2025-12-31'")
        let endTruth = f.persons.flatMap(\.history).filter { $0.status == .addict && ($0.end.map { $0 >= d("2025-01-01") && $0 < d("2026-01-01") } ?? false) }.count
        #expect(ended == [[.int(Int64(endTruth))]])
    }

    @Test func eventsOfACommuneKindAndDays() throws {
        let f = try Fixture.get()
        for commune in f.context.communes.entries.prefix(5) {
            let rows = try f.rows("SELECT id FROM events WHERE commune = \(commune.ref.commune) AND kind = 'tip' AND date BETWEEN '2025-03-01' AND '31/05/2025'")
            let truth = f.events.filter { $0.commune == commune.ref && $0.kind == .tip && $0.date >= d("2025-03-01") && $0.date <= d("2025-05-31") }
            #expect(Set(rows.map { UInt64($0[0].text)! }) == Set(truth.map(\.id)))
        }
    }

    @Test func scansWithOrNotInLikeAndNulls() throws {
        let f = try Fixture.get()
        let a = try f.rows("SELECT COUNT(*) FROM persons WHERE full_name LIKE 'nguyen%' AND sex = 'female'")
        let aTruth = f.persons.filter { Gazetteer.fold($0.fullName).hasPrefix("nguyen") && $0.sex == .female }.count
        #expect(a == [[.int(Int64(aTruth))]])
        let b = try f.rows("SELECT id FROM events WHERE (kind = 'tip' OR kind = 'hotspot') AND resolved_date IS NULL AND NOT date < '2025-01-01' AND plants = 0")
        let bTruth = f.events.filter { ($0.kind == .tip || $0.kind == .hotspot) && $0.resolvedDate == nil && $0.date >= d("2025-01-01") && $0.plants == 0 }
        #expect(Set(b.map { UInt64($0[0].text)! }) == Set(bTruth.map(\.id)))
        let c = try f.rows("SELECT kind, COUNT(*) FROM events WHERE kind NOT IN ('tip', 'propaganda') AND offence_article IS NOT NULL GROUP BY kind")
        let cTruth = Dictionary(grouping: f.events.filter { ![.tip, .propaganda].contains($0.kind) && $0.offenceArticle != nil }, by: \.kind.code).mapValues(\.count)
        #expect(Dictionary(uniqueKeysWithValues: c.map { ($0[0].text, Int($0[1].text)!) }) == cTruth)
    }

    @Test func orderLimitOffset() throws {
        let f = try Fixture.get()
        let rows = try f.rows("SELECT id, date FROM events WHERE date = '2025-06' ORDER BY date DESC, id LIMIT 5 OFFSET 2")
        let truth = f.events.filter { $0.date >= d("2025-06-01") && $0.date < d("2025-07-01") }
            .sorted { ($0.date, $1.id) > ($1.date, $0.id) }.dropFirst(2).prefix(5).map { [Value.int(Int64($0.id)), .date($0.date)] }
        #expect(rows == Array(truth))
        let top = try f.rows("SELECT commune_name, COUNT(*) FROM events GROUP BY commune_name ORDER BY count DESC, commune_name LIMIT 3")
        let counts = Dictionary(grouping: f.events, by: { f.name($0.commune.commune) }).mapValues(\.count)
        let expected = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3).map { [Value.text($0.key), .int(Int64($0.value))] }
        #expect(top == Array(expected))
    }

    @Test func communesTable() throws {
        let f = try Fixture.get()
        let rows = try f.rows("SELECT code, name FROM communes WHERE name LIKE 'xa thien%' ORDER BY name")
        #expect(rows.map { $0[1].text } == ["Xã Thiện Hòa", "Xã Thiện Long", "Xã Thiện Tân", "Xã Thiện Thuật"].filter { n in f.context.communes.entries.contains { $0.name == n } })
        #expect(try f.rows("SELECT COUNT(*) FROM communes") == [[.int(65)]])
    }

    @Test func badStatementsChangeNothingAndDeleteNeedsConfirmation() throws {
        let f = try Fixture.get()
        // Other tests' reads of names add processing-log facts meanwhile: count the writes.
        func writes() throws -> Int { try f.program.tenant.changes(after: 0, limit: 1_000_000).filter { $0.operation != .read }.count }
        let before = try writes()
        let session = try f.session()
        var errors = ""
        session.errors = { errors += $0 }
        session.output = { _ in }
        #expect(!session.run("SELECT * FROM persons WHERE status = 'adict';"))
        #expect(errors.contains("^"))
        #expect(!session.run("DELETE FROM persons WHERE id = 1;"))
        #expect(errors.contains("needs confirmation"))
        session.confirm = { _ in false }
        #expect(session.run("DELETE FROM persons WHERE id = 1;"))
        #expect(!session.run("SELEC 1;"))
        #expect(try writes() == before)
        #expect(try f.program.person(id: 1) != nil)
    }

    @Test func scriptsStopAtTheFirstErrorUnlessContinuing() throws {
        let f = try Fixture.get()
        let session = try f.session()
        var out = "", err = ""
        session.output = { out += $0 }
        session.errors = { err += $0 }
        session.formatter.mode = .csv
        let script = ".headers off\nSELECT COUNT(*) FROM communes;\nSELECT nope FROM communes;\nSELECT code FROM communes\n  ORDER BY code LIMIT 1;"
        #expect(!session.run(script))
        #expect(out == "65\n")
        out = ""
        #expect(!session.run(script, continueOnError: true))
        #expect(out == "65\n\(f.context.communes.entries.map(\.ref.commune).min()!)\n")
        #expect(err.contains("unknown column 'nope' in communes"))
    }

    @Test func outputModes() throws {
        let f = try Fixture.get()
        let result = ResultSet(columns: ["name", "n"], rows: [[.text("Xã Công Sơn"), .int(5)], [.text("A, \"b\""), .int(12)]])
        #expect(ResultFormatter(mode: .table).render(result) == "name          n\n-----------  --\nXã Công Sơn   5\nA, \"b\"       12\n")
        #expect(ResultFormatter(mode: .csv).render(result) == "name,n\nXã Công Sơn,5\n\"A, \"\"b\"\"\",12\n")
        #expect(ResultFormatter(mode: .json).render(result) == "[{\"name\":\"Xã Công Sơn\",\"n\":5},\n {\"name\":\"A, \\\"b\\\"\",\"n\":12}]\n")
        #expect(ResultFormatter(mode: .line).render(result).hasPrefix("name = Xã Công Sơn\n   n = 5\n\n"))
        _ = f
    }

    @Test func completionOfCommuneNamesWithoutDiacritics() throws {
        let f = try Fixture.get()
        let c = Completion(communes: f.context.communes)
        let line = "SELECT * FROM communes WHERE name = 'cong"
        let r = c.candidates(line: line, cursor: line.count)
        #expect(r.inQuote && r.matches == ["Công Sơn"])
        let second = "SELECT * FROM communes WHERE name = 'thien th"
        #expect(c.candidates(line: second, cursor: second.count).matches == ["Thuật"])
        let k = c.candidates(line: "sel", cursor: 3)
        #expect(k.matches == ["select"])
        let t = c.candidates(line: "SELECT * FROM status_h", cursor: 22)
        #expect(t.matches == ["status_history"])
        #expect(c.candidates(line: ".ex", cursor: 3).matches == [".excel", ".exit", ".export"])
        #expect(c.candidates(line: "SELECT * FROM persons WHERE stat", cursor: 32).matches == ["status", "status_changes", "status_history"])
    }

    @Test func importAndExportRoundTrip() throws {
        let f = try Fixture.get()
        let dir = NSTemporaryDirectory() + "hoso-shell-io-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let n = try TableTransfer.exportTable(.events, to: dir + "/events.ndjson", from: f.program)
        #expect(n == f.events.count)
        let clock = ManualClock(f.today)
        let store = try Store(directory: dir + "/store", options: .init(today: { clock.day }))
        let copy = try ProgramTenant.create(in: store, info: TenantInfo(name: "copy"), settings: f.program.settings)
        // Persons first: events name the persons they involve.
        #expect(try TableTransfer.exportTable(.persons, to: dir + "/persons.ndjson", from: f.program) == f.persons.count)
        let people = try TableTransfer.importFile(dir + "/persons.ndjson", table: .persons, into: copy)
        #expect(people.loaded == f.persons.count && people.rejected == 0)
        let summary = try TableTransfer.importFile(dir + "/events.ndjson", table: .events, into: copy)
        #expect(summary.loaded == f.events.count && summary.rejected == 0)
        let session = try ShellSession(store: store, tenant: "copy")
        let a = try session.query("SELECT kind, COUNT(*), SUM(plants) FROM events WHERE date = '2025' GROUP BY kind").rows
        let b = try f.session().query("SELECT kind, COUNT(*), SUM(plants) FROM events WHERE date = '2025' GROUP BY kind").rows
        #expect(a == b)
        // A file with bad rows: they go to the reject file, the good rows land.
        try "id,kind,commune_code,date\n900001,tip,\(f.context.communes.entries[0].ref.commune),2025-01-02\n900002,tip,99999,2025-01-02\n900003,nokind,1,2025-01-02\n"
            .write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        let bad = try TableTransfer.importFile(dir + "/bad.csv", table: .events, into: copy)
        #expect(bad.loaded == 1 && bad.rejected == 2)
        let rejects = try String(contentsOfFile: dir + "/bad.csv.rejects.csv", encoding: .utf8)
        #expect(rejects.contains("99999") && rejects.contains("nokind"))
    }

    @Test func importRejectsDuplicatesAndUnknownsRowByRowWhileGoodRowsLand() throws {
        let f = try Fixture.get()
        let dir = NSTemporaryDirectory() + "hoso-shell-dup-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let clock = ManualClock(f.today)
        let store = try Store(directory: dir + "/store", options: .init(today: { clock.day }))
        let copy = try ProgramTenant.create(in: store, info: TenantInfo(name: "copy"), settings: f.program.settings)
        let commune = f.context.communes.entries[0].ref.commune
        try copy.addPerson(Person(id: 1, fullName: "Đã Có", commune: CommuneRef(province: 20, commune: commune), fileOpened: d("2024-01-01")))
        _ = try copy.updatePerson({ var p = try copy.person(id: 1)!; p.nationalID = "020090000001"; return p }())
        // Line 2 lands; 3 reuses a stored national ID; 4 repeats line 2's national ID; 5 reuses a stored id;
        // 6 repeats line 2's id; 7 names an unknown commune; 8 has a bad date; 9 lands.
        let csv = """
        id,full_name,national_id,commune_code,file_opened
        10,Người Một,020090000010,\(commune),2025-01-02
        11,Người Hai,020090000001,\(commune),2025-01-02
        12,Người Ba,020090000010,\(commune),2025-01-02
        1,Người Bốn,,\(commune),2025-01-02
        10,Người Năm,,\(commune),2025-01-02
        13,Người Sáu,,99999,2025-01-02
        14,Người Bảy,,\(commune),2025-02-30
        15,Người Tám,020090000015,\(commune),2025-01-03

        """
        try csv.write(toFile: dir + "/persons.csv", atomically: true, encoding: .utf8)
        try "person_id,date,kind\n".write(toFile: dir + "/person_events.csv", atomically: true, encoding: .utf8)
        let summary = try TableTransfer.importFile(dir + "/persons.csv", table: .persons, into: copy)
        #expect(summary.loaded == 2 && summary.rejected == 6)
        #expect(try copy.person(id: 10)?.fullName == "Người Một" && copy.person(id: 15) != nil)
        #expect(try copy.person(id: 1)?.fullName == "Đã Có")
        #expect(try copy.person(id: 11) == nil && copy.person(id: 12) == nil && copy.person(id: 13) == nil)
        let rejects = try String(contentsOfFile: dir + "/persons.csv.rejects.csv", encoding: .utf8)
        for line in [3, 4, 5, 6, 7, 8] { #expect(rejects.contains(",\(line),"), "line \(line) should be in the reject file:\n\(rejects)") }
        #expect(rejects.contains("already held by person 1") && rejects.contains("already held by person 10"))
    }
}
