import ArgumentParser
import Foundation
import HosoDomain
import HosoShell

/// Options of the commands that run statements.
struct TenantOptions: ParsableArguments {
    @Option(help: "Tenant to use (default: 'demo', or the store's only tenant).") var tenant: String?
}

struct Shell: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Interactive SQL shell over a tenant (statements from stdin or a file when not a terminal).",
        discussion: """
        SQLite's SQL for reading (joins, subqueries, CTEs, window functions…) over persons, \
        person_drugs, person_events, status_history, events, event_persons, communes, \
        commune_population, status_changes, overdue, targets, indicators, classification and \
        classification_criteria (these three need WHERE period = '2025') and processing_log (the \
        logged reads of personal fields: every statement that reads them is logged), plus AS OF 'day', \
        BY PLACES AS OF 'day' (persons, events and status_changes by the communes in force that day: \
        before 1/7/2025 the old communes, each record in the one it named; counts of persons now or \
        AS OF a day and of events per kind from the count and dated indexes), period \
        literals ('2025-06', '2025-Q3') and REPORT \
        YEAR|HALF|QUARTER|MONTH periods of the tenant's calendar; EXPLAIN says which engine and \
        index answer. Dot-commands as sqlite3's: .help lists them (.tables, .schema, .mode, .once, \
        .excel, .export, .dump…).

        Exit codes: 0 every statement ran; 1 one failed (the first error stops the rest unless \
        --continue or .bail off).

        Examples:
          hoso shell --tenant lang-son
          hoso shell -c "SELECT kind, COUNT(*) FROM events WHERE date IN REPORT MONTH 2025-06 GROUP BY kind; .mode csv"
          hoso shell --tenant lang-son < questions.sql
          hoso shell -c "SELECT commune_name, COUNT(*) FROM persons GROUP BY commune BY PLACES AS OF '2025-03-01'"
          hoso shell -c "EXPLAIN SELECT commune, COUNT(*) FROM persons WHERE status = 'addict' AS OF '2024-12-10' GROUP BY commune BY PLACES AS OF '2024-12-10'"
        """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var tenantOptions: TenantOptions
    @Option(name: [.customShort("c"), .customLong("command")], help: "Run these statements and exit.") var command: String?
    @Option(help: ArgumentHelp("Output mode: " + OutputMode.codes.joined(separator: ", ") + ".", valueName: OutputMode.codes.joined(separator: "|"))) var mode: String = "table"
    @Flag(help: "Go on after an error (the exit code is still non-zero).") var `continue` = false
    @Argument(help: "A file of statements to run instead of reading stdin.") var file: String?

    func validate() throws { try validateMode(mode) }

    func run() throws {
        let session = try openSession(storeOptions, tenantOptions, mode: mode)
        if let command {
            Foundation.exit(session.run(command, continueOnError: `continue`) ? 0 : 1)
        }
        if let file {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("cannot read \(file) as UTF-8 text")
            }
            Foundation.exit(session.run(text, continueOnError: `continue`) ? 0 : 1)
        }
        let interactive = isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0
        Foundation.exit(ShellRunner.run(session, interactive: interactive, continueOnError: `continue`))
    }
}

struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run statements given as arguments, from a file or from stdin, and print the results (exit code 1 on an error).",
        discussion: """
        Exit codes: 0 every statement ran; 1 one failed (or no store is at --store).

        A command line is visible to every user of the machine (ps, /proc/PID/cmdline) and may be \
        kept in the shell's history: give statements that name a person (a name, a national ID) \
        with --file FILE or on stdin (-) instead. Errors then name the line of the file.

        Examples:
          hoso query "SELECT c.name, COUNT(p.id) FROM communes c LEFT JOIN persons p ON p.commune = c.code GROUP BY c.code"
          hoso query --mode html "SELECT kind, COUNT(*) FROM events GROUP BY kind" > kinds.html
          hoso query --file find.sql
          hoso query - < find.sql
        """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var tenantOptions: TenantOptions
    @Option(help: ArgumentHelp("Output mode: " + OutputMode.codes.joined(separator: ", ") + ".", valueName: OutputMode.codes.joined(separator: "|"))) var mode: String = "table"
    @Flag(help: "Go on after an error.") var `continue` = false
    @Option(help: "Run the statements of this file (after any given as arguments).") var file: String?
    @Argument(help: "Statements, e.g. \"SELECT kind, COUNT(*) FROM events WHERE date = '2025-H1' GROUP BY kind\"; - reads statements from stdin.") var statements: [String] = []

    func validate() throws {
        try validateMode(mode)
        if statements.isEmpty && file == nil {
            throw ValidationError("give statements, --file FILE, or - to read them from stdin")
        }
        if statements.filter({ $0 == "-" }).count > 1 { throw ValidationError("- (stdin) can be given once") }
    }

    func run() throws {
        var scripts: [String] = []
        for s in statements {
            if s == "-" {
                let data = FileHandle.standardInput.readDataToEndOfFile()
                guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("stdin is not UTF-8 text") }
                scripts.append(text)
            } else {
                scripts.append(s)
            }
        }
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file): \(String(cString: strerror(errno))); give a readable file of statements")
            }
            guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("cannot read \(file) as UTF-8 text") }
            scripts.append(text)
        }
        let session = try openSession(storeOptions, tenantOptions, mode: mode)
        var ok = true
        for script in scripts {
            ok = session.run(script, continueOnError: `continue`) && ok
            if !ok && !`continue` { break }
        }
        Foundation.exit(ok ? 0 : 1)
    }
}

/// An unknown --mode fails in validation, so that the usage shown is the subcommand's.
func validateMode(_ mode: String) throws {
    guard OutputMode(code: mode.lowercased()) != nil else {
        throw ValidationError("--mode must be one of \(OutputMode.codes.joined(separator: ", "))")
    }
}

func openSession(_ storeOptions: StoreOptions, _ tenantOptions: TenantOptions, mode: String) throws -> ShellSession {
    guard let outputMode = OutputMode(code: mode.lowercased()) else {
        throw ValidationError("--mode must be one of \(OutputMode.codes.joined(separator: ", "))")
    }
    // Reading never creates a store: a mistyped --store or a command run in the wrong directory says so.
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: storeOptions.directory, isDirectory: &isDirectory), isDirectory.boolValue else {
        fail("no store at \(storeOptions.directory): give --store DIR (or set HOSO_STORE), or create one with `hoso demo` or `hoso tenants create`")
    }
    let session = try ShellSession(store: try storeOptions.open(), tenant: tenantOptions.tenant)
    session.formatter.mode = outputMode
    return session
}
