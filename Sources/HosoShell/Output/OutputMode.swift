import HosoDomain

/// How results are printed: `.mode table|csv|json|line|box|markdown|html|list|tabs|insert`.
///
/// ```swift
/// print(OutputMode(rawValue: "csv") == .csv)   // true
/// print(OutputMode.codes)   // ["table", "csv", "json", "line", "box", "markdown", "html", "list", "tabs", "insert"]
/// ```
public enum OutputMode: String, CodedEnum {
    /// What a mode is called in messages.
    public static let codeName = "output mode"

    /// Aligned columns (by characters, so Vietnamese names line up), numbers right-aligned.
    case table
    /// RFC 4180 CSV (quotes doubled; fields with `,` `"` or line breaks quoted).
    case csv
    /// A JSON array of objects per statement.
    case json
    /// One `column = value` line per column, a blank line between rows.
    case line
    /// A table drawn with box characters (as sqlite3's `.mode box`).
    case box
    /// A Markdown table.
    case markdown
    /// An HTML table.
    case html
    /// Values separated by `|`.
    case list
    /// Values separated by tabs.
    case tabs
    /// SQL `INSERT` statements (into `table`, as sqlite3's `.mode insert`).
    case insert
}
