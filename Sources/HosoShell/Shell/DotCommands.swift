import Foundation
import HosoDomain

extension ShellSession {
    /// The dot-commands and what they do (`.help`).
    public static let dotCommandHelp: [(String, String)] = [
        (".help", "show this help"),
        (".tenants", "list the store's tenants"),
        (".use NAME", "query another tenant"),
        (".schema [TABLE]", "tables and columns"),
        (".indexes", "the indexes and which questions they answer"),
        (".mode " + OutputMode.codes.joined(separator: "|"), "output format"),
        (".headers on|off", "column names in table and csv output"),
        (".timer on|off", "print each statement's elapsed time"),
        (".output FILE|stdout", "write results to a file, or back to the screen"),
        (".read FILE", "run statements from a file"),
        (".import FILE TABLE", "load persons or events from CSV/NDJSON (bad rows to FILE.rejects.*)"),
        (".export TABLE FILE", "write persons or events to CSV/NDJSON (what import reads)"),
        (".stats", "file size, record counts, map use, readers"),
        (".quit, .exit", "leave"),
    ]

    /// The dot-command names (for completion and "did you mean"), from ``dotCommandHelp``.
    public static var dotCommandNames: [String] {
        dotCommandHelp.flatMap { usage in
            usage.0.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ",")) }.filter { $0.hasPrefix(".") }
        }
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
                  EXPLAIN SELECT * FROM persons WHERE national_id = '020090001234';

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
            case ".schema":
                let tables = try args.map { name throws -> TableSchema in
                    guard let t = TableSchema.named(name) else {
                        throw QueryError("unknown table '\(name)' (tables: \(TableSchema.Name.codes.joined(separator: ", ")))", location: nil)
                    }
                    return t
                }
                for t in tables.isEmpty ? TableSchema.all : tables {
                    let width = t.columns.map(\.name.count).max() ?? 0
                    write("\(t.name.rawValue): \(t.summary)\n")
                    for c in t.columns {
                        write("  " + c.name + String(repeating: " ", count: width - c.name.count) + "  " + c.type.rawValue
                              + String(repeating: " ", count: 12 - c.type.rawValue.count) + c.help + "\n")
                    }
                }
            case ".indexes":
                write(Plan.indexCatalogText())
            case ".mode":
                guard args.count == 1, let mode = OutputMode(code: args[0].lowercased()) else {
                    return usage(".mode " + OutputMode.codes.joined(separator: "|"))
                }
                formatter.mode = mode
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
                if let path = args.first, path != "stdout" {
                    guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                        fail("error: cannot write \(path)"); return false
                    }
                    outputFile = handle
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
                let summary = try TableTransfer.importFile(args[0], table: table, into: context.program)
                write("\(args[0]) → \(args[1]): \(summary.text)\n")
                try use(context.program.name)
            case ".export":
                guard args.count == 2 else { return usage(".export " + TransferTable.codes.joined(separator: "|") + " FILE") }
                guard let context else { fail("error: no tenant in use"); return false }
                guard let table = TransferTable(code: args[0].lowercased()) else {
                    throw QueryError("export writes \(TransferTable.codes.joined(separator: " or ")), not '\(args[0])'", location: nil)
                }
                let n = try TableTransfer.exportTable(table, to: args[1], from: context.program, checkpoint: { try Interruption.check() })
                write("\(args[0]) → \(args[1]): \(n) records written\n")
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

    static func onOff(_ s: String) -> Bool? {
        switch s.lowercased() { case "on", "yes", "1": true; case "off", "no", "0": false; default: nil }
    }

}
