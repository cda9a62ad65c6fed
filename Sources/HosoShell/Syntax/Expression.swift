/// A literal value as written in a statement.
///
/// ```swift
/// print(Literal.string("2025-H1"))   // '2025-H1'
/// ```
public enum Literal: Sendable, Hashable, CustomStringConvertible {
    /// `'text'` (also dates and periods, decided by the column they meet).
    case string(String)
    /// A whole number (negative with a leading `-`).
    case integer(Int64)
    /// `TRUE` / `FALSE`.
    case boolean(Bool)
    /// `NULL`.
    case null

    public var description: String {
        switch self {
        case .string(let s): "'\(s.replacingOccurrences(of: "'", with: "''"))'"
        case .integer(let i): String(i)
        case .boolean(let b): b ? "TRUE" : "FALSE"
        case .null: "NULL"
        }
    }
}

/// A reporting period of the tenant's calendar: `REPORT YEAR 2025`, `REPORT HALF '2025-H1'`,
/// `REPORT QUARTER '2025-Q3'`, `REPORT MONTH '2025-06'`.
///
/// ```swift
/// let token = try Lexer.tokens("'2025'")[0]
/// let p = ReportPeriodSyntax(text: "2025", token: token)   // Lạng Sơn: 2024-12-10 … 2025-12-09
/// print(p.text)   // 2025
/// ```
public struct ReportPeriodSyntax: Sendable, Hashable {
    /// The period as ``HosoStore/Period/parse(_:)`` reads it (`2025`, `2025-H1`, …).
    public var text: String
    /// The token of the period (for errors).
    public var token: Token
    /// Creates a report period.
    public init(text: String, token: Token) { self.text = text; self.token = token }
}

/// An operand: a column or a literal.
///
/// ```swift
/// let token = try Lexer.tokens("status")[0]
/// print(Operand.column("status", token).token.text)   // status
/// ```
public enum Operand: Sendable, Hashable {
    /// A column by name.
    case column(String, Token)
    /// A literal.
    case literal(Literal, Token)

    /// The token (for errors).
    public var token: Token {
        switch self { case .column(_, let t), .literal(_, let t): t }
    }
}

/// Comparison operators.
public enum ComparisonOperator: String, Sendable, Hashable {
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    /// The operator with its operands swapped (`a < b` is `b > a`).
    public var flipped: ComparisonOperator {
        switch self {
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        default: self
        }
    }
}

/// A `WHERE` condition as parsed, before names are resolved.
///
/// A chain `a AND b AND c` is one `.and` of its terms (and likewise for `OR`), so a long flat
/// chain is not a deep tree; nesting (parentheses, `NOT`) is bounded by
/// ``Parser/maxNestingDepth``, so every walk over a condition is shallow.
///
/// ```swift
/// let e = try Parser.parse("SELECT * FROM persons WHERE status = 'addict' AND NOT minor")
/// if case .select(let s) = e {
///     print(s.condition != nil)   // true
/// }
/// ```
public indirect enum Condition: Sendable, Hashable {
    /// `a AND b AND …` (two or more terms, in the order written).
    case and([Condition])
    /// `a OR b OR …` (two or more terms, in the order written).
    case or([Condition])
    /// `NOT a`.
    case not(Condition, Token)
    /// `a op b`.
    case compare(Operand, ComparisonOperator, Operand, Token)
    /// `a [NOT] BETWEEN low AND high`.
    case between(Operand, Operand, Operand, negated: Bool)
    /// `a [NOT] IN (v, …)`.
    case inList(Operand, [Operand], negated: Bool)
    /// `a [NOT] IN REPORT YEAR 2025`.
    case inReport(Operand, ReportPeriodSyntax, negated: Bool)
    /// `a [NOT] LIKE 'pattern'`.
    case like(Operand, Operand, negated: Bool)
    /// `a IS [NOT] NULL`.
    case isNull(Operand, negated: Bool)
    /// A bare boolean column or literal (`WHERE minor`).
    case truth(Operand)
}

// Equality and hashing walk the tree with a stack of their own (no recursion).
extension Condition {
    public static func == (a: Condition, b: Condition) -> Bool {
        var pairs = [(a, b)]
        while let (x, y) = pairs.popLast() {
            switch (x, y) {
            case let (.and(p), .and(q)), let (.or(p), .or(q)):
                guard p.count == q.count else { return false }
                pairs += zip(p, q)
            case let (.not(p, s), .not(q, t)):
                guard s == t else { return false }
                pairs.append((p, q))
            default:
                guard x.sameTerm(y) else { return false }
            }
        }
        return true
    }

    /// Equality of two conditions that are not AND, OR or NOT (false for those).
    private func sameTerm(_ other: Condition) -> Bool {
        switch (self, other) {
        case let (.compare(a, o, b, t), .compare(c, p, d, u)): a == c && o == p && b == d && t == u
        case let (.between(a, b, c, n), .between(d, e, f, m)): a == d && b == e && c == f && n == m
        case let (.inList(a, l, n), .inList(b, k, m)): a == b && l == k && n == m
        case let (.inReport(a, r, n), .inReport(b, s, m)): a == b && r == s && n == m
        case let (.like(a, b, n), .like(c, d, m)): a == c && b == d && n == m
        case let (.isNull(a, n), .isNull(b, m)): a == b && n == m
        case let (.truth(a), .truth(b)): a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        var stack = [self]
        while let c = stack.popLast() {
            switch c {
            case .and(let terms): hasher.combine(0); hasher.combine(terms.count); stack += terms.reversed()
            case .or(let terms): hasher.combine(1); hasher.combine(terms.count); stack += terms.reversed()
            case let .not(inner, t): hasher.combine(2); hasher.combine(t); stack.append(inner)
            case let .compare(a, o, b, t): hasher.combine(3); hasher.combine(a); hasher.combine(o); hasher.combine(b); hasher.combine(t)
            case let .between(a, b, c, n): hasher.combine(4); hasher.combine(a); hasher.combine(b); hasher.combine(c); hasher.combine(n)
            case let .inList(a, l, n): hasher.combine(5); hasher.combine(a); hasher.combine(l); hasher.combine(n)
            case let .inReport(a, r, n): hasher.combine(6); hasher.combine(a); hasher.combine(r); hasher.combine(n)
            case let .like(a, b, n): hasher.combine(7); hasher.combine(a); hasher.combine(b); hasher.combine(n)
            case let .isNull(a, n): hasher.combine(8); hasher.combine(a); hasher.combine(n)
            case let .truth(a): hasher.combine(9); hasher.combine(a)
            }
        }
    }
}
