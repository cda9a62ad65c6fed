import HosoDomain

/// The SQL type a virtual table declares for a column (its affinity in SQLite).
public enum SQLColumnType: String, Sendable, Hashable {
    /// Whole numbers (and yes/no as 1/0).
    case integer = "INTEGER"
    /// Text; days are ISO `YYYY-MM-DD` text so that SQLite's date functions and comparisons work.
    case text = "TEXT"
    /// Floating-point numbers.
    case real = "REAL"
}

/// A comparison SQLite hands a virtual table to use in its index choice.
public enum ConstraintOperator: String, Sendable, Hashable, CaseIterable {
    case eq = "=", lt = "<", le = "<=", gt = ">", ge = ">="
}

/// A column of a virtual table: its name, SQL type, what it holds, and how a row gives its value.
public struct VirtualColumn<Row>: Sendable {
    /// Name.
    public var name: String
    /// SQL type.
    public var type: SQLColumnType
    /// What it holds (`.schema` shows it as a comment).
    public var summary: String
    /// The value of a row; the scope gives the statement's `AS OF` day and the tenant's names.
    public var value: @Sendable (Row, SQLScope) -> Value

    /// Creates a column.
    public init(_ name: String, _ type: SQLColumnType, _ summary: String, _ value: @escaping @Sendable (Row, SQLScope) -> Value) {
        self.name = name; self.type = type; self.summary = summary; self.value = value
    }
}

/// One way a virtual table can find its rows besides a full scan: the index it reads and the
/// columns whose constraints it turns into that index's keys.
///
/// `keys` lists the columns in the order the index uses them; a key is either required (the
/// access is possible only with it) or optional (it narrows the scan when present). `estimate`
/// gives the rows it expects from the table's size and the keys SQLite offered, so that
/// SQLite's planner orders joins by honest numbers.
public struct VirtualAccess: Sendable {
    /// A key column of the access.
    public struct Key: Sendable {
        /// The column.
        public var column: String
        /// The comparisons the index answers on it (`=` only for a code or id, ranges for a day).
        public var operators: Set<ConstraintOperator>
        /// Whether the access needs it.
        public var required: Bool
        /// Creates a key.
        public init(_ column: String, _ operators: Set<ConstraintOperator> = [.eq], required: Bool = true) {
            self.column = column; self.operators = operators; self.required = required
        }
    }
    /// The name EXPLAIN shows (the Hoso index it reads).
    public var name: String
    /// Its key columns.
    public var keys: [Key]
    /// The column its rows come sorted by when it is used with ranges only (no `=`), if any.
    public var orderedBy: String?
    /// Whether the access can answer this statement (e.g. an index of current values only when the statement is about today).
    public var available: @Sendable (SQLScope) -> Bool
    /// Expected rows, from the table's row count and the key columns used.
    public var estimate: @Sendable (_ tableRows: Double, _ used: [String: Set<ConstraintOperator>], _ scope: SQLScope) -> Double

    /// Creates an access.
    public init(_ name: String, keys: [Key], orderedBy: String? = nil,
                available: @escaping @Sendable (SQLScope) -> Bool = { _ in true },
                estimate: @escaping @Sendable (_ tableRows: Double, _ used: [String: Set<ConstraintOperator>], _ scope: SQLScope) -> Double) {
        self.name = name; self.keys = keys; self.orderedBy = orderedBy; self.available = available; self.estimate = estimate
    }
}

/// What a virtual table's producer is asked for: the access chosen (nil: a full scan) and the
/// values of the constraints on its key columns. The producer may return more rows than match
/// (SQLite checks every constraint again), never fewer.
public struct VirtualRequest: Sendable {
    /// The access, by name; nil for a full scan.
    public var access: String?
    /// Constraints by column name.
    public var bounds: [String: [(ConstraintOperator, Value)]]

    /// The value of an `=` constraint on a column.
    public func equal(_ column: String) -> Value? { bounds[column]?.first { $0.0 == .eq }?.1 }

    /// The days a column's constraints allow, when they are ISO days (`YYYY-MM-DD`); nil when
    /// there is no usable bound. Non-ISO values (a number, '2025-06') give no bound: the
    /// producer then reads every day and SQLite compares.
    public func days(_ column: String) -> DayRange? {
        guard let list = bounds[column] else { return nil }
        var lo = Day(year: -9999, month: 1, day: 1)!, hi = Day(year: 9999, month: 12, day: 31)!
        var any = false
        for (op, v) in list {
            guard case .text(let s) = v, let d = SQLScope.isoDay(s) else { continue }
            any = true
            switch op {
            case .eq: lo = max(lo, d); hi = min(hi, d.adding(days: 1))
            case .gt: lo = max(lo, d.adding(days: 1))
            case .ge: lo = max(lo, d)
            case .lt: hi = min(hi, d)
            case .le: hi = min(hi, d.adding(days: 1))
            }
        }
        guard any else { return nil }
        return DayRange(lo, max(lo, hi))
    }

    /// The integer of an `=` constraint on a column.
    public func equalInt(_ column: String) -> Int64? {
        switch equal(column) {
        case .int(let i): i
        case .real(let r) where r == r.rounded() && abs(r) < 9e18: Int64(r)
        case .text(let s): Int64(s)
        default: nil
        }
    }

