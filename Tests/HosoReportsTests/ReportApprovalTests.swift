import Foundation
import Testing
import HosoDomain
@testable import HosoReports

/// The recognition chain on a small province: submit, approve and lock by role; the approved
/// figures stay as they were after a correction, which shows per figure as a change since approval.
@Suite struct ReportApprovalTests {
    @Test func aCorrectionAfterApprovalShowsPerFigureAndLeavesTheApprovedReport() throws {
        let f = try Fixture.make("approval", realistic: false, persons: 300, events: 1_500, seed: 77)
        defer { f.remove() }
        let approvals = ReportApprovals(program: f.program)
        let h1 = try ReportRequest.parse(kind: .halfYear, period: "2025-H1", calendar: f.program.calendar)
        let reporter = Principal(name: "minh", role: "analyst"), approver = Principal(name: "ca.tinh.pc04", role: "admin")
        let admin = Principal(name: "ca.tinh.admin", role: "admin")
        // An officer submits the reports of the communes assigned, not the province's.
        let assigned = f.program.settings.communes[0].ref.commune
        let officer = Principal(name: "lan", role: "officer", scopes: [String(assigned)])
        #expect(throws: ReportError.self, "an officer submitting the province's report") { try approvals.submit(h1, by: officer) }
        let own = try ReportRequest.parse(kind: .halfYear, period: "2025-H1", calendar: f.program.calendar, scope: .commune(assigned))
        let ownSubmitted = try ReportApprovals(program: try ProgramTenant.open(in: f.store, name: "demo", as: officer)).submit(own)
        #expect(ownSubmitted.steps.map(\.by) == ["lan"] && ownSubmitted.state == .submitted)
        #expect(throws: ReportError.self, "an officer approving") { try approvals.approve(own, by: officer) }
        try approvals.approve(own, by: approver)

        #expect(throws: ReportError.self, "approving what was not submitted") { try approvals.approve(h1, by: approver) }
        #expect(throws: ReportError.self, "a reporter may not submit-only… but not approve") {
            try approvals.submit(h1, by: reporter); try approvals.approve(h1, by: reporter)
        }
        #expect(try approvals.pending().map(\.request) == [h1])
        let approved = try approvals.approve(h1, by: approver)
        #expect(approved.state == .approved && approved.steps.map(\.action) == ["submit", "approve"] && approved.steps[1].by == approver.name)
        #expect(try approvals.pending().isEmpty)
        #expect(try approvals.differences(approved).isEmpty)

        // a correction: one more drug case of article 249 in the half year, 3 arrested, in the busiest commune
        let (commune, article) = try f.program.read { q -> (CommuneRef, Int) in
            var best: (CommuneRef, Int, Int)? = nil
            for e in f.program.settings.communes {
                var n = 0
                try q.events(.drugCase, in: e.ref, during: h1.range) { _ in n += 1; return true }
                if n > (best?.2 ?? -1) { best = (e.ref, 0, n) }
            }
            return (best!.0, 249)
        }
        let before = approved.frozen
        var e = CaseEvent(id: 9_000_001, kind: .drugCase, commune: commune, date: Day(year: 2025, month: 3, day: 3)!)
        e.offenceArticle = article; e.stage = .investigated; e.arrested = 3
        try f.program.addEvent(e)

        let rec = try #require(try approvals.record(h1))
        #expect(rec.frozen == before, "the approved report is not rewritten")
        let diffs = try approvals.differences(rec)
        let byKey = Dictionary(uniqueKeysWithValues: diffs.map { ($0.key, $0) })
        let a = String(article)
        let expected: [String: Double] = [
            "drug_cases/\(a)/investigated": 1, "drug_cases/\(a)/cases": 1, "drug_cases/\(a)/arrested": 3,
            "drug_cases/total/investigated": 1, "drug_cases/total/cases": 1, "drug_cases/total/arrested": 3,
            "changes/drug_cases/this": 1, "changes/drug_cases/change": 1, "changes/arrested/this": 3, "changes/arrested/change": 3,
        ]
        for (k, change) in expected {
            let d = try #require(byKey[k], "\(k) should show as changed since approval; got \(diffs.map(\.key))")
            #expect(d.change == change, "\(k)")
            #expect(d.approved == before.figures[k] ?? nil)
        }
        let others = diffs.filter { expected[$0.key] == nil && !$0.key.hasPrefix("classification/") && !$0.key.hasPrefix("targets/") }
        #expect(others.isEmpty, "only the case's figures (and classification or targets they feed) change: \(others)")
        #expect(byKey["drug_cases/\(a)/cases"]!.label.contains("Điều \(a)"))

        #expect(throws: ReportError.self, "an analyst may not lock") { try approvals.lock(h1, by: reporter) }
        let locked = try approvals.lock(h1, by: admin)
        #expect(locked.state == .locked && locked.frozen == before)
        #expect(throws: ReportError.self, "a locked report is not submitted again") { try approvals.submit(h1, by: admin) }

        // another report awaits approval in its period
        let year = try ReportRequest.parse(kind: .annual, period: "2025", calendar: f.program.calendar)
        try approvals.submit(year, by: reporter)
        #expect(try approvals.pending().map(\.request) == [year])
        #expect(try approvals.all().count == 3)
    }

    @Test func dueReportsFollowTheCalendarAndSayWhichAreLate() throws {
        let today = Day(year: 2025, month: 6, day: 5)!
        let f = try Fixture.make("due", realistic: false, persons: 50, events: 100, seed: 3, today: today)
        defer { f.remove() }
        let cal = f.program.calendar
        let approvals = ReportApprovals(program: f.program)
        let may = try ReportRequest.parse(kind: .monthly, period: "2025-05", calendar: cal)
        try approvals.submit(may, by: Principal(name: "ca.tinh", role: "analyst"))   // on 2025-06-05, after its due day 2025-05-12
        let due = try ReportSchedule.due(f.program, today: today, weeks: 6, lookBack: 62)
        // brute force: every month, half and year whose last day + 3 falls from 62 days before to 42 days after today
        var expected: [(String, String, Day)] = []
        for y in 2024...2026 {
            for m in 1...12 { expected.append(("monthly", "\(y)-\(m < 10 ? "0" : "")\(m)", cal.month(y, m).last!.adding(days: 3))) }
            for h in 1...2 { expected.append(("half-year", "\(y)-H\(h)", cal.half(y, h).last!.adding(days: 3))) }
            expected.append(("annual", "\(y)", cal.year(y).last!.adding(days: 3)))
        }
        let window = DayRange(from: today.adding(days: -62), through: today.adding(days: 42))
        let want = Set(expected.filter { window.contains($0.2) }.map { "\($0.0) \($0.1) \($0.2)" })
        #expect(Set(due.map { "\($0.request.kind.rawValue) \($0.request.period) \($0.due)" }) == want)
        let h1 = try #require(due.first { $0.request.kind == .halfYear })
        #expect(h1.request.period == "2025-H1" && h1.due == Day(year: 2025, month: 6, day: 12)! && !h1.late, "Lạng Sơn: the 6-month report of 10/12–9/6 is due 12/6")
        for d in due {
            let isMay = d.request == may
            #expect(d.late == (d.due < today), "\(d.request): late is due before today and not sent by its due day")
            #expect((d.state == .submitted) == isMay)
        }
    }
}
