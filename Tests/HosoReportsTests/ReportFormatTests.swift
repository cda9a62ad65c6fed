import Foundation
import Testing
import HosoDomain
@testable import HosoReports

/// The demo's reports as a person sees them: Markdown and CSV hold the figures, the HTML page is
/// self-contained and Chromium turns it into a PNG and a PDF that are not blank, and the xlsx
/// read back by openpyxl has the CSV's numbers, Vietnamese intact and national IDs as text.
@Suite(.serialized) struct ReportFormatTests {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts").path

    func report(_ kind: ReportKind, _ period: String) throws -> Report {
        let f = Demo.shared
        return try ReportBuilder(program: f.program).build(try ReportRequest.parse(kind: kind, period: period, calendar: f.program.calendar))
    }

    @Test func csvHoldsEveryFigureAndMarkdownEveryCommune() throws {
        let r = try report(.annual, "2025")
        let lines = r.csv().split(separator: "\r\n").dropFirst()
        var fromCSV: [String: Double] = [:]
        for l in lines {
            let fields = l.split(separator: ",", omittingEmptySubsequences: false)   // figures' lines have no quoted commas before the value
            guard let v = Double(fields.last!) else { continue }
            let key = "\(fields[0])/\(fields[1])/\(fields[2])"
            if r.figures[key] != nil { fromCSV[key] = v }
        }
        #expect(fromCSV == r.figures.filter { k, _ in fromCSV[k] != nil })
        #expect(fromCSV.count > r.figures.count * 9 / 10, "most figures are on a line of their own")
        let md = r.markdown()
        for e in Demo.shared.program.settings.communes { #expect(md.contains("| \(e.name) |"), "\(e.name) missing from the Markdown") }
        #expect(md.contains("**Toàn tỉnh**"))
        let bom = try r.rendered(.csv, excelBOM: true)
        #expect(Array(bom.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(try r.rendered(.csv).prefix(7) == Array("section".utf8)[...])
    }

    @Test func htmlIsSelfContained() throws {
        let html = try report(.annual, "2025").html()
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("url(") && !html.contains("@import"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 3, "persons by status, trend and targets charts")
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("Xã Thất Khê"))
    }

    @Test func chromiumRendersTheAnnualReportToAPictureAndAPDF() throws {
        guard let chromium = which("chromium") ?? which("chromium-browser") else {
            if ProcessInfo.processInfo.environment["HOSO_REQUIRE_CHROMIUM"] != nil {
                Issue.record("chromium is not installed but HOSO_REQUIRE_CHROMIUM is set: run scripts/setup.sh (apt-get install chromium)")
            } else {
                print("SKIPPED chromiumRendersTheAnnualReportToAPictureAndAPDF: chromium is not installed (scripts/setup.sh installs it; CI sets HOSO_REQUIRE_CHROMIUM)")
            }
            return
        }
        let dir = try Demo.shared.folder("render")
        let html = dir + "/annual-2025.html", png = dir + "/annual-2025.png", pdf = dir + "/annual-2025.pdf"
        try report(.annual, "2025").write(.html, to: html)
        let attributes = try FileManager.default.attributesOfItem(atPath: html)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(dir)/profile"]
        let (s1, o1) = try run("/usr/bin/env", ["timeout", "180", chromium] + common + ["--window-size=1240,1754", "--screenshot=\(png)", "file://\(html)"])
        #expect(s1 == 0, "chromium --screenshot: \(o1)")
        let (s2, o2) = try run("/usr/bin/env", ["timeout", "180", chromium] + common + ["--no-pdf-header-footer", "--print-to-pdf=\(pdf)", "file://\(html)"])
        #expect(s2 == 0, "chromium --print-to-pdf: \(o2)")
        let (s3, o3) = try run("/usr/bin/env", ["python3", Self.scripts + "/check_render.py", png, pdf])
        #expect(s3 == 0, "\(o3)")
        print(o3)
    }

    @Test(arguments: ["annual 2025", "monthly 2025-06"])
    func xlsxReadByOpenpyxlEqualsTheCSV(_ which: String) throws {
        let parts = which.split(separator: " ").map(String.init)
        let r = try report(ReportKind(rawValue: parts[0])!, parts[1])
        let dir = try Demo.shared.folder("xlsx-\(parts[0])")
        try r.write(.xlsx, to: dir + "/r.xlsx")
        #expect(try r.xlsx() == (try r.xlsx()), "the same report makes the same workbook bytes")
        try r.write(.csv, to: dir + "/r.csv", excelBOM: true)
        let (status, out) = try run("/usr/bin/env", ["python3", Self.scripts + "/check_xlsx.py", dir + "/r.xlsx", dir + "/r.csv"])
        #expect(status == 0, "\(out)")
        #expect(out.contains("xlsx ok"), "\(out)")
        if parts[0] == "monthly" {
            // national IDs are in the new-persons sheet, with their leading zeros, as text
            let t = try #require(r[table: "new_persons"])
            #expect(t.rows.contains { if case .code(let id) = $0.cells[2] { id.hasPrefix("0") && id.count == 12 } else { false } })
        }
    }
}
