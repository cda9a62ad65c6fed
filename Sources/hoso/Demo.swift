import ArgumentParser
import Foundation
import HosoDomain
import HosoShell

extension SyntheticProvince.Profile: ExpressibleByArgument {}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a synthetic demo province (Lạng Sơn by default) and open the shell on it.",
        discussion: """
        Generates persons and case events from a fixed seed (no real data) and loads them into the \
        tenant 'demo' of the store. By default the province resembles a real one (--profile realistic: \
        Lạng Sơn's 65 communes, ~800,000 residents, 3,000 files, a few hundred drug cases a year, its 16 \
        target communes drug-free in 2025, officer inputs for the trafficking route); --persons or \
        --events (or --profile benchmark) build the benchmark's data of the sizes given instead. From a terminal it then opens the shell (hoso shell); when \
        stdin is not a terminal it runs a short showcase of queries and prints their results. \
        --table prints persons by commune and status on the --on day instead.

        --pre-2025 builds old data instead: a synthetic pre-2025 data set of the province (files \
        opened 2022 – 30/6/2025 naming the old communes and districts of the 2024 gazetteer, --persons \
        files, default 3,000), written as files and imported into the 2025 tenant with hoso import \
        --places before2025; the showcase then asks Lạng Sơn's report year 2025 (10/12/2024–9/12/2025) \
        by today's communes and by the communes as they were (BY PLACES AS OF).
        """)

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Province code of the 2025 gazetteer (20 = Lạng Sơn).") var province: Int32 = 20
    @Option(help: "realistic (a province like Lạng Sơn) or benchmark (the sizes of --persons/--events; the default when either is given).")
    var profile: SyntheticProvince.Profile?
    @Option(help: "Persons to generate (benchmark profile; default 100,000).") var persons: Int?
    @Option(help: "Case events to generate (benchmark profile; default 500,000).") var events: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 2025
    @Option(help: "Reporting day of the table (YYYY-MM-DD or DD/MM/YYYY).") var on: String = "2025-12-10"
    @Flag(help: "Keep an existing demo tenant instead of rebuilding it.") var keep = false
    @Flag(help: "Print persons by commune and status on the --on day instead of the shell or showcase.") var table = false
    @Flag(name: .customLong("pre-2025"), help: "Build a synthetic pre-2025 data set (old communes) and import it into the 2025 tenant.") var pre2025 = false

    func run() throws {
        let day: Day
        do { day = try Day.parse(on) } catch { throw ValidationError("--on: \(error)") }
        let store = try storeOptions.open(today: Day(year: 2026, month: 11, day: 24)!)
        let profile = self.profile ?? (persons == nil && events == nil ? .realistic : .benchmark)
        if pre2025 {
            let program = try DemoProvince.buildPre2025(in: store, province: province, persons: persons ?? 3_000, seed: seed)
            if table { try DemoProvince.printCounts(program, on: day); return }
            let session = try ShellSession(store: store, tenant: program.name)
            if isatty(STDIN_FILENO) != 0 {
                print("Opening the shell on it (the same as: hoso shell --store \(store.directory) --tenant \(program.name)).")
                Foundation.exit(ShellRunner.run(session, interactive: isatty(STDOUT_FILENO) != 0))
            }
            Foundation.exit(DemoProvince.showcase(session, DemoProvince.pre2025Statements) ? 0 : 1)
        }
        let program = try DemoProvince.build(in: store, province: province, persons: persons ?? 100_000, events: events ?? 500_000,
                                             seed: seed, rebuild: !keep, profile: profile)
        if table { try DemoProvince.printCounts(program, on: day); return }
        let session = try ShellSession(store: store, tenant: program.name)
        if isatty(STDIN_FILENO) != 0 {
            print("Opening the shell on it (the same as: hoso shell --store \(store.directory) --tenant \(program.name)).")
            Foundation.exit(ShellRunner.run(session, interactive: isatty(STDOUT_FILENO) != 0))
        }
        Foundation.exit(DemoProvince.showcase(session) ? 0 : 1)
    }
}

enum DemoProvince {
    static let tenantName = "demo"

