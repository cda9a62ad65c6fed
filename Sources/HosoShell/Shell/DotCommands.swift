import Foundation
import HosoDomain

extension ShellSession {
    /// The dot-commands and what they do (`.help`).
    public static let dotCommandHelp: [(String, String)] = [
        (".help", "show this help"),
        (".tenants", "list the store's tenants"),
        (".use NAME", "query another tenant"),
        (".tables", "the tables SQL reads"),
        (".schema [TABLE]", "tables and columns as CREATE TABLE statements, with what each column holds"),
        (".indexes", "the indexes and which questions they answer"),
        (".mode " + OutputMode.codes.joined(separator: "|") + " [TABLE]", "output format (insert: INSERT statements into TABLE)"),
        (".headers on|off", "column names in the output"),
        (".width N N …", "column widths of table and box output (0: as wide as the values; no N: reset)"),
        (".timer on|off", "print each statement's elapsed time (to the screen, never into an .output file)"),
        (".output FILE|stdout", "write results to a file, or back to the screen"),
        (".once FILE", "write the next result only to a file"),
        (".excel", "write the next result to a CSV file for Excel (with a byte order mark) and say where"),
        (".eqp on|off", "show the query plan before each SQL statement's result"),
        (".bail on|off", "stop a script at the first error (on, the default) or go on"),
        (".changes on|off", "show how many records a statement changed"),
        (".parameter set NAME VALUE|list|unset NAME|clear, .param", "values for :NAME, @NAME, $NAME and ?N in statements"),
        (".show", "the current settings"),
        (".read FILE", "run statements from a file"),
        (".import FILE TABLE", "load persons or events from CSV/NDJSON (bad rows to FILE.rejects.*)"),
        (".export TABLE FILE", "write persons or events to CSV/NDJSON (what import reads)"),
        (".export FILE SELECT …", "write a query's result to FILE (.csv, .json, .html, .md, .tsv by its extension)"),
        (".dump DIR", "write the tenant as persons.csv, person_events.csv and events.csv into DIR (import reads them)"),
        (".backup DIR", "copy the tenant online into DIR and verify the copy"),
        (".restore DIR", "replace the tenant by the backup in DIR (asks for confirmation)"),
        (".stats", "file size, record counts, map use, readers"),
        (".quit, .exit", "leave"),
    ]

