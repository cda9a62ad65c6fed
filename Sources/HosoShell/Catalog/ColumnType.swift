import HosoDomain

/// The type of a column, which decides how literals compared with it are read.
///
/// ```swift
/// let type = TableSchema.persons.column(named: "file_opened")?.type   // a date: '2025-06-10', '10/06/2025', or a period: '2025-06', '2025-Q3', '2025-H1', '2025'
/// print(type == .date)   // true
/// ```
public enum ColumnType: String, Sendable, Hashable {
    /// Whole numbers.
    case integer
    /// Text (LIKE matches ignoring case and diacritics).
    case text
    /// Days; compared with a period literal, `=` means "within the period".
    case date
    /// Yes/no: `TRUE`, `FALSE`, `1`, `0`.
    case boolean
    /// A status code (`addict`, `illegal_user`, …).
    case status
    /// A case event kind code (`drug_case`, `tip`, …).
    case kind
    /// A commune code; a string literal is read as a commune name.
    case commune
    /// A commune name; `=` and `IN` match names ignoring case, diacritics and the `Xã`/`Phường` prefix.
    case communeName
}

/// A column of a table.
///
/// ```swift
/// print(TableSchema.persons.column(named: "status")?.type == .status)   // true
/// print(TableSchema.events.column(named: "stage")?.help ?? "")   // stage of a drug case: detected, investigated, prosecuted, tried
/// ```
public struct Column: Sendable, Hashable {
    /// Name.
    public var name: String
    /// Type.
    public var type: ColumnType
    /// What it holds.
    public var summary: String
    /// The codes a code column holds (statuses, kinds, stages…), from their ``CodedEnum``:
    /// its help, the completion of its values and, for `status` and `kind` columns, the
    /// errors of literals compared with it.
    public var codes: CodeList?

    /// Creates a column; `codes` names the enumeration whose codes it holds.
    ///
    /// ```swift
    /// let stage = Column("stage", .text, "stage of a drug case", codes: CaseEvent.Stage.self)
    /// print(stage.name)   // stage
    /// ```
    public init<E: CodedEnum>(_ name: String, _ type: ColumnType, _ summary: String, codes: E.Type) {
        self.name = name; self.type = type; self.summary = summary; self.codes = E.codeList
    }

    /// Creates a column without codes.
    public init(_ name: String, _ type: ColumnType, _ summary: String) {
        self.name = name; self.type = type; self.summary = summary; self.codes = nil
    }

    /// What it holds, with its codes: `SUMMARY: code, code, …`.
    public var help: String { codes.map { summary + ": " + $0.help } ?? summary }
}