    /// Creates (or with `rebuild` recreates) the demo tenant and loads generated data.
    static func build(in store: Store, province: Int32, persons: Int, events: Int, seed: UInt64, rebuild: Bool,
                      profile: SyntheticProvince.Profile = .benchmark) throws -> ProgramTenant {
        if let existing = try store.tenants().first(where: { $0.name == tenantName }) {
            if let unfinished = existing.unfinished {
                FileHandle.standardError.write(Data("hoso: the demo tenant is unfinished (\(unfinished) was interrupted): rebuilding it\n".utf8))
            } else if !rebuild {
                return try ProgramTenant.open(in: store, name: tenantName)
            }
            try store.dropTenant(tenantName)
        }
        let data = profile == .realistic ? try SyntheticProvince.realistic(provinceCode: province, seed: seed)
                                         : try SyntheticProvince(provinceCode: province, persons: persons, events: events, seed: seed)
        let calendar = province == 20 ? try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10) : .gregorian
        let gazetteer = try Gazetteer.official2025()
        let name = gazetteer.province(code: province)?.name ?? "Province \(province)"
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: tenantName, displayName: "\(name) (demo data)"),
                                               settings: data.settings(calendar: calendar), unfinished: "demo load")
        let started = Date()
        let terminal = isatty(STDERR_FILENO) != 0
        try program.load(persons: data.persons(), events: data.events(), batchSize: 100_000) { kind, p in
            if terminal {
                FileHandle.standardError.write(Data("\r  loading \(kind)s: \(p.recordsLoaded) (\(Int(p.recordsPerSecond))/s)   ".utf8))
            }
        }
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        if profile == .realistic {
            try program.recordInputs(data.officerInputs())
        }
        try program.markFinished()
        let (_, bytes) = try store.compactTenant(tenantName)
        let seconds = Date().timeIntervalSince(started)
        print("Built demo tenant '\(tenantName)' in \(store.directory): \(name), \(data.communes.count) communes, "
              + "\(data.personCount) persons, \(data.eventCount) case events (\(profile.rawValue) profile), loaded and compacted in \(String(format: "%.1f", seconds)) s, \(bytes / 1_000_000) MB.")
        return try ProgramTenant.open(in: store, name: tenantName)
    }

    /// Statements the showcase runs when stdin is not a terminal.
    static let showcaseStatements = [
        ("How many addicts with a file in each commune on 10/12/2025 (top 10)?",
         "SELECT commune_name, COUNT(*) FROM persons WHERE status = 'addict' AS OF '10/12/2025' GROUP BY commune_name ORDER BY count DESC, commune_name LIMIT 10;"),
        ("And in the whole province?", "SELECT COUNT(*) FROM persons WHERE status = 'addict' AS OF '10/12/2025';"),
        ("How the first question is answered:",
         "EXPLAIN SELECT commune_name, COUNT(*) FROM persons WHERE status = 'addict' AS OF '10/12/2025' GROUP BY commune_name;"),
        ("Drug cases and other case events by kind in 2025-H1:", "SELECT kind, COUNT(*) FROM events WHERE date = '2025-H1' GROUP BY kind;"),
        ("Drug cases by offence article (Criminal Code) in 2025-H1:",
         "SELECT offence_article, COUNT(*), SUM(arrested) FROM events WHERE kind = 'drug_case' AND date = '2025-H1' GROUP BY offence_article;"),
        ("Cultivation destroyed in Lạng Sơn's reporting year 2025 (10/12/2024–9/12/2025):",
         "SELECT COUNT(*), SUM(plants), SUM(area_m2) FROM events WHERE kind = 'cultivation' AND date IN REPORT YEAR 2025;"),
        ("Addicts on file now in Phường Tam Thanh (typed without diacritics):",
         "SELECT id, full_name, birth_date, village, status FROM persons WHERE commune_name = 'tam thanh' AND status = 'addict' ORDER BY id LIMIT 5;"),
        ("New illegal users in report year 2025, by cause (a move in is no new user):",
         "SELECT cause, COUNT(*) FROM status_changes WHERE status = 'illegal_user' AND direction = 'entry' AND date IN REPORT YEAR 2025 GROUP BY cause;"),
        ("Communes by class in 2025 under Decision 28/2025/QĐ-TTg (SQLite over Hoso's tables):",
         "SELECT class, COUNT(*) AS communes FROM classification WHERE period = '2025' AND rule_set = 'qd28-2025' GROUP BY class ORDER BY class;"),
        ("Lạng Sơn's target for 2025:",
         "SELECT name, value, target, met FROM targets WHERE name = 'lang-son-2025';"),
    ]

    /// Creates the demo tenant afresh and imports a synthetic pre-2025 data set into it, through
    /// the files `hoso import --places before2025` reads.
    static func buildPre2025(in store: Store, province: Int32, persons: Int, seed: UInt64) throws -> ProgramTenant {
        if try store.tenants().contains(where: { $0.name == tenantName }) { try store.dropTenant(tenantName) }
        let old = try SyntheticOldProvince(provinceCode: province, persons: persons, seed: seed)
        let calendar = province == 20 ? try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10) : .gregorian
        let name = old.history.after.province(code: province)?.name ?? "Province \(province)"
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: tenantName, displayName: "\(name) (demo data from before the 2025 reform)"),
                                               settings: old.base.settings(calendar: calendar))
        let directory = (store.directory as NSString).appendingPathComponent("demo-pre-2025")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = try old.write(to: directory)
        print("Wrote \(persons) synthetic pre-2025 files of \(name) naming the old communes (2024 gazetteer) to \(file) and person_events.csv beside it.")
        print("hoso import \(file) --table persons --tenant \(tenantName) --places before2025:")
        let summary = try TableTransfer.importFile(file, table: .persons, into: program, places: .before2025)
        print("  " + summary.text)
        let reviews = try program.placementReviews()
        let assigned = try program.read { q in var n = 0; _ = try q.allPersons { if $0.namedPlace?.placedBy == .file { n += 1 }; return true }; return n }
        print("  \(assigned) placed by the file's assigned_commune_code; the \(reviews.count) placed by default are listed by hoso places review --tenant \(tenantName).")
        return try ProgramTenant.open(in: store, name: tenantName)
    }

    /// Lạng Sơn's report year 2025 (10/12/2024–9/12/2025) asked both ways.
    static let pre2025Statements = [
        ("Files by today's communes (the old files rolled into the 2025 communes that took theirs over), top 8:",
         "SELECT commune, commune_name, COUNT(*) FROM persons GROUP BY commune, commune_name ORDER BY count DESC, commune LIMIT 8;"),
        ("The same files by the communes as they were on 1/3/2025 (each in the old commune it named), top 8:",
         "SELECT commune, commune_name, COUNT(*) FROM persons GROUP BY commune ORDER BY count DESC, commune LIMIT 8 BY PLACES AS OF '2025-03-01';"),
        ("How that is answered:",
         "EXPLAIN SELECT commune, COUNT(*) FROM persons GROUP BY commune BY PLACES AS OF '2025-03-01';"),
        ("Both ways the province has the same files:",
         "SELECT COUNT(*) FROM persons; SELECT COUNT(*) FROM persons BY PLACES AS OF '2025-03-01';"),
        ("Report year 2025 begins on 10/12/2024: addicts with a file that day, by the communes of that day (old communes), top 5:",
         "SELECT commune, commune_name, COUNT(*) FROM persons WHERE status = 'addict' AS OF '2024-12-10' GROUP BY commune ORDER BY count DESC, commune_name LIMIT 5 BY PLACES AS OF '2024-12-10';"),
        ("How that is answered (from the running count indexes, no record read):",
         "EXPLAIN SELECT commune, COUNT(*) FROM persons WHERE status = 'addict' AS OF '2024-12-10' GROUP BY commune BY PLACES AS OF '2024-12-10';"),
        ("The same day by today's communes, top 5:",
         "SELECT commune, commune_name, COUNT(*) FROM persons WHERE status = 'addict' AS OF '2024-12-10' GROUP BY commune, commune_name ORDER BY count DESC, commune_name LIMIT 5;"),
        ("It ends on 9/12/2025: addicts with a file then, by today's communes (the default), top 5:",
         "SELECT commune_name, COUNT(*) FROM persons WHERE status = 'addict' AS OF '2025-12-09' GROUP BY commune_name ORDER BY count DESC, commune_name LIMIT 5;"),
        ("Files opened in report year 2025, by the communes before the reform:",
         "SELECT commune_name, COUNT(*) FROM persons WHERE file_opened IN REPORT YEAR 2025 GROUP BY commune ORDER BY count DESC, commune_name LIMIT 5 BY PLACES AS OF '2025-06-30';"),
        ("New users and addicts found in report year 2025 up to the reform, by the old communes (the report's status changes; hoso report annual --year 2025 --places-as-of 2024-12-10 builds the whole report so):",
         "SELECT commune_name, COUNT(*) FROM status_changes WHERE direction = 'entry' AND cause = 'new' AND date BETWEEN '2024-12-10' AND '2025-06-30' GROUP BY commune ORDER BY count DESC, commune_name LIMIT 5 BY PLACES AS OF '2024-12-10';"),
    ]

    /// Runs the showcase, echoing each statement; false when one failed.
    static func showcase(_ session: ShellSession, _ statements: [(String, String)] = showcaseStatements) -> Bool {
        fflush(nil)
        session.output("stdin is not a terminal, so here is a short showcase instead of the shell (run `hoso shell` from a terminal for the real thing).\n")
        for (title, statement) in statements {
            session.output("\n-- \(title)\nhoso> \(statement)\n")
            guard session.run(statement) else { return false }
        }
        return true
    }

    /// Prints persons per commune and status on `day`.
    static func printCounts(_ program: ProgramTenant, on day: Day) throws {
        let statuses: [Status] = [.illegalUser, .addict, .voluntaryRehab, .compulsoryRehab, .methadone, .postRehab, .releasedPrisoner, .highRisk]
        var rows: [[String]] = []
        var totals = [Int](repeating: 0, count: statuses.count)
        for entry in program.settings.communes {
            let counts = try program.countPersonsByStatus(in: .commune(entry.ref), on: day)
            let cells = statuses.map { counts[$0] ?? 0 }
            for (i, n) in cells.enumerated() { totals[i] += n }
            rows.append([entry.name] + cells.map(String.init))
        }
        let province = try program.countPersonsByStatus(in: .province(program.settings.communes[0].ref.province), on: day)
        rows.append(["Total (province index)"] + statuses.map { String(province[$0] ?? 0) })
        precondition(statuses.indices.allSatisfy { totals[$0] == province[statuses[$0]] ?? 0 }, "commune counts must add up to the province's")
        print("Persons under management by commune and status on \(day):")
        print(TextTable(header: ["commune"] + statuses.map(\.code), rows: rows).render())
    }
}
