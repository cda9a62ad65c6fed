import Testing
import HosoDomain
@testable import HosoShell
import HosoStore

@Suite struct PlannerTests {
    @Test func addictsPerCommuneOnADayUseTheDatedCountIndex() throws {
        let f = try Fixture.get()
        let p = try f.plan("SELECT commune_name, COUNT(*) FROM persons WHERE status = 'addict' AS OF '10/12/2025' GROUP BY commune_name")
        #expect(p.count == .personsOnDay(statuses: [.addict], communes: nil, perCommune: true, day: d("2025-12-10")))
        #expect(p.explain()[0].contains("commune_flow"))
    }

    @Test func eventsByKindInAPeriodUseTheDatedCountIndex() throws {
        let f = try Fixture.get()
        let p = try f.plan("SELECT kind, COUNT(*) FROM events WHERE date = '2025-H1' GROUP BY kind")
        #expect(p.count == .events(kinds: nil, communes: nil, perCommune: false, range: DayRange(d("2025-01-01"), d("2025-07-01")), measures: []))
        let q = try f.plan("SELECT SUM(plants) FROM events WHERE kind = 'cultivation' AND date IN REPORT YEAR 2025")
        #expect(q.count == .events(kinds: [.cultivation], communes: nil, perCommune: false, range: DayRange(d("2024-12-10"), d("2025-12-10")), measures: [.plants]))
    }

    @Test func offenceArticlesScanTheDateIndex() throws {
        let f = try Fixture.get()
        let p = try f.plan("SELECT offence_article, COUNT(*) FROM events WHERE kind = 'drug_case' AND date = '2025-H1' GROUP BY offence_article")
        #expect(p.count == nil)
        #expect(p.access == .eventsByDate(DayRange(d("2025-01-01"), d("2025-07-01"))))
        #expect(p.explain()[0].contains("event.date"))
        #expect(p.explain().contains { $0.hasPrefix("filter: kind") } == false)   // kind is consumed; the full condition still applies
    }

    @Test func currentCountsWithoutAsOf() throws {
        let f = try Fixture.get()
        let p = try f.plan("SELECT status, COUNT(*) FROM persons GROUP BY status")
        #expect(p.count == .personsCurrent(statuses: nil, communes: nil, perCommune: false))
        let c = try f.plan("SELECT COUNT(*) FROM persons WHERE commune_name = 'Công Sơn' AND status IN ('addict', 'methadone')")
        guard case let .personsCurrent(statuses, communes, _)? = c.count else { Issue.record("no count path"); return }
        #expect(statuses == [.addict, .methadone])
        #expect(communes?.count == 1)
    }

    /// COUNT(*) alone with every conjunct decided on the stored bytes is counted on them; a
    /// conjunct they do not decide, a group or another output sends it back to the decoded scan.
    @Test func countsOfStoredFieldsAreCountedOnTheBytes() throws {
        let f = try Fixture.get()
        let sql = "SELECT COUNT(*) FROM persons WHERE occupation = 'Lái xe' AND birth_date < '1990-01-01'"
        let p = try f.plan(sql)
        guard case .personsMatching(let filter)? = p.count else { Issue.record("no count on the stored bytes: \(p.explain())"); return }
        #expect(filter == PersonFilter([.occupation(["Lái xe"]), .birthDate(.less, d("1990-01-01"))]))
        #expect(p.explain()[0].hasPrefix("COUNT by a full scan of persons, deciding"))
        #expect(p.explain()[1] == "estimated files read: \(f.persons.count)")
        let n = f.persons.filter { $0.occupation == "Lái xe" && ($0.birthDate.map { $0 < d("1990-01-01") } ?? false) }.count
        #expect(try Executor(context: f.context).run(p).rows == [[.int(Int64(n))]])
        for other in ["SELECT COUNT(*) FROM persons WHERE occupation = 'Lái xe' AND minor",
                      "SELECT sex, COUNT(*) FROM persons WHERE occupation = 'Lái xe' GROUP BY sex",
                      "SELECT COUNT(*) FROM persons WHERE occupation = 'Lái xe' OR sex = 'male'",
                      "SELECT COUNT(*) FROM persons"] {
            if case .personsMatching? = try f.plan(other).count { Issue.record("\(other): counted on the stored bytes") }
        }
    }