    /// The text of an `=` constraint on a column.
    public func equalText(_ column: String) -> String? {
        if case .text(let s) = equal(column) { return s }
        return nil
    }
}

/// The rows a virtual table produced for one scan, with the values of their columns.
public protocol VirtualRows: AnyObject {
    /// How many rows.
    var count: Int { get }
    /// The value of a column of a row.
    func value(row: Int, column: Int) -> Value
    /// A row id (the record id when the table has one, else the position).
    func rowid(_ row: Int) -> Int64
    /// Replaces the rows by the next page of a paged scan; false when there is none.
    func fetchMore() throws -> Bool
}

final class MaterializedRows<Row>: VirtualRows {
    var rows: [Row] = []
    let columns: [VirtualColumn<Row>]
    let scope: SQLScope
    let id: (@Sendable (Row) -> Int64)?
    /// A paged scan: where the next page starts, and how to read it.
    var next: Continuation?
    var page: (@Sendable (Continuation?, borrowing ProgramSnapshot, SQLScope, (Row) throws -> Bool) throws -> Continuation?)?
    var base = 0
    init(columns: [VirtualColumn<Row>], scope: SQLScope, id: (@Sendable (Row) -> Int64)?) { self.columns = columns; self.scope = scope; self.id = id }
    var count: Int { rows.count }
    func value(row: Int, column: Int) -> Value { columns[column].value(rows[row], scope) }
    func rowid(_ row: Int) -> Int64 { id.map { $0(rows[row]) } ?? Int64(base + row) }
    func fetchMore() throws -> Bool {
        guard let next, let page, let snapshot = scope.snapshot else { return false }
        try Interruption.check()
        base += rows.count
        rows.removeAll(keepingCapacity: true)
        self.next = try page(next, snapshot.pointee, scope) { rows.append($0); return true }
        return !rows.isEmpty
    }
}

/// A table that SQL reads: one small definition of its columns, the accesses its indexes give
/// and a producer of rows, registered with SQLite as an eponymous virtual table (``SQLTables``).
///
/// ```swift
/// let table = SQLTables.named("persons")!
/// print(table.columnNames.prefix(3))   // ["id", "full_name", "birth_date"]
/// print(table.accesses.map(\.name).contains("persons.byNationalID"))   // true
/// ```
public final class VirtualTable: Sendable {
    /// Table name.
    public let name: String
    /// What a row is.
    public let summary: String
    /// Column names, in order.
    public let columnNames: [String]
    /// Column types.
    public let columnTypes: [SQLColumnType]
    /// Column descriptions.
    public let columnSummaries: [String]
    /// The accesses besides a full scan.
    public let accesses: [VirtualAccess]
    /// The column full scans come sorted by.
    public let scanOrder: String?
    let rowCount: @Sendable (borrowing ProgramSnapshot, SQLScope) throws -> Double
    let open: @Sendable (VirtualRequest, borrowing ProgramSnapshot, SQLScope) throws -> any VirtualRows

    /// Defines a table over rows of type `Row`: `rowCount` is its size for cost estimates,
    /// `produce` calls its body with each row the request asks for (until the body returns false);
    /// `page`, when given, reads a full scan a page at a time (after a continuation, returning
    /// the next one) instead of all at once.
    public init<Row>(_ name: String, _ summary: String, columns: [VirtualColumn<Row>], accesses: [VirtualAccess] = [],
                     scanOrder: String? = nil, id: (@Sendable (Row) -> Int64)? = nil,
                     rowCount: @escaping @Sendable (borrowing ProgramSnapshot, SQLScope) throws -> Double,
                     page: (@Sendable (Continuation?, borrowing ProgramSnapshot, SQLScope, (Row) throws -> Bool) throws -> Continuation?)? = nil,
                     produce: @escaping @Sendable (VirtualRequest, borrowing ProgramSnapshot, SQLScope, (Row) throws -> Bool) throws -> Void) {
        self.name = name; self.summary = summary
        columnNames = columns.map(\.name); columnTypes = columns.map(\.type); columnSummaries = columns.map(\.summary)
        self.accesses = accesses; self.scanOrder = scanOrder; self.rowCount = rowCount
        self.open = { request, q, scope in
            let out = MaterializedRows(columns: columns, scope: scope, id: id)
            // A full scan reads pages of the snapshot as SQLite steps (memory stays small).
            if request.access == nil, let page {
                out.page = page
                out.next = try page(nil, q, scope) { out.rows.append($0); return true }
                return out
            }
            var n = 0
            try produce(request, q, scope) { row in
                n += 1
                if n & 1023 == 0 { try Interruption.check() }
                out.rows.append(row)
                return true
            }
            return out
        }
    }

    /// The `CREATE TABLE` statement SQLite is given (and `.schema` shows, with comments).
    public func ddl(comments: Bool = false) -> String {
        let cols = columnNames.indices.map { i in
            "  \(SQLTables.quoteIdentifier(columnNames[i])) \(columnTypes[i].rawValue)"
                + (SQLTables.collated.contains(columnNames[i]) ? " COLLATE \(NameCollation.name)" : "") + (i < columnNames.count - 1 ? "," : "")
                + (comments ? "  -- " + columnSummaries[i] : "")
        }
        return "CREATE TABLE \(name) (" + (comments ? "  -- " + summary : "") + "\n" + cols.joined(separator: "\n") + "\n);"
    }
}
