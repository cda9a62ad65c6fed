import HosoDomain
import HosoStore

/// A `WHERE` condition with its columns resolved to positions in the row and its literals read
/// as the column's type (dates and periods as day ranges, commune names as codes).
///
/// ```swift
/// let p = try Binder(context).bind(condition, table: .persons)
/// p.evaluate(row)   // true, false, or nil (unknown: a NULL was compared)
/// ```
public indirect enum Predicate: Sendable, Hashable, CustomStringConvertible {
    /// All must hold.
    case all([Predicate])
    /// One must hold.
    case any([Predicate])
    /// Negation.
    case not(Predicate)
    /// `column op value`.
    case compare(Int, ComparisonOperator, Value)
    /// `column op column`.
    case columns(Int, ComparisonOperator, Int)
    /// The date column lies in one of the ranges.
    case dateIn(Int, [DayRange])
    /// The column's value is one of these.
    case oneOf(Int, Set<Value>)
    /// Text match: `%` any run, `_` one character; ignoring case and diacritics.
    case like(Int, String)
    /// The column is NULL.
    case isNull(Int)
    /// A yes/no column is yes.
    case truth(Int)
    /// A constant (NULL is unknown).
    case constant(Bool?)

    /// Evaluates on a row (SQL three-valued logic: nil is unknown).
    public func evaluate(_ row: [Value]) -> Bool? {
        switch self {
        case .all(let ps):
            var unknown = false
            for p in ps { switch p.evaluate(row) { case false?: return false; case nil: unknown = true; default: break } }
            return unknown ? nil : true
        case .any(let ps):
            var unknown = false
            for p in ps { switch p.evaluate(row) { case true?: return true; case nil: unknown = true; default: break } }
            return unknown ? nil : false
        case .not(let p): return p.evaluate(row).map { !$0 }
        case let .compare(c, op, v):
            if row[c] == .null || v == .null { return nil }
            return Predicate.apply(op, row[c], v)
        case let .columns(a, op, b):
            if row[a] == .null || row[b] == .null { return nil }
            return Predicate.apply(op, row[a], row[b])
        case let .dateIn(c, ranges):
            guard case .date(let d) = row[c] else { return nil }
            return ranges.contains { $0.start <= d && d < $0.end }
        case let .oneOf(c, set):
            if row[c] == .null { return nil }
            return set.contains(row[c])
        case let .like(c, pattern):
            if row[c] == .null { return nil }
            return Predicate.like(Gazetteer.fold(row[c].text), pattern)
        case .isNull(let c): return row[c] == .null
        case .truth(let c):
            switch row[c] { case .bool(let b): return b; case .int(let i): return i != 0; case .null: return nil; default: return true }
        case .constant(let b): return b
        }
    }

    static func apply(_ op: ComparisonOperator, _ a: Value, _ b: Value) -> Bool {
        switch op {
        case .equal: a == b
        case .notEqual: a != b
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        }
    }

    /// SQL LIKE on folded text: `%` any run, `_` one character.
    static func like(_ text: String, _ pattern: String) -> Bool {
        let t = Array(text), p = Array(pattern)
        var memo = [Int: Bool]()
        func match(_ i: Int, _ j: Int) -> Bool {
            let key = i * (p.count + 1) + j
            if let m = memo[key] { return m }
            let r: Bool
            if j == p.count { r = i == t.count }
            else if p[j] == "%" { r = match(i, j + 1) || (i < t.count && match(i + 1, j)) }
            else if i < t.count && (p[j] == "_" || p[j] == t[i]) { r = match(i + 1, j + 1) }
            else { r = false }
            memo[key] = r
            return r
        }
        return match(0, 0)
    }

    /// The top-level conjuncts (an `all` flattened).
    public var conjuncts: [Predicate] {
        if case .all(let ps) = self { return ps.flatMap(\.conjuncts) }
        if case .constant(true?) = self { return [] }
        return [self]
    }

    public var description: String { describe(nil) }

    /// Text with column names.
    public func describe(_ columns: [Column]?) -> String {
        func n(_ i: Int) -> String { columns.map { $0[i].name } ?? "#\(i)" }
        func lit(_ v: Value) -> String { v.isNumber ? v.text : v == .null ? "NULL" : "'\(v.text)'" }
        switch self {
        case .all(let ps): return ps.map { "(\($0.describe(columns)))" }.joined(separator: " AND ")
        case .any(let ps): return ps.map { "(\($0.describe(columns)))" }.joined(separator: " OR ")
        case .not(let p): return "NOT (\(p.describe(columns)))"
        case let .compare(c, op, v): return "\(n(c)) \(op.rawValue) \(lit(v))"
        case let .columns(a, op, b): return "\(n(a)) \(op.rawValue) \(n(b))"
        case let .dateIn(c, ranges): return "\(n(c)) in " + ranges.map(Predicate.rangeText).joined(separator: " or ")
        case let .oneOf(c, set): return "\(n(c)) IN (" + set.sorted().map(lit).joined(separator: ", ") + ")"
        case let .like(c, p): return "\(n(c)) LIKE '\(p)'"
        case .isNull(let c): return "\(n(c)) IS NULL"
        case .truth(let c): return n(c)
        case .constant(let b): return b.map { $0 ? "TRUE" : "FALSE" } ?? "NULL"
        }
    }

    static func rangeText(_ r: DayRange) -> String {
        if r.start.rawValue <= Int32.min + 1 { return "[…, \(r.end))" }
        if r.end.rawValue >= Int32.max - 1 { return "[\(r.start), …)" }
        return "[\(r.start), \(r.end))"
    }
}
