import Foundation
import Testing
import HosoDomain
@testable import HosoReports

/// `hoso report` as an officer runs it: every format to a file (0600), the byte order mark for
/// Excel, errors that name the option and say what to give, and the approval chain from the
/// command line with a correction made meanwhile by another process.
@Suite struct ReportCommandTests {
    /// The `hoso` executable built beside the test bundle.
    static var hoso: String? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("hoso").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    @Test func formatsErrorsAndApprovalFromTheCommandLine() throws {
        let hoso = try #require(Self.hoso, "the hoso executable is built by swift test beside the test bundle")
        let f = try Fixture.make("cli", realistic: false, persons: 200, events: 800, seed: 11)
        defer { f.remove() }
        let dir = try f.folder("out")
        let store = ["--store", f.root]
        for format in ["md", "csv", "html", "xlsx"] {
            let out = "\(dir)/annual.\(format)"
            let (status, text) = try run(hoso, ["report", "annual", "--year", "2025", "--format", format, "--output", out] + store)
            #expect(status == 0, "\(format): \(text)")
            let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(format) file mode \(String(mode ?? 0, radix: 8))")
        }
        let (_, csv) = try run(hoso, ["report", "monthly", "--period", "2025-06", "--format", "csv", "--excel"] + store)
        #expect(csv.utf8.starts(with: [0xEF, 0xBB, 0xBF]) && csv.contains("section,row,column,label,value"))
        let (_, md) = try run(hoso, ["report", "half-year", "--half", "2025-H1", "--commune", String(f.program.settings.communes[0].ref.commune)] + store)
        #expect(md.hasPrefix("# Báo cáo 6 tháng 2025-H1") && md.contains(f.program.settings.communes[0].name))

        for (args, says) in [(["annual", "--period", "2025-06"], "--period: period '2025-06': is not a period of the report kind annual; give a year such as 2025 (--year)"),
                             (["annual"], "give the period: --period 2025-06 (monthly)"),
                             (["monthly", "--period", "2025-06", "--commune", "1"], "--commune: 1 is not a commune of tenant 'demo'"),
                             (["annual", "--year", "2025", "--format", "xlsx"], "--format xlsx needs --output FILE.xlsx"),
                             (["span", "--from", "2025-01-01"], "--from and --to go together")] {
            let (status, text) = try run(hoso, ["report"] + args + store)
            #expect(status != 0 && text.contains(says), "\(args): \(text)")
        }

        let h1 = ["half-year", "--half", "2025-H1"] + store
        // Each step acts as the store's user running it: an analyst submits, only an admin approves.
        #expect(try run(hoso, ["users", "add", "minh", "--role", "analyst", "--account", "minh"] + store).0 == 0)
        var asMinh = ProcessInfo.processInfo.environment
        asMinh["SUDO_USER"] = "minh"
        #expect(try run(hoso, ["report", "submit"] + h1, environment: asMinh).0 == 0)
        let (_, pending) = try run(hoso, ["report", "pending"] + store)
        #expect(pending.contains("2025-H1") && pending.contains("minh (analyst)"), "\(pending)")
        let (refused, why) = try run(hoso, ["report", "approve"] + h1, environment: asMinh)
        #expect(refused != 0 && why.contains("may not approve"), "\(why)")
        #expect(try run(hoso, ["report", "approve"] + h1).0 == 0)
        let (_, frozenBefore) = try run(hoso, ["report", "make"] + h1 + ["--frozen", "--format", "csv"])

        // a correction from this process while the approved report stays as it was
        var e = CaseEvent(id: 8_000_001, kind: .cultivation, commune: f.program.settings.communes[0].ref, date: Day(year: 2025, month: 2, day: 2)!)
        e.plants = 1_234; e.areaM2 = 56
        try f.program.addEvent(e)
        let (_, status) = try run(hoso, ["report", "status"] + h1)
        #expect(status.contains("changed since approval"), "\(status)")
        #expect(status.contains("cultivation / Toàn tỉnh / Số cây") && status.contains("+1234"), "\(status)")
        let (_, frozenAfter) = try run(hoso, ["report", "make"] + h1 + ["--frozen", "--format", "csv"])
        #expect(frozenAfter == frozenBefore, "the approved report is not rewritten")
        let (_, now) = try run(hoso, ["report", "make"] + h1 + ["--format", "csv"])
        #expect(now != frozenBefore)

        let (_, due) = try run(hoso, ["report", "due", "--on", "2025-06-20"] + store)
        #expect(due.contains("2025-06-12  half-year  2025-H1  province  approved"), "\(due)")
        #expect(due.contains("monthly    2025-05  province  not sent  LATE"), "\(due)")
    }
}
