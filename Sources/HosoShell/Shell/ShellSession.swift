import Foundation
import HosoDomain

/// The shell engine: a store, the tenant in use, output settings, and the statements and
/// dot-commands it runs. The interactive loop (``ShellRunner``), `hoso query` and the tests
/// all drive it through ``run(_:)`` and ``feed(line:)``.
///
/// ```swift
/// let session = try ShellSession(store: store, tenant: "demo")
/// session.output = { print($0, terminator: "") }
/// let ok = session.run("SELECT commune_name, COUNT(*) FROM persons WHERE status = 'addict' AS OF '10/12/2025' GROUP BY commune_name;")
/// print(ok)   // true
/// ```
public final class ShellSession {
    /// The store.
    public let store: Store
    /// The tenant in use, and its query context.
    public private(set) var context: QueryContext?
    /// Output formatting.
    public var formatter = ResultFormatter()
    /// Print the elapsed time of each statement.
    public var timer = false
    /// Where results go (stdout by default; `.output FILE` redirects).
    public var output: (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }
    /// Where errors and notes go (stderr by default).
    public var errors: (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    /// Asks a yes/no question (interactive sessions); nil refuses destructive statements.
    public var confirm: ((String) -> Bool)?
    /// Set by `.quit`.
    public private(set) var quitRequested = false
    /// Statements and dot-commands that failed.
    public private(set) var errorCount = 0
    var outputFile: FileHandle?
    var engine: SQLEngine?
    /// `.output`'s file name; `.once`'s next file; `.excel`; `.eqp`; `.changes`; `.parameter`s.
    var outputPath: String?
    var onceFile: String?
    var excelNext = false
    var eqp = false
    var showChanges = false
    var parameters: [String: Value] = [:]
    /// Whether progress is drawn in place (an interactive terminal) rather than as periodic lines.
    public var progressOnTerminal = false
    /// Which engine answered the last statement: `hoso fast path`, `hoso` (DELETE) or `sqlite`.
    public private(set) var lastEngine = ""
    var pending = ""
    /// Lines fed so far, and the line the pending statement started on (for error positions in scripts).
    var linesFed = 0
    var pendingFirstLine = 1
    /// Whether errors give line numbers of the whole input (scripts, pipes) rather than of the statement.
    public var scriptLineNumbers = false
    /// Whether the statements after a failed one still run (`--continue`): the rest of its line
    /// as well as the lines after it. ``run(_:continueOnError:)`` sets it for the script it runs.
    public var continueOnError = false

    /// Opens a session on a store, using `tenant` (default: `demo`, or the only tenant).
    public init(store: Store, tenant: String? = nil) throws {
        self.store = store
        let names = try store.tenantNames()
        if let name = tenant ?? (names.contains("demo") ? "demo" : names.count == 1 ? names[0] : nil) {
            try use(name)
        }
    }

    /// Switches to a tenant.
    public func use(_ name: String) throws {
        let program = try ProgramTenant.open(in: store, name: name)
        context = try QueryContext(program: program)
    }

    func write(_ text: String) {
        if let outputFile { outputFile.write(Data(text.utf8)) } else { output(text) }
    }

    func fail(_ message: String) {
        errorCount += 1
        errors(message.hasSuffix("\n") ? message : message + "\n")
    }

    // MARK: Input

    /// Whether a statement is being continued (the prompt shows `...>`).
    public var isContinuing: Bool { !pending.isEmpty }

    /// Feeds one line of input: a dot-command at the start of a statement runs at once; other
    /// text accumulates until a `;` completes it. Returns false when something failed.
    @discardableResult
    public func feed(line: String) -> Bool {
        linesFed += 1
        if pending.isEmpty {
            pendingFirstLine = scriptLineNumbers ? linesFed : 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return true }
            if trimmed.hasPrefix(".") { return dotCommand(trimmed.hasSuffix(";") ? String(trimmed.dropLast()) : trimmed) }
        }
        pending += pending.isEmpty ? line : "\n" + line
        if Lexer.isComplete(pending) { return flush() }
        return true
    }

