import HosoDomain

/// A value in a result row or a condition.
///
/// Values of one column have one type; ``null`` sorts first.
///
/// ```swift
/// print(Value.int(3) < Value.int(5))   // true
/// print(Value.date(day).text)   // 2026-03-15
/// ```
public enum Value: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// No value.
    case null
    /// A whole number.
    case int(Int64)
    /// A floating-point number (SQL's REAL: `AVG`, division of reals).
    case real(Double)
    /// Text.
    case text(String)
    /// A day.
    case date(Day)
    /// Yes/no.
    case bool(Bool)

    private var rank: Int {
        switch self { case .null: 0; case .bool: 1; case .int, .real: 2; case .date: 3; case .text: 4 }
    }

    public static func < (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case let (.int(x), .int(y)): x < y
        case let (.real(x), .real(y)): x < y
        case let (.int(x), .real(y)): Double(x) < y
        case let (.real(x), .int(y)): x < Double(y)
        case let (.text(x), .text(y)): Value.collates(x, before: y)
        case let (.date(x), .date(y)): x < y
        case let (.bool(x), .bool(y)): !x && y
        default: a.rank < b.rank
        }
    }

    /// Text order: ignoring case and Vietnamese diacritics first (so "Thiện Tân" comes before
    /// "Thiện Thuật"), then by the exact text.
    static func collates(_ x: String, before y: String) -> Bool {
        if x.utf8.allSatisfy({ $0 < 0x80 }) && y.utf8.allSatisfy({ $0 < 0x80 }) {
            let (a, b) = (x.lowercased(), y.lowercased())
            return a != b ? a < b : x < y
        }
        let (a, b) = (Gazetteer.fold(x), Gazetteer.fold(y))
        return a != b ? a < b : x < y
    }

    /// The value as text (empty for null; `1`/`0` for yes/no; dates `YYYY-MM-DD`).
    public var text: String {
        switch self {
        case .null: ""
        case .int(let i): String(i)
        case .real(let r): Value.realText(r)
        case .text(let s): s
        case .date(let d): d.description
        case .bool(let b): b ? "1" : "0"
        }
    }

    /// Whether it is a number (right-aligned in tables, unquoted in JSON).
    public var isNumber: Bool {
        switch self { case .int, .real: true; default: false }
    }

    /// A real as SQLite's shell shows it: at most 15 significant digits, `.0` for whole values.
    static func realText(_ r: Double) -> String {
        guard r.isFinite else { return r.isNaN ? "NaN" : (r < 0 ? "-Inf" : "Inf") }
        if r == r.rounded(), abs(r) < 1e15 { return String(format: "%.1f", r) }
        return String(format: "%.15g", r)
    }

    public var description: String { text }
}
