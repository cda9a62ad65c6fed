/// A literal value as written in a statement.
///
/// ```swift
/// Literal.string("2025-H1")   // a period when compared with a date column
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
/// let p = ReportPeriodSyntax(text: "2025", token: token)   // Lạng Sơn: 2024-12-10 … 2025-12-09
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
/// Operand.column("status", token)
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
/// ```swift
/// let e = try Parser.parse("SELECT * FROM persons WHERE status = 'addict' AND NOT minor")
/// ```
public indirect enum Condition: Sendable, Hashable {
    /// `a AND b`.
    case and(Condition, Condition)
    /// `a OR b`.
    case or(Condition, Condition)
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