    /// Runs what is pending (the end of the input ends a statement). Returns false on failure.
    @discardableResult
    public func flush() -> Bool {
        let text = pending
        pending = ""
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return true }
        return execute(text, firstLine: pendingFirstLine)
    }

    /// Runs a script (statements and dot-commands, one per line for dot-commands). Stops at the
    /// first error unless `continueOnError`. Returns false when something failed.
    @discardableResult
    public func run(_ script: String, continueOnError: Bool = false) -> Bool {
        let (savedLines, savedMode, savedContinue) = (linesFed, scriptLineNumbers, self.continueOnError)
        linesFed = 0; scriptLineNumbers = true; self.continueOnError = continueOnError
        defer { linesFed = savedLines; scriptLineNumbers = savedMode; self.continueOnError = savedContinue }
        var ok = true
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            if !feed(line: String(line)) { ok = false; if !self.continueOnError { pending = ""; return false } }
            if quitRequested { return ok }
        }
        if !flush() { ok = false }
        return ok
    }

    /// Parses and runs the statements of `text`, printing results. Returns false when one
    /// failed: at the first error, or, with ``continueOnError``, after running the others (a
    /// statement that does not lex or parse is skipped up to its `;`).
    @discardableResult
    public func execute(_ text: String, firstLine: Int = 1) -> Bool {
        let chars = Array(text)
        var ok = true
        // Statement by statement: a statement that fails stops only itself.
        var start = 0, line = 1, lineStart = 0
        while start < chars.count {
            let end = Lexer.statementEnd(chars, from: start)
            defer {
                for i in start..<end where chars[i] == "\n" { line += 1; lineStart = i + 1 }
                start = end
            }
            let chunk = String(chars[start..<end])
            guard SQLRewriter.tokens(Array(chunk.utf8)).contains(where: { $0.kind != .space && !(chunk.utf8.count == $0.end && chunk.hasSuffix(";") && $0.end - $0.start == 1) }) else { continue }
            // A dot-command after statements on one line (`-c "SELECT …; .mode csv"`).
            let trimmed = chunk.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.hasPrefix("."), trimmed.dropFirst().first?.isLetter == true {
                let command = trimmed.hasSuffix(";") ? String(trimmed.dropLast()) : trimmed
                if !dotCommand(command) { guard continueOnError else { return false }; ok = false }
                if quitRequested { return ok }
                continue
            }
            do {
                let started = DispatchTime.now().uptimeNanoseconds
                Interruption.clear()
                let result = try answer(chars, from: start, to: end, line: line, lineStart: lineStart)
                if let result { show(result) }
                if timer {
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                    output(String(format: "Run Time: %.3f s\n", seconds))   // to the screen, never into an .output file
                }
            } catch let error as QueryError {
                fail(error.render(source: text, firstLine: firstLine))
                guard continueOnError else { return false }
                ok = false
            } catch {
                fail("error: \(error)")
                guard continueOnError else { return false }
                ok = false
            }
        }
        return ok
    }

    /// Writes a result: to `.once`'s file, to a CSV for Excel, or to the output.
    func show(_ result: ResultSet) {
        if let path = onceFile {
            onceFile = nil
            guard let handle = Self.createPrivateFile(path) else { fail("error: cannot write \(path)"); return }
            handle.write(Data(formatter.render(result).utf8))
            handle.closeFile()
            return
        }
        if excelNext, result.lines == nil {
            excelNext = false
            let stamp = Int(Date().timeIntervalSince1970)
            let path = NSTemporaryDirectory() + "hoso-\(stamp).csv"
            guard let handle = Self.createPrivateFile(path) else { fail("error: cannot write \(path)"); return }
            handle.write(Data([0xEF, 0xBB, 0xBF] + Array(ResultFormatter(mode: .csv, headers: true).render(result).utf8)))
            handle.closeFile()
            output("wrote \(result.rows.count) rows to \(path) (CSV with a byte order mark, so that Excel shows Vietnamese; open it in Excel)\n")
            return
        }
        write(formatter.render(result))
    }

    /// Which engine answers a statement: Hoso's planner when it reads the statement (one table,
    /// its conditions, COUNT/SUM, GROUP BY, ORDER BY, LIMIT, AS OF) — from count and dated
    /// indexes when it can (the fast path), else from one index scan — and for `DELETE`; SQLite
    /// over the virtual tables for everything else (joins, subqueries, CTEs, windows, functions…).
    /// Hoso keeps what its planner reads so that its statements keep their meaning: LIKE and
    /// commune names ignoring case and diacritics (SQLite's LIKE here folds too), period and
    /// `DD/MM/YYYY` literals, AND/OR chains of any length. A statement Hoso reads but whose
    /// values are wrong (an unknown status or commune, a bad date) fails with Hoso's error and
    /// its suggestions.
    func route(_ chars: [Character], from start: Int, to end: Int, line: Int, lineStart: Int) throws -> Route {
        guard let context else { return .sqlite(hosoError: nil) }
        let tokens: [Token]
        do { tokens = try Lexer.tokens(chars, from: start, to: end, line: line, lineStart: lineStart) } catch { return .sqlite(hosoError: nil) }
        var parser = Parser(tokens: tokens)
        let statement: Statement
        do {
            guard let parsed = try parser.next(), try parser.next() == nil else { return .sqlite(hosoError: nil) }
            statement = parsed
        } catch {
            // Nesting past Hoso's limit is refused as such (SQLite would only say "parser stack overflow").
            if error.message.contains("nests too deeply") { throw error }
            return .sqlite(hosoError: nil)
        }
        switch statement {
        case .delete: return .hoso(statement, nil)
        case .select(let s), .explain(let s):
            do {
                return .hoso(statement, try Planner(context: context).plan(s))
            } catch where TableSchema.named(s.table) == nil {
                // A table only SQL has (person_events, indicators…): SQLite's error is the one to show;
                // a CTE's name, or none: Hoso's "unknown table" says more when SQLite fails too.
                return .sqlite(hosoError: SQLTables.named(s.table) != nil ? nil : error)
            } catch where ShellSession.isValueError(error) {
                throw error
            } catch {
                return .sqlite(hosoError: error)
            }
        }
    }

    /// Who answers a statement.
    enum Route {
        /// Hoso's planner (with its plan; nil for DELETE).
        case hoso(Statement, Plan?)
        /// SQLite; when SQLite fails too, Hoso's error (if it read the statement) says more.
        case sqlite(hosoError: QueryError?)
    }

    /// Errors of Hoso's planner about a value (a code, a commune, a day) rather than about SQL
    /// it does not read: these are reported, with their suggestions, instead of handing the
    /// statement to SQLite (which would answer nothing).
    static func isValueError(_ e: QueryError) -> Bool {
        let m = e.message
        return m.contains("did you mean") || m.hasPrefix("unknown commune") || m.hasPrefix("not a date") || m.hasPrefix("not a reporting period")
            || m.hasPrefix("expected a date") || m.contains("is a code: compare") || m.hasPrefix("unknown ") && !m.hasPrefix("unknown table")
            || m.hasPrefix("the lower bound of BETWEEN") || m.hasPrefix("the LIKE pattern") || m.hasPrefix("BY PLACES")
    }

    /// Answers the statement in `chars[start..<end]` (positions of errors in the whole text).
    func answer(_ chars: [Character], from start: Int, to end: Int, line: Int, lineStart: Int) throws -> ResultSet? {
        _ = context?.personalReads.take()
        let result = try answerUnlogged(chars, from: start, to: end, line: line, lineStart: lineStart)
        // The law's processing log: a statement that read personal fields is logged before its
        // rows are shown (and not shown when it cannot be logged).
        if let context {
            let read = context.personalReads.take()
            if !read.isEmpty {
                let text = try Self.loggable(chars, from: start, to: end, line: line, lineStart: lineStart, program: context.program)
                try context.program.logPersonalRead(text, personIDs: read)
            }
        }
        return result
    }

    /// The statement in `chars[start..<end]` as the processing log keeps it: in a sealed
    /// tenant, each string and each long number (a national ID written as one) is replaced by
    /// its keyed digest (``HosoDomain/ProgramTenant/valueForLog(_:)``), so that no name or
    /// national ID a statement names is written in clear into the store.
    static func loggable(_ chars: [Character], from start: Int, to end: Int, line: Int, lineStart: Int,
                         program: ProgramTenant) throws -> String {
        let plain = { String(chars[start..<end]).trimmingCharacters(in: .whitespacesAndNewlines) }
        guard try program.isSealed() else { return plain() }
        let tokens: [Token]
        do { tokens = try Lexer.tokens(chars, from: start, to: end, line: line, lineStart: lineStart) } catch { return "(a statement that does not parse)" }
        var out: [Character] = []
        var at = start
        for t in tokens where t.kind == .string || (t.kind == .integer && t.text.count >= 9) {
            out += chars[at..<t.location.offset]
            let digest = try program.valueForLog(t.text)
            out += Array(t.kind == .string ? "'\(digest)'" : digest)
            at = t.location.offset + t.length
        }
        out += chars[at..<end]
        return String(out).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func answerUnlogged(_ chars: [Character], from start: Int, to end: Int, line: Int, lineStart: Int) throws -> ResultSet? {
        guard let context else {
            throw QueryError("no tenant in use: pick one with .use NAME (see .tenants), or run `hoso demo`", location: nil)
        }
        let route = try route(chars, from: start, to: end, line: line, lineStart: lineStart)
        if case let .hoso(statement, plan) = route {
            lastEngine = plan?.count != nil ? "hoso fast path" : "hoso"
            if eqp, case .select = statement, let plan {
                write(plan.explain().map { "QUERY PLAN (hoso): " + $0 + "\n" }.joined())
            }
            if case .delete = statement, showChanges, var result = try execute(statement) {
                let changed = result.lines?.first?.hasPrefix("Deleted") == true ? 1 : 0
                result.lines = (result.lines ?? []) + ["changes: \(changed)"]
                return result
            }
            // An officer's count of a province or district is refused by the engine (it counts
            // other communes' people); SQLite then answers over the records the officer reads.
            if case .select = statement, context.program.access.role == .officer {
                do { return try execute(statement) } catch HosoError.accessDenied {}
                lastEngine = "sqlite"
                return try reopeningIfReplaced(context) { try sqlEngine(for: $0).run(String(chars[start..<end]), parameters: parameters) }
            }
            guard case .explain = statement else { return try execute(statement) }
            var result = try execute(statement) ?? ResultSet(columns: [], rows: [])
            let engine: String
            switch plan?.count {
            case .personsMatching?: engine = "engine: Hoso's planner, fast path (counted on the stored bytes of every file, none decoded)"
            case .some: engine = "engine: Hoso's planner, fast path (answered from count and dated indexes, no record read)"
            case nil: engine = "engine: Hoso's planner (one index scan; SQLite answers what it does not read)"
            }
            result.lines = (result.lines ?? []) + [engine]
            return result
        }
        lastEngine = "sqlite"
        let chunk = String(chars[start..<end])
        do {
            return try reopeningIfReplaced(context) { context in
                let engine = try sqlEngine(for: context)
                if eqp, let plan = try? engine.run("EXPLAIN " + chunk, parameters: parameters), let lines = plan.lines {
                    write(lines.map { "QUERY PLAN: " + $0 + "\n" }.joined())
                }
                let result = try engine.run(chunk, parameters: parameters)
                if showChanges { write("changes: 0\n") }
                return result
            }
        } catch var error as QueryError {
            if case .sqlite(let hosoError?) = route, !error.message.hasPrefix("cancelled") { throw hosoError }
            if var l = error.location {
                if l.line == 1 { l.column += start - lineStart }
                l.line += line - 1
                l.offset += start
                error.location = l
            }
            throw error
        }
    }

    /// The SQLite connection of the tenant in use (opened on first use, again after `.use`).
    func sqlEngine(for context: QueryContext) throws -> SQLEngine {
        if let engine, engine.context.program === context.program { return engine }
        let made = try SQLEngine(context: context)
        engine = made
        return made
    }

    /// Runs one parsed statement; returns its result (nil when it printed nothing).
    public func execute(_ statement: Statement) throws -> ResultSet? {
        guard let context else {
            throw QueryError("no tenant in use: pick one with .use NAME (see .tenants), or run `hoso demo`", location: nil)
        }
        switch statement {
        case .select(let s):
            return try reopeningIfReplaced(context) { context in
                let plan = try Planner(context: context).plan(s)
                return try Executor(context: context).run(plan)
            }
        case .explain(let s):
            return try reopeningIfReplaced(context) { context in
                let plan = try Planner(context: context).plan(s)
                return ResultSet(columns: [], rows: [], lines: plan.explain())
            }
        case let .delete(table, id, token):
            guard table == "persons" || table == "events" else {
                throw QueryError("DELETE works on persons or events only", at: token)
            }
            let what = table == "persons" ? "person \(id) and the management file's whole history" : "case event \(id)"
            guard let confirm else {
                throw QueryError("DELETE needs confirmation: run it in an interactive shell", at: token)
            }
            guard confirm("Delete \(what)? The change log keeps its ids and dates, not its names, and the tenant's file is compacted so no copy stays in it. Type yes to confirm: ") else {
                return ResultSet(columns: [], rows: [], lines: ["Not deleted."])
            }
            let deleted = table == "persons" ? try context.program.deletePerson(id: id) : try context.program.deleteEvent(id: id)
            guard deleted else { return ResultSet(columns: [], rows: [], lines: ["No \(table == "persons" ? "person" : "event") \(id)."]) }
            // The deleted fields still sit in the free pages of the file: compact it away.
            let name = context.program.name
            let (before, after) = try store.scrubTenant(name)
            try use(name)
            return ResultSet(columns: [], rows: [], lines: ["Deleted \(what); the change log keeps its ids and dates only.",
                                                            "Scrubbed tenant '\(name)': compacted \(before / 1024) KiB → \(after / 1024) KiB, the old file overwritten with zeros."])
        }
    }

    /// Runs a read, and when the tenant was compacted, restored or dropped by another command
    /// since it was opened here, opens it again (saying so) and runs the read once more: reads
    /// change nothing, so running one again is safe. A dropped tenant fails with its error.
    func reopeningIfReplaced(_ current: QueryContext, _ read: (QueryContext) throws -> ResultSet) throws -> ResultSet {
        do {
            return try read(current)
        } catch HosoError.tenantReplaced(let name) {
            try use(current.program.name)
            errors("note: tenant '\(name)' was compacted, restored or dropped by another command since it was opened; opened it again\n")
            guard let context else { throw HosoError.tenantReplaced(name: name) }
            return try read(context)
        }
    }

    /// Runs a statement and returns its result (for tests and embedding); throws on error.
    public func query(_ text: String) throws -> ResultSet {
        let chars = Array(text)
        Interruption.clear()
        return try answer(chars, from: 0, to: chars.count, line: 1, lineStart: 0) ?? ResultSet(columns: [], rows: [])
    }

    func requestQuit() { quitRequested = true }

    /// Drops a partly entered statement (Ctrl-C at the prompt).
    public func discardPending() { pending = "" }
}
