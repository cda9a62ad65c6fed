import ArgumentParser
import Foundation
import HosoDomain
import HosoReports

extension ReportKind: ExpressibleByArgument {}

/// `hoso report`: periodic reports (Markdown, CSV, HTML, xlsx), their approval and deadlines.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Monthly, 6-month, annual and span reports in Markdown, CSV, HTML or xlsx; approval and frozen figures; deadlines.",
        discussion: """
        Examples (on the demo tenant):
          hoso report annual --year 2025 --format html --output annual-2025.html
          hoso report monthly --period 2025-06 --commune 6934
          hoso report annual --year 2025 --places-as-of 2024-12-10   (rows by the old communes of that day)
          hoso report half-year --half 2025-H1 --format xlsx --output h1.xlsx
          hoso report span --from 2025-01-01 --to 2025-09-30 --format csv --excel --output plan.csv
          hoso report submit half-year --half 2025-H1          (an officer: --commune CODE of theirs)
          hoso report approve half-year --half 2025-H1         (an admin)
          hoso report status half-year --half 2025-H1      the approved figures and what changed since
          hoso report pending                               awaiting approval, by period
          hoso report due                                   reports due in the coming weeks, and late ones
        Periods are in the tenant's reporting calendar. Files written are 0600.
        """,
        subcommands: [Make.self, Submit.self, Approve.self, Lock.self, StatusCommand.self, Pending.self, Due.self, Templates.self],
        defaultSubcommand: Make.self)

    struct Which: ParsableArguments {
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "Tenant name.") var tenant: String = "demo"
        @Argument(help: "monthly | half-year | annual | span") var kind: ReportKind
        @Option(help: "Month of a monthly report (2025-06).") var period: String?
        @Option(help: "Year of an annual report (2025).") var year: String?
        @Option(help: "Half year of a 6-month report (2025-H1).") var half: String?
        @Option(help: "First day of a span report.") var from: String?
        @Option(help: "Last day of a span report.") var to: String?
        @Option(help: "One commune (official code) instead of the province.") var commune: Int32?

        func open() throws -> ProgramTenant { try ProgramTenant.open(in: try storeOptions.open(), name: tenant) }

        func request(_ program: ProgramTenant) throws -> ReportRequest {
            let given = [("--period", period), ("--year", year), ("--half", half)].filter { $0.1 != nil }
            let text: String
            let option: String
            if from != nil || to != nil {
                guard let from, let to else { throw ValidationError("--from and --to go together: give both days") }
                guard given.isEmpty else { throw ValidationError("give either --from/--to or \(given[0].0), not both") }
                option = "--from/--to"
                text = "\(from)..\(to)"
                do { _ = try Day.parse(from); _ = try Day.parse(to) } catch { throw ValidationError("--from/--to: \(error)") }
            } else {
                guard given.count == 1, let t = given[0].1 else {
                    throw ValidationError("give the period: --period 2025-06 (monthly), --half 2025-H1 (half-year), --year 2025 (annual) or --from/--to (span)")
                }
                option = given[0].0
                text = t
            }
            let scope: ReportScope = commune.map { .commune($0) } ?? .province
            if let commune, program.commune(code: commune) == nil {
                throw ValidationError("--commune: \(commune) is not a commune of tenant '\(program.name)'")
            }
            do { return try ReportRequest.parse(kind: kind, period: text, calendar: program.calendar, scope: scope) } catch {
                throw ValidationError("\(option): \(error)")
            }
        }
    }

    static func guarded(_ body: () throws -> Void) throws {
        do { try body() } catch let e as ReportError { fail(e.description) }
    }

    struct Make: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "make", abstract: "Make a report (the default: hoso report KIND …).")
        @OptionGroup var which: Which
        @Option(help: "md | csv | html | xlsx") var format: String = "md"
        @Flag(help: "Put a byte order mark before a CSV, for Excel.") var excel = false
        @Option(help: "Write to this file (0600) instead of standard output; required for xlsx.") var output: String?
        @Flag(help: "Show the approved (frozen) report instead of the data now.") var frozen = false
        @Option(name: .customLong("places-as-of"),
                help: "Build the per-commune rows by the communes in force on this day (YYYY-MM-DD); before 1/7/2025 the old communes, with their 2024 names and districts.")
        var placesAsOf: String?

        func run() throws {
            try ReportCommand.guarded {
                guard let f = ReportFormat(rawValue: format) else { throw ValidationError("--format: '\(format)' is not md, csv, html or xlsx") }
                var placesDay: Day?
                if let placesAsOf {
                    do { placesDay = try Day.parse(placesAsOf) } catch {
                        throw ValidationError("--places-as-of: '\(placesAsOf)' is not a date: \(error) (write 2024-12-10 or 10/12/2024)")
                    }
                    if frozen { throw ValidationError("--places-as-of builds the report from the data now; --frozen shows the approved one by today's communes: give one of them") }
                }
                if excel && f != .csv { throw ValidationError("--excel applies to --format csv") }
                if f == .xlsx && output == nil { throw ValidationError("--format xlsx needs --output FILE.xlsx") }
                let program = try which.open()
                let request = try which.request(program)
                let report: Report
                if frozen {
                    guard let rec = try ReportApprovals(program: program).record(request), rec.state != .submitted else {
                        throw ValidationError("--frozen: report \(request) has not been approved")
                    }
                    report = rec.frozen
                } else {
                    report = try ReportBuilder(program: program).build(request, placesAsOf: placesDay)
                }
                if let output {
                    try report.write(f, to: output, excelBOM: excel)
                    FileHandle.standardError.write(Data("hoso: wrote \(request) as \(f.rawValue) to \(output)\n".utf8))
                } else {
                    FileHandle.standardOutput.write(Data(try report.rendered(f, excelBOM: excel)))
                }
            }
        }
    }

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Submit a report for approval (its figures as they are now).")
        @OptionGroup var which: Which
        func run() throws {
            try ReportCommand.guarded {
                let program = try which.open()
                let rec = try ReportApprovals(program: program).submit(try which.request(program))
                print("submitted \(rec.request) by \(program.tenant.principal): \(rec.frozen.figures.count) figures, awaiting approval")
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a submitted report: its figures are frozen as they are now.")
        @OptionGroup var which: Which
        func run() throws {
            try ReportCommand.guarded {
                let program = try which.open()
                let rec = try ReportApprovals(program: program).approve(try which.request(program))
                print("approved \(rec.request) by \(program.tenant.principal): \(rec.frozen.figures.count) figures frozen")
            }
        }
    }

    struct Lock: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lock an approved report.")
        @OptionGroup var which: Which
        func run() throws {
            try ReportCommand.guarded {
                let program = try which.open()
                let rec = try ReportApprovals(program: program).lock(try which.request(program))
                print("locked \(rec.request) by \(program.tenant.principal)")
            }
        }
    }

    struct StatusCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status",
                                                        abstract: "A report's approval: its steps, and each figure changed since it was approved.")
        @OptionGroup var which: Which
        func run() throws {
            try ReportCommand.guarded {
                let program = try which.open()
                let approvals = ReportApprovals(program: program)
                let request = try which.request(program)
                guard let rec = try approvals.record(request) else { print("\(request): not submitted"); return }
                print("\(request): \(rec.state.rawValue)")
                for s in rec.steps { print("  \(s.action) by \(s.by) (\(s.role)) at \(s.at) (day \(s.day))") }
                let diffs = try approvals.differences(rec)
                if diffs.isEmpty { print("no figure changed since it was \(rec.state == .submitted ? "submitted" : "approved")"); return }
                print("changed since \(rec.state == .submitted ? "submission" : "approval"): \(diffs.count) figure(s)")
                print(TextTable(header: ["figure", "approved", "now", "change"], rows: diffs.map { d in
                    [d.label, d.approved.map(ProgramText.format) ?? "—", d.now.map(ProgramText.format) ?? "—", (d.change >= 0 ? "+" : "") + ProgramText.format(d.change)]
                }).render())
            }
        }
    }

    struct Pending: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reports awaiting approval, by period.")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "Tenant name.") var tenant: String = "demo"
        func run() throws {
            try ReportCommand.guarded {
                let program = try ProgramTenant.open(in: try storeOptions.open(), name: tenant)
                let pending = try ReportApprovals(program: program).pending()
                if pending.isEmpty { print("no report awaits approval"); return }
                print(TextTable(header: ["period", "kind", "area", "submitted by", "at"], rows: pending.map { r in
                    let s = r.steps.last { $0.action == "submit" }
                    return [r.request.period, r.request.kind.rawValue, r.request.scope.description, s.map { "\($0.by) (\($0.role))" } ?? "", s?.at ?? ""]
                }).render())
            }
        }
    }

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reports due in the coming weeks under the tenant's calendar, and the late ones.")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "Tenant name.") var tenant: String = "demo"
        @Option(help: "How many weeks ahead.") var weeks: Int = 6
        @Option(help: "Today (default: the tenant's clock).") var on: String?
        @Option(help: "One commune (official code) instead of the province.") var commune: Int32?
        func run() throws {
            try ReportCommand.guarded {
                let program = try ProgramTenant.open(in: try storeOptions.open(), name: tenant)
                let today: Day
                if let on { do { today = try Day.parse(on) } catch { throw ValidationError("--on: \(error)") } } else { today = try program.today() }
                let due = try ReportSchedule.due(program, today: today, weeks: weeks, scope: commune.map { .commune($0) } ?? .province)
                print("Reports of tenant \(program.name) due around \(today) (calendar \(program.calendar)):")
                print(TextTable(header: ["due", "kind", "period", "area", "state", "late"], rows: due.map { d in
                    [d.due.description, d.request.kind.rawValue, d.request.period, d.request.scope.description,
                     d.state?.rawValue ?? (d.due < today ? "not sent" : "to send"), d.late ? "LATE" : ""]
                }).render())
            }
        }
    }

    struct Templates: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the tenant's report templates, or load a template file (blocks replace the bundled ones of their kind).")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "Tenant name.") var tenant: String = "demo"
        @Option(help: "A template file to check and load.") var load: String?
        func run() throws {
            try ReportCommand.guarded {
                let program = try ProgramTenant.open(in: try storeOptions.open(), name: tenant)
                if let load {
                    let text: String
                    do { text = try ProgramText.read(path: load) } catch { fail("\(error)") }
                    print("templates: \(try ReportTemplates.load(text, file: load, into: program)) from \(load)")
                } else {
                    print(ReportTemplate.write(try ReportTemplates.of(program)), terminator: "")
                }
            }
        }
    }
}
