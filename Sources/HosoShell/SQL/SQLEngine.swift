import CSQLite
import Foundation
import HosoDomain
import Synchronization

/// SQLite's SQL over the tenant's records: an in-memory SQLite connection in which every table
/// of ``SQLTables`` is an eponymous virtual table, with the tenant's calendar as SQL functions.
/// Each statement reads one consistent snapshot of the tenant; `AS OF 'day'` sets the day the
/// persons' status and commune are about; period literals become calendar functions
/// (``SQLRewriter``).
///
/// ```swift
/// let engine = try SQLEngine(context: context)
/// let result = try engine.run("SELECT COUNT(*) FROM persons p JOIN status_history h ON h.person_id = p.id WHERE p.id = 1")
/// print(result.rows[0][0] == .int(Int64(try context.program.person(id: 1)!.history.count)))   // true
/// ```
public final class SQLEngine {
    /// The tenant.
    public let context: QueryContext
    let scope: SQLScope
    let db: OpaquePointer
    let module: UnsafeMutablePointer<sqlite3_module>
    var boxes: [ModuleBox] = []
    var functions: [FunctionBox] = []
    var collation: NameCollation?
    let cancelRequested = Atomic<Bool>(false)

    /// Opens a connection with the tenant's tables and calendar functions.
    public init(context: QueryContext) throws {
        self.context = context
        scope = SQLScope(context: context)
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(":memory:", &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let handle else {
            if let handle { sqlite3_close(handle) }
            throw QueryError("could not open SQLite (code \(rc))", location: nil)
        }
        db = handle
        module = VirtualTableModule.make()
        for table in SQLTables.all {
            let box = ModuleBox(table: table, scope: scope)
            boxes.append(box)
            sqlite3_create_module_v2(db, table.name, module, Unmanaged.passUnretained(box).toOpaque(), nil)
        }
        CalendarFunctions.register(self)
        collation = NameCollation.register(on: db)
        // Ctrl-C: SQLite stops between steps of its program as well as between rows of a scan.
        sqlite3_progress_handler(db, 2000, { arg in
            let engine = Unmanaged<SQLEngine>.fromOpaque(arg!).takeUnretainedValue()
            return Interruption.requested || engine.cancelRequested.load(ordering: .relaxed) ? 1 : 0
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        sqlite3_close_v2(db)
        module.deinitialize(count: 1)
        module.deallocate()
    }

    /// Cancels the running statement from another thread (as Ctrl-C does for the shell's).
    public func cancel() { cancelRequested.store(true, ordering: .relaxed) }

    /// The accesses the virtual tables used in the last statement (`table: index …`).
    public var lastAccesses: [String] { scope.used }

    /// Runs one statement (a `;` at its end is allowed) on one snapshot of the tenant;
    /// `parameters` bind `:name`, `@name`, `$name` and `?N` by the name written in the statement.
    public func run(_ text: String, parameters: [String: Value] = [:]) throws -> ResultSet {
        var rewritten = try SQLRewriter.rewrite(text, context: context)
        rewritten.parameters = parameters
        if rewritten.explain {
            return ResultSet(columns: [], rows: [], lines: try explainLines(rewritten))
        }
        return try execute(rewritten, sql: rewritten.sql)
    }

    /// The lines of `EXPLAIN` for a statement SQLite answers: which engine, the day, and SQLite's
    /// query plan, whose virtual-table lines name the Hoso index each table reads.
    func explainLines(_ r: SQLRewriter.Result) throws -> [String] {
        let plan = try execute(r, sql: "EXPLAIN QUERY PLAN " + r.sql)
        var lines = ["engine: SQLite over Hoso's virtual tables (one snapshot; status and commune of persons as of \(scope.asOf))"]
        var depth: [Int64: Int] = [0: 0]
        for row in plan.rows {
            guard case .int(let id) = row[0], case .int(let parent) = row[1] else { continue }
            let d = (depth[parent] ?? 0) + 1
            depth[id] = d
            lines.append(String(repeating: "  ", count: d - 1) + "- " + row[3].text)
        }
        lines.append("index per table: VIRTUAL TABLE INDEX 0:<Hoso index> <columns it is given>; 'scan' is a full scan")
        return lines
    }

    func execute(_ r: SQLRewriter.Result, sql: String) throws -> ResultSet {
        cancelRequested.store(false, ordering: .relaxed)
        scope.asOf = r.asOf ?? context.today
        scope.used = []
        return try context.program.read { q in
            try withUnsafePointer(to: q) { pointer in
                scope.snapshot = pointer
                defer { scope.snapshot = nil }
                return try step(sql, r)
            }
        }
    }

    func step(_ sql: String, _ r: SQLRewriter.Result) throws -> ResultSet {
        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let rc = sql.withCString { sqlite3_prepare_v3(db, $0, -1, 0, &statement, &tail) }
        guard rc == SQLITE_OK else { throw error(r) }
        guard let statement else { return ResultSet(columns: [], rows: []) }
        defer { sqlite3_finalize(statement) }
        if let tail, String(cString: tail).contains(where: { !$0.isWhitespace && $0 != ";" }) {
            throw QueryError("one statement at a time: end each with ';'", location: nil)
        }
        guard sqlite3_stmt_readonly(statement) != 0 else {
            throw QueryError("the shell's SQL reads only: records change through `hoso import`, `DELETE FROM persons|events WHERE id = n` and the domain's API", location: nil)
        }
        for i in 0..<sqlite3_bind_parameter_count(statement) {
            let index = i + 1
            guard let cName = sqlite3_bind_parameter_name(statement, index) else {
                throw QueryError("a '?' parameter without a number or name: write ?1 or :name and set it with .parameter set", location: nil)
            }
            let name = String(cString: cName)
            guard let value = r.parameters[name] ?? (name.hasPrefix("?") ? nil : r.parameters[":" + name.dropFirst()]) else {
                throw QueryError("no value for the parameter \(name): set one with .parameter set \(name) VALUE", location: nil)
            }
            switch value {
            case .null: sqlite3_bind_null(statement, index)
            case .int(let v): sqlite3_bind_int64(statement, index, v)
            case .real(let v): sqlite3_bind_double(statement, index, v)
            case .bool(let b): sqlite3_bind_int64(statement, index, b ? 1 : 0)
            case .date(let d): sqlite3_bind_text(statement, index, d.description, -1, hoso_sqlite_transient())
            case .text(let t): sqlite3_bind_text(statement, index, t, -1, hoso_sqlite_transient())
            }
        }
        let n = Int(sqlite3_column_count(statement))
        let columns = (0..<n).map { String(cString: sqlite3_column_name(statement, Int32($0))) }
        var rows: [[Value]] = []
        while true {
            try Interruption.check()
            let s = sqlite3_step(statement)
            if s == SQLITE_DONE { break }
            guard s == SQLITE_ROW else { throw error(r) }
            rows.append((0..<n).map { SQLEngine.column(statement, Int32($0)) })
        }
        return ResultSet(columns: columns, rows: rows)
    }

    /// SQLite's error, at the place in the original text it points to.
    func error(_ r: SQLRewriter.Result) -> QueryError {
        let code = sqlite3_errcode(db)
        if code == SQLITE_INTERRUPT || Interruption.requested || cancelRequested.load(ordering: .relaxed) {
            Interruption.clear()
            return QueryError("cancelled (Ctrl-C); nothing was changed", location: nil)
        }
        var message = String(cString: sqlite3_errmsg(db))
        if message.hasPrefix("no such table") {
            message += " (tables: \(SQLTables.all.map(\.name).joined(separator: ", ")); .schema shows their columns)"
        }
        let offset = Int(sqlite3_error_offset(db))
        guard offset >= 0, let location = r.location(ofByte: offset) else { return QueryError(message, location: nil) }
        return QueryError(message, location: location, length: r.tokenLength(at: location.offset))
    }

    // MARK: Values

    static func value(_ v: OpaquePointer?) -> Value {
        switch sqlite3_value_type(v) {
        case SQLITE_INTEGER: .int(sqlite3_value_int64(v))
        case SQLITE_FLOAT: .real(sqlite3_value_double(v))
        case SQLITE_TEXT: .text(String(cString: sqlite3_value_text(v)))
        case SQLITE_BLOB: .text(blobText(sqlite3_value_blob(v), Int(sqlite3_value_bytes(v))))
        default: .null
        }
    }

    static func column(_ s: OpaquePointer, _ i: Int32) -> Value {
        switch sqlite3_column_type(s, i) {
        case SQLITE_INTEGER: .int(sqlite3_column_int64(s, i))
        case SQLITE_FLOAT: .real(sqlite3_column_double(s, i))
        case SQLITE_TEXT: .text(String(cString: sqlite3_column_text(s, i)))
        case SQLITE_BLOB: .text(blobText(sqlite3_column_blob(s, i), Int(sqlite3_column_bytes(s, i))))
        default: .null
        }
    }

    static func blobText(_ p: UnsafeRawPointer?, _ n: Int) -> String {
        guard let p else { return "x''" }
        let bytes = UnsafeRawBufferPointer(start: p, count: n)
        return "x'" + bytes.map { String(format: "%02X", $0) }.joined() + "'"
    }

    static func result(_ ctx: OpaquePointer?, _ v: Value) {
        switch v {
        case .null: sqlite3_result_null(ctx)
        case .int(let i): sqlite3_result_int64(ctx, i)
        case .real(let r): sqlite3_result_double(ctx, r)
        case .bool(let b): sqlite3_result_int64(ctx, b ? 1 : 0)
        case .date(let d): sqlite3_result_text(ctx, d.description, -1, hoso_sqlite_transient())
        case .text(let s): sqlite3_result_text(ctx, s, -1, hoso_sqlite_transient())
        }
    }
}
