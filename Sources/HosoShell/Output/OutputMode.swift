/// How results are printed: `.mode table|csv|json|line`.
///
/// ```swift
/// OutputMode(rawValue: "csv")   // .csv
/// ```
public enum OutputMode: String, Sendable, Hashable, CaseIterable {
    /// Aligned columns (by characters, so Vietnamese names line up), numbers right-aligned.
    case table
    /// RFC 4180 CSV (quotes doubled; fields with `,` `"` or line breaks quoted).
    case csv
    /// A JSON array of objects per statement.
    case json
    /// One `column = value` line per column, a blank line between rows.
    case line
}
