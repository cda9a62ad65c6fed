import Foundation
import Testing
import HosoDomain
@testable import HosoReports

/// Templates are data: the bundled ones parse, a tenant's own replaces the bundled one of its
/// kind and the report follows it, and a bad file is refused naming the file, line and field.
@Suite struct ReportTemplateTests {
    @Test func bundledTemplatesCoverEveryKind() throws {
        let all = try ReportTemplates.bundled()
        #expect(all.map(\.kind) == ReportKind.allCases)
        #expect(try ReportTemplate.parse(ReportTemplate.write(all), file: "again") == all)
        #expect(all.first { $0.kind == .annual }!.sections.count == 10)
    }

    @Test func aTenantsTemplateChangesTheReportWithoutCode() throws {
        let f = try Fixture.make("templates", realistic: false, persons: 60, events: 200, seed: 5)
        defer { f.remove() }
        let text = """
        [template monthly]
        title = Báo cáo nhanh {period}
        sections = drug_cases, persons_by_status
        title.drug_cases = Kết quả đấu tranh
        due_days = 5
        """
        #expect(try ReportTemplates.load(text, file: "mine.hoso", into: f.program) == 1)
        let r = try ReportBuilder(program: f.program).build(try ReportRequest.parse(kind: .monthly, period: "2025-06", calendar: f.program.calendar))
        #expect(r.tables.map(\.id) == ["drug_cases", "persons_by_status"])
        #expect(r.tables[0].title == "Kết quả đấu tranh" && r.title == "Báo cáo nhanh 2025-06")
        #expect(try ReportTemplates.template(.annual, of: f.program).sections.count == 10, "other kinds stay bundled")
    }

    @Test(arguments: [
        ("[template annual]\nsections = persons_by_status, arrests\n", "t.hoso line 2, field sections", "'arrests' is not a section"),
        ("[template annual]\nsections = tips\ndue_days = soon\n", "t.hoso line 3, field due_days", "not a number of days"),
        ("[template annual]\nsections = tips\ncolour = red\n", "t.hoso line 3, field colour", "not a field"),
        ("[template weekly]\nsections = tips\n", "t.hoso line 1", "not a report kind"),
        ("[template annual]\ntitle = x\n", "t.hoso line 1, field sections", "lists no sections"),
        ("[template annual]\nsections tips\n", "t.hoso line 2", "key = value"),
    ])
    func badTemplatesNameFileLineAndField(_ text: String, _ place: String, _ reason: String) {
        do {
            _ = try ReportTemplate.parse(text, file: "t.hoso")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.place == place)
            #expect(error.description.contains(reason), "\(error)")
        }
    }
}
