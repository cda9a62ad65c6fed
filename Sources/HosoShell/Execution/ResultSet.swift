/// The result of a statement: column names and rows, or a message (EXPLAIN, DELETE).
///
/// ```swift
/// let result = try session.query("SELECT COUNT(*) FROM persons")
/// print(result.rows[0][0] == .int(40))   // true
/// ```
public struct ResultSet: Sendable, Hashable {
    /// Column names.
    public var columns: [String]
    /// Rows.
    public var rows: [[Value]]
    /// Lines to print instead of a table (EXPLAIN).
    public var lines: [String]?

    /// Creates a result.
    public init(columns: [String], rows: [[Value]], lines: [String]? = nil) { self.columns = columns; self.rows = rows; self.lines = lines }
}