    @Test func rowPaths() throws {
        let f = try Fixture.get()
        #expect(try f.plan("SELECT * FROM persons WHERE id = 7").access == .personsByID([7]))
        #expect(try f.plan("SELECT * FROM persons WHERE national_id = '020090001234'").access == .personByNationalID("020090001234"))
        guard case .personsCurrent([.addict], nil) = try f.plan("SELECT * FROM persons WHERE status = 'addict'").access else { Issue.record("status index"); return }
        guard case .personsOnDay([.addict], nil, _) = try f.plan("SELECT * FROM persons WHERE status = 'addict' AS OF '2025-12-10'").access else { Issue.record("interval index"); return }
        guard case .historyByEdge([.illegalUser], .start, _, nil) = try f.plan("SELECT * FROM status_history WHERE status = 'illegal_user' AND start = '2025'").access else { Issue.record("history by start"); return }
        guard case .eventsByCommuneKindDate(let communes, [.tip], _) = try f.plan("SELECT * FROM events WHERE commune_name = 'cong son' AND kind = 'tip' AND date >= '2025-01-01'").access else { Issue.record("commune kind date"); return }
        #expect(communes.count == 1)
        #expect(try f.plan("SELECT * FROM persons WHERE full_name LIKE 'Nguyễn%'").access == .personsScan)
        #expect(try f.plan("SELECT * FROM persons WHERE full_name LIKE 'Nguyễn%'").explain()[0] == "full scan of persons")
        #expect(try f.plan("SELECT * FROM events WHERE plants > 100").access == .eventsScan)
        #expect(try f.plan("SELECT COUNT(*) FROM events WHERE plants > 100").count == nil)
        #expect(try f.plan("SELECT * FROM status_history").access == .historyScan)
    }

    @Test func estimatesComeFromTheIndexes() throws {
        let f = try Fixture.get()
        let p = try f.plan("SELECT * FROM persons WHERE status = 'addict' AS OF '2025-12-10'")
        let truth = f.persons.filter { $0.status(on: d("2025-12-10")) == .addict }.count
        #expect(p.estimate == truth)
        #expect(try f.plan("SELECT * FROM events").estimate == f.events.count)
    }

    func bindError(_ sql: String) throws -> QueryError? {
        do { _ = try Fixture.get().plan(sql); return nil } catch let e as QueryError { return e }
    }

    @Test func bindingErrorsSayWhatWasMeant() throws {
        let a = try #require(try bindError("SELECT stauts FROM persons"))
        #expect(a.message == "unknown column 'stauts' in persons — did you mean 'status'?")
        #expect(a.location?.column == 8)
        let b = try #require(try bindError("SELECT * FROM persons WHERE status = 'adict'"))
        #expect(b.message.hasPrefix("unknown status 'adict' — did you mean 'addict'? (known: none, illegal_user, addict"))
        #expect(b.location?.column == 38)
        let c = try #require(try bindError("SELECT * FROM person"))
        #expect(c.message.contains("did you mean 'persons'"))
        let e = try #require(try bindError("SELECT * FROM events WHERE commune_name = 'Cong Sonn'"))
        #expect(e.message.contains("unknown commune 'Cong Sonn'") && e.message.contains("Công Sơn"))
        let g = try #require(try bindError("SELECT * FROM events WHERE date = '2025-13'"))
        #expect(g.message.contains("month 13"))
        let h = try #require(try bindError("SELECT full_name, COUNT(*) FROM persons"))
        #expect(h.message.contains("must appear in GROUP BY"))
        let i = try #require(try bindError("SELECT * FROM events WHERE kind = 'drugcase'"))
        #expect(i.message.contains("did you mean 'drug_case'"))
        let j = try #require(try bindError("SELECT * FROM events AS OF '2025-01-01'"))
        #expect(j.message.contains("AS OF applies to persons"))
    }
}
