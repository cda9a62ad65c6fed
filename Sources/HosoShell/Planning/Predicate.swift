import HosoDomain

/// A `WHERE` condition with its columns resolved to positions in the row and its literals read
/// as the column's type (dates and periods as day ranges, commune names as codes).
///
/// ```swift
/// guard case .select(let s) = try Parser.parse("SELECT * FROM persons WHERE id = 1"), let condition = s.condition else { return }
/// let p = try Binder(context: context).bind(condition, in: .persons)
/// let row = RowBuilder(context: context).person(try context.program.person(id: 1)!, on: day)
/// print(p.evaluate(row) ?? false)   // true
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
    case like(Int, LikePattern)
    /// The column is NULL.
    case isNull(Int)
    /// A yes/no column is yes.
    case truth(Int)
    /// A constant (NULL is unknown).
    case constant(Bool?)

    /// The row positions the condition reads.
    ///
    /// ```swift
    /// print(Predicate.all([.compare(1, .equal, .text("An")), .isNull(4)]).columnsUsed.sorted())   // [1, 4]
    /// ```
    public var columnsUsed: Set<Int> {
        switch self {
        case .all(let ps), .any(let ps): ps.reduce(into: Set<Int>()) { $0.formUnion($1.columnsUsed) }
        case .not(let p): p.columnsUsed
        case .compare(let c, _, _), .dateIn(let c, _), .oneOf(let c, _), .like(let c, _), .isNull(let c), .truth(let c): [c]
        case .columns(let a, _, let b): [a, b]
        case .constant: []
        }
    }

    /// Evaluates on a row (SQL three-valued logic: nil is unknown). The recursion is one small
    /// frame per level of nesting (bounded by ``Parser/maxNestingDepth``); `all` and `any`
    /// are loops.
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
        default: return evaluateTerm(row)
        }
    }

    /// Evaluates a predicate that is not `all`, `any` or `not`.
    private func evaluateTerm(_ row: [Value]) -> Bool? {
        switch self {
        case .all, .any, .not: return evaluate(row)
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
            return pattern.matches(folded: Gazetteer.fold(row[c].text))
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

    /// SQL LIKE on folded text: `%` any run, `_` one character (see ``LikePattern``).
    static func like(_ text: String, _ pattern: String) -> Bool {
        LikePattern(folded: pattern).matches(folded: text)
    }

    /// The top-level conjuncts (an `all` flattened, `TRUE` left out).
    public var conjuncts: [Predicate] {
        var out: [Predicate] = []
        var stack = [self]
        while let p = stack.popLast() {
            switch p {
            case .all(let ps): stack += ps.reversed()
            case .constant(true?): continue
            default: out.append(p)
            }
        }
        return out
    }

    public var description: String { describe(nil) }

    /// Text with column names. The tree is walked with a stack of its own (no recursion).
    public func describe(_ columns: [Column]?) -> String {
        enum Step { case visit(Predicate), text(String) }
        var out = ""
        var steps: [Step] = [.visit(self)]
        func push(_ ps: [Predicate], _ separator: String) {
            for k in ps.indices.reversed() {
                steps.append(.text(")")); steps.append(.visit(ps[k])); steps.append(.text(k == 0 ? "(" : separator + "("))
            }
        }
        while let step = steps.popLast() {
            switch step {
            case .text(let t): out += t
            case .visit(let p):
                switch p {
                case .all(let ps): push(ps, " AND ")
                case .any(let ps): push(ps, " OR ")
                case .not(let q): steps.append(.text(")")); steps.append(.visit(q)); steps.append(.text("NOT ("))
                default: out += p.describeTerm(columns)
                }
            }
        }
        return out
    }

    /// The text of a predicate that is not `all`, `any` or `not`.
    private func describeTerm(_ columns: [Column]?) -> String {
        func n(_ i: Int) -> String { columns.map { $0[i].name } ?? "#\(i)" }
        func lit(_ v: Value) -> String { v.isNumber ? v.text : v == .null ? "NULL" : "'\(v.text)'" }
        switch self {
        case .all, .any, .not: return describe(columns)
        case let .compare(c, op, v): return "\(n(c)) \(op.rawValue) \(lit(v))"
        case let .columns(a, op, b): return "\(n(a)) \(op.rawValue) \(n(b))"
        case let .dateIn(c, ranges): return "\(n(c)) in " + ranges.map(Predicate.rangeText).joined(separator: " or ")
        case let .oneOf(c, set): return "\(n(c)) IN (" + set.sorted().map(lit).joined(separator: ", ") + ")"
        case let .like(c, p): return "\(n(c)) LIKE '\(p.text)'"
        case .isNull(let c): return "\(n(c)) IS NULL"
        case .truth(let c): return n(c)
        case .constant(let b): return b.map { $0 ? "TRUE" : "FALSE" } ?? "NULL"
        }
    }

    // Equality and hashing walk the tree with a stack of their own (no recursion).

    public static func == (a: Predicate, b: Predicate) -> Bool {
        var pairs = [(a, b)]
        while let (x, y) = pairs.popLast() {
            switch (x, y) {
            case let (.all(p), .all(q)), let (.any(p), .any(q)):
                guard p.count == q.count else { return false }
                pairs += zip(p, q)
            case let (.not(p), .not(q)):
                pairs.append((p, q))
            default:
                guard x.sameTerm(y) else { return false }
            }
        }
        return true
    }

    /// Equality of two predicates that are not `all`, `any` or `not` (false for those).
    private func sameTerm(_ other: Predicate) -> Bool {
        switch (self, other) {
        case let (.compare(a, o, v), .compare(b, p, w)): a == b && o == p && v == w
        case let (.columns(a, o, c), .columns(b, p, d)): a == b && o == p && c == d
        case let (.dateIn(a, r), .dateIn(b, s)): a == b && r == s
        case let (.oneOf(a, v), .oneOf(b, w)): a == b && v == w
        case let (.like(a, p), .like(b, q)): a == b && p == q
        case let (.isNull(a), .isNull(b)): a == b
        case let (.truth(a), .truth(b)): a == b
        case let (.constant(a), .constant(b)): a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        var stack = [self]
        while let p = stack.popLast() {
            switch p {
            case .all(let ps): hasher.combine(0); hasher.combine(ps.count); stack += ps.reversed()
            case .any(let ps): hasher.combine(1); hasher.combine(ps.count); stack += ps.reversed()
            case .not(let q): hasher.combine(2); stack.append(q)
            case let .compare(c, o, v): hasher.combine(3); hasher.combine(c); hasher.combine(o); hasher.combine(v)
            case let .columns(a, o, b): hasher.combine(4); hasher.combine(a); hasher.combine(o); hasher.combine(b)
            case let .dateIn(c, r): hasher.combine(5); hasher.combine(c); hasher.combine(r)
            case let .oneOf(c, v): hasher.combine(6); hasher.combine(c); hasher.combine(v)
            case let .like(c, l): hasher.combine(7); hasher.combine(c); hasher.combine(l)
            case let .isNull(c): hasher.combine(8); hasher.combine(c)
            case let .truth(c): hasher.combine(9); hasher.combine(c)
            case let .constant(b): hasher.combine(10); hasher.combine(b)
            }
        }
    }

    static func rangeText(_ r: DayRange) -> String {
        if r.start.rawValue <= Int32.min + 1 { return "[…, \(r.end))" }
        if r.end.rawValue >= Int32.max - 1 { return "[\(r.start), …)" }
        return "[\(r.start), \(r.end))"
    }
}