    /// The dot-command names (for completion and "did you mean"), from ``dotCommandHelp``.
    public static var dotCommandNames: [String] {
        var seen = Set<String>()
        return dotCommandHelp.flatMap { usage in
            usage.0.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ",")) }.filter { $0.hasPrefix(".") }
        }.filter { seen.insert($0).inserted }
    }

    /// Runs a dot-command line. Returns false when it failed.
    @discardableResult
    public func dotCommand(_ line: String) -> Bool {
        let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
        let command = words[0].lowercased()
        let args = Array(words.dropFirst())
        func usage(_ text: String) -> Bool { fail("usage: \(text)"); return false }
        do {
            switch command {
            case ".help":
                let width = Self.dotCommandHelp.map(\.0.count).max() ?? 0
                write(Self.dotCommandHelp.map { $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + $0.1 }.joined(separator: "\n") + "\n")
                write("""

                Statements end with ';'. Examples:
                  SELECT commune_name, COUNT(*) FROM persons WHERE status = 'addict' AS OF '10/12/2025' GROUP BY commune_name;
                  SELECT kind, COUNT(*) FROM events WHERE date = '2025-H1' GROUP BY kind;
                  SELECT COUNT(*) FROM events WHERE kind = 'drug_case' AND date IN REPORT YEAR 2025;
                  SELECT commune_name, COUNT(*) FROM persons GROUP BY commune BY PLACES AS OF '2025-03-01';   (the communes before the reform)
                  SELECT commune, COUNT(*) FROM persons WHERE status = 'addict' AS OF '2024-12-10' GROUP BY commune BY PLACES AS OF '2024-12-10';
                  EXPLAIN SELECT * FROM persons WHERE national_id = '020090001234';
                  SELECT c.name, COUNT(p.id) FROM communes c LEFT JOIN persons p ON p.commune = c.code AND p.status = 'addict' GROUP BY c.code;
                  WITH m AS (SELECT report_month(date) m, COUNT(*) n FROM events GROUP BY 1) SELECT m, n, SUM(n) OVER (ORDER BY m) FROM m;

                Hoso's planner answers what it reads from its indexes (counts by commune, status, kind and
                period without reading records); SQLite answers the rest over the same tables (EXPLAIN says which).
                Periods: '2025-06' is the calendar month June; REPORT MONTH 2025-06 is the tenant's report month
                (e.g. 10 May – 9 June); likewise '2025-Q3' / REPORT QUARTER 2025-Q3, '2025-H1' / REPORT HALF 2025-H1,
                '2025' / REPORT YEAR 2025. Functions: report_year(d), report_month(d), report_quarter(d),
                report_half(d), in_period(d, p), in_report(d, p), period_start(p), period_end(p), report_start(p),
                report_end(p), today(), and all of SQLite's (date('now'), julianday, strftime…).

                """)
            case ".quit", ".exit":
                requestQuit()
            case ".tenants":
                let tenants = try ProgramTenant.list(in: store)
                let current = context?.program.name
                write(ResultFormatter(mode: .table, headers: true).render(ResultSet(
                    columns: ["name", "display_name", "province", "in_use"],
                    rows: tenants.map { [.text($0.info.name), .text($0.info.displayName), $0.province.map { .int(Int64($0)) } ?? .null,
                                         .text($0.info.name == current ? "*" : "")] })))
            case ".use":
                guard args.count == 1 else { return usage(".use NAME") }
                try use(args[0])
                errors("using tenant '\(args[0])'\n")
            case ".tables":
                write(SQLTables.all.map(\.name).joined(separator: "  ") + "\n")
            case ".schema":
                let tables = try args.map { name throws -> VirtualTable in
                    guard let t = SQLTables.named(name) else {
                        throw QueryError("unknown table '\(name)' (tables: \(SQLTables.all.map(\.name).joined(separator: ", ")))", location: nil)
                    }
                    return t
                }
                for t in tables.isEmpty ? SQLTables.all : tables {
                    var ddl = t.ddl(comments: true)
                    // Code columns list their codes.
                    if let schema = TableSchema.named(t.name) {
                        for c in schema.columns where c.codes != nil {
                            let summary = t.columnSummaries[t.columnNames.firstIndex(of: c.name) ?? 0]
                            ddl = ddl.replacingOccurrences(of: "-- " + summary + "\n", with: "-- " + summary + ": " + (c.codes?.help ?? "") + "\n")
                        }
                    }
                    write(ddl + "\n")
                }
            case ".indexes":
                write(Plan.indexCatalogText())
            case ".mode":
                guard (1...2).contains(args.count), let mode = OutputMode(code: args[0].lowercased()) else {
                    return usage(".mode " + OutputMode.codes.joined(separator: "|") + " [TABLE]")
                }
                formatter.mode = mode
                if mode == .insert { formatter.insertTable = args.count == 2 ? args[1] : "result" }
            case ".width":
                let widths = args.map { Int($0) }
                guard widths.allSatisfy({ $0 != nil && $0! >= 0 }) else { return usage(".width N N … (whole numbers ≥ 0)") }
                formatter.widths = widths.map { $0! }
            case ".once":
                guard args.count == 1 else { return usage(".once FILE") }
                onceFile = args[0]
            case ".excel":
                guard args.isEmpty else { return usage(".excel") }
                excelNext = true
            case ".eqp":
                guard args.count == 1, let on = Self.onOff(args[0]) else { return usage(".eqp on|off") }
                eqp = on
            case ".bail":
                guard args.count == 1, let on = Self.onOff(args[0]) else { return usage(".bail on|off") }
                continueOnError = !on
            case ".changes":
                guard args.count == 1, let on = Self.onOff(args[0]) else { return usage(".changes on|off") }
                showChanges = on
            case ".parameter", ".param":
                return parameterCommand(args, line: line)
            case ".show":
                let lines = [
                    ("tenant", context?.program.name ?? "(none)"), ("mode", formatter.mode.code + (formatter.mode == .insert ? " " + formatter.insertTable : "")),
                    ("headers", formatter.headers ? "on" : "off"), ("width", formatter.widths.map(String.init).joined(separator: " ")),
                    ("timer", timer ? "on" : "off"), ("eqp", eqp ? "on" : "off"), ("bail", continueOnError ? "off" : "on"),
                    ("changes", showChanges ? "on" : "off"), ("output", outputPath ?? "stdout"),
                    ("parameters", parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.text)" }.joined(separator: " ")),
                ]
                write(lines.map { String(repeating: " ", count: 10 - $0.0.count) + $0.0 + ": " + $0.1 }.joined(separator: "\n") + "\n")
            case ".dump":
                guard args.count == 1 else { return usage(".dump DIR") }
                guard let context else { fail("error: no tenant in use"); return false }
                try FileManager.default.createDirectory(atPath: args[0], withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let persons = try TableTransfer.exportTable(.persons, to: args[0] + "/persons.csv", from: context.program, replacing: true, checkpoint: { try Interruption.check() })
                let events = try TableTransfer.exportTable(.events, to: args[0] + "/events.csv", from: context.program, checkpoint: { try Interruption.check() })
                write("\(args[0]): persons.csv + person_events.csv (\(persons) persons), events.csv (\(events) events); "
                      + "load them with .import \(args[0])/persons.csv persons and .import \(args[0])/events.csv events\n")
            case ".backup":
                guard args.count == 1 else { return usage(".backup DIR") }
                guard let context else { fail("error: no tenant in use"); return false }
                let report = try ProgramTenant.backup(context.program.name, in: store, to: args[0])
                write("backed up tenant '\(context.program.name)' into \(args[0])" + (report.map { " (verified: \($0))" } ?? "") + "\n")
            case ".restore":
                guard args.count == 1 else { return usage(".restore DIR") }
                guard let context else { fail("error: no tenant in use"); return false }
                let name = context.program.name
                guard let confirm else { fail("error: .restore replaces tenant '\(name)': run it in an interactive shell, or use `hoso restore`"); return false }
                guard confirm("Replace tenant '\(name)' by the backup in \(args[0])? Type yes to confirm: ") else { write("Not restored.\n"); return true }
                engine = nil
                try ProgramTenant.restore(name, in: store, from: args[0], replace: true)
                try use(name)
                write("restored tenant '\(name)' from \(args[0])\n")
            case ".headers":
                guard args.count == 1, let on = Self.onOff(args[0]) else { return usage(".headers on|off") }
                formatter.headers = on
            case ".timer":
                guard args.count == 1, let on = Self.onOff(args[0]) else { return usage(".timer on|off") }
                timer = on
            case ".output":
                guard args.count <= 1 else { return usage(".output FILE|stdout") }
                outputFile?.closeFile()
                outputFile = nil
                outputPath = nil
                if let path = args.first, path != "stdout" {
                    guard let handle = Self.createPrivateFile(path) else { fail("error: cannot write \(path)"); return false }
                    outputFile = handle
                    outputPath = path
                }
            case ".read":
                guard args.count == 1 else { return usage(".read FILE") }
                guard let data = FileManager.default.contents(atPath: args[0]), let text = String(data: data, encoding: .utf8) else {
                    fail("error: cannot read \(args[0]) as UTF-8 text"); return false
                }
                let saved = pending
                pending = ""
                defer { pending = saved }
                return run(text, continueOnError: continueOnError)
            case ".import":
                guard args.count >= 2 else { return usage(".import FILE " + TransferTable.codes.joined(separator: "|")) }
                guard let context else { fail("error: no tenant in use"); return false }
                guard let table = TransferTable(code: args[1].lowercased()) else {
                    throw QueryError("import reads \(TransferTable.codes.joined(separator: " or ")), not '\(args[1])'", location: nil)
                }
                let bar = ProgressBar(label: args[0], total: ProgressBar.estimatedRows(of: args[0]), terminal: progressOnTerminal) { [weak self] in self?.errors($0) }
                defer { bar.finish(0) }
                let summary = try TableTransfer.importFile(args[0], table: table, into: context.program) { bar.update($0) }
                write("\(args[0]) → \(args[1]): \(summary.text)\n")
                try use(context.program.name)
            case ".export" where args.count >= 2 && TransferTable(code: args[0].lowercased()) == nil:
                // .export FILE SELECT …: a query's result.
                let parts = line.split(maxSplits: 2, omittingEmptySubsequences: true, whereSeparator: \.isWhitespace)
                return exportQuery(parts.count == 3 ? String(parts[2]) : "", to: args[0])
            case ".export":
                guard args.count == 2 else { return usage(".export " + TransferTable.codes.joined(separator: "|") + " FILE, or .export FILE SELECT …") }
                guard let context else { fail("error: no tenant in use"); return false }
                guard let table = TransferTable(code: args[0].lowercased()) else {
                    throw QueryError("export writes \(TransferTable.codes.joined(separator: " or ")), not '\(args[0])'", location: nil)
                }
                let n = try TableTransfer.exportTable(table, to: args[1], from: context.program, checkpoint: { try Interruption.check() })
                write("\(args[0]) → \(TableTransfer.files(table, at: args[1]).joined(separator: " and ")): \(n) records written\n")
            case ".stats":
                guard let context else { fail("error: no tenant in use"); return false }
                let d = try context.program.describe()
                func mb(_ b: Int) -> String { String(format: "%.1f MB", Double(b) / 1e6) }
                var lines = [
                    "tenant        \(d.info.name) — \(d.info.displayName)",
                    "records       " + d.recordCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
                    "file          \(mb(d.fileBytes)), \(mb(d.usedBytes)) in use",
                    "map           \(mb(d.mapSize)), \(String(format: "%.0f%%", Double(d.usedBytes) / Double(max(1, d.mapSize)) * 100)) used",
                    "readers       \(d.readers)",
                    "change log    \(d.lastChange) facts",
                    "current day   \(d.today)",
                    "calendar      \(context.program.calendar)",
                ]
                lines.append("")
                write(lines.joined(separator: "\n"))
                write(ResultFormatter(mode: .table, headers: true).render(ResultSet(columns: ["database", "entries", "bytes"],
                    rows: d.databases.map { [.text($0.name), .int(Int64($0.entries)), .int(Int64($0.bytes))] })))
            default:
                var m = "unknown command \(command)"
                if let g = Suggestions.closest(command, in: Self.dotCommandNames) { m += " — did you mean \(g)?" }
                fail("error: " + m + " (see .help)")
                return false
            }
            return true
        } catch let e as QueryError {
            fail(e.description); return false
        } catch {
            fail("error: \(error)"); return false
        }
    }

    /// Creates (or empties) a file only its owner can read (results hold personal data).
    static func createPrivateFile(_ path: String) -> FileHandle? {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else { return nil }
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return FileHandle(forWritingAtPath: path)
    }

    /// `.parameter set NAME VALUE | list | unset NAME | clear`.
    func parameterCommand(_ args: [String], line: String) -> Bool {
        let usageText = "usage: .parameter set NAME VALUE | list | unset NAME | clear (NAME as written in the statement: :n, @n, $n or ?1)"
        switch args.first?.lowercased() {
        case "set" where args.count >= 3:
            var name = args[1]
            if let first = name.first, !":@$?".contains(first) { name = ":" + name }
            let parts = line.split(maxSplits: 3, omittingEmptySubsequences: true, whereSeparator: \.isWhitespace)
            let raw = parts.count == 4 ? parts[3].trimmingCharacters(in: .whitespaces) : ""
            let value: Value
            if let i = Int64(raw) { value = .int(i) }
            else if let r = Double(raw) { value = .real(r) }
            else if raw.uppercased() == "NULL" { value = .null }
            else if raw.count >= 2, raw.hasPrefix("'"), raw.hasSuffix("'") { value = .text(String(raw.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")) }
            else { value = .text(raw) }
            parameters[name] = value
        case "list" where args.count == 1:
            write(parameters.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value == .null ? "NULL" : $0.value.text)\n" }.joined())
        case "unset" where args.count == 2:
            parameters[args[1]] = nil
            parameters[":" + args[1]] = nil
        case "clear" where args.count == 1:
            parameters = [:]
        default:
            fail(usageText); return false
        }
        return true
    }

    /// `.export FILE SELECT …`: the result of a query into a file, formatted by the file's extension.
    func exportQuery(_ query: String, to path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        var f = ResultFormatter(mode: .csv, headers: true)
        switch ext {
        case "json": f.mode = .json
        case "html", "htm": f.mode = .html
        case "md": f.mode = .markdown
        case "tsv", "tab": f.mode = .tabs
        default: break
        }
        do {
            let result = try self.query(query)
            guard let handle = Self.createPrivateFile(path) else { fail("error: cannot write \(path)"); return false }
            handle.write(Data(f.render(result).utf8))
            handle.closeFile()
            write("\(path): \(result.rows.count) rows (\(f.mode.code))\n")
            return true
        } catch let e as QueryError {
            fail(e.render(source: query)); return false
        } catch {
            fail("error: \(error)"); return false
        }
    }

    static func onOff(_ s: String) -> Bool? {
        switch s.lowercased() { case "on", "yes", "1": true; case "off", "no", "0": false; default: nil }
    }

}
