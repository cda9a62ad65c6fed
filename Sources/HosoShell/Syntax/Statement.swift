/// One item of a `SELECT` list.
///
/// ```swift
/// if case .select(let s) = try Parser.parse("SELECT COUNT(*) FROM persons"), case .count = s.items[0] {
///     print("COUNT(*)")   // COUNT(*)
/// }
/// ```
public enum SelectItem: Sendable, Hashable {
    /// `*`: every column.
    case star(Token)
    /// A column.
    case column(String, Token)
    /// `COUNT(*)`.
    case count(Token)
    /// `SUM(column)`.
    case sum(String, Token)
}

/// An `ORDER BY` item: a column or output name, a 1-based output position, or an aggregate.
public struct OrderItem: Sendable, Hashable {
    /// What to sort by.
    public var key: SelectItem
    /// A 1-based output column position (`ORDER BY 2`), when written so.
    public var position: Int?
    /// Descending.
    public var descending: Bool
    /// The item's first token.
    public var token: Token
    /// Creates an item.
    public init(key: SelectItem, position: Int? = nil, descending: Bool, token: Token) {
        self.key = key; self.position = position; self.descending = descending; self.token = token
    }
}

/// A parsed `SELECT` statement.
///
/// ```swift
/// let s = try Parser.parse("SELECT kind, COUNT(*) FROM events WHERE date = '2025-H1' GROUP BY kind")
/// if case .select(let select) = s {
///     print(select.groupBy.map(\.name))   // ["kind"]
/// }
/// ```
public struct SelectStatement: Sendable, Hashable {
    /// The select list.
    public var items: [SelectItem]
    /// The table name and its token.
    public var table: String
    /// Token of the table name.
    public var tableToken: Token
    /// `WHERE`.
    public var condition: Condition?
    /// `AS OF` date literal and its token.
    public var asOf: (String, Token)? {
        get { asOfText.map { ($0, asOfToken!) } }
        set { asOfText = newValue?.0; asOfToken = newValue?.1 }
    }
    var asOfText: String?
    var asOfToken: Token?
    /// `BY PLACES AS OF` date literal and the token of `BY`: count by the communes in force on
    /// that day (the pre-2025 communes before 1 July 2025).
    public var placesAsOf: (String, Token)? {
        get { placesAsOfText.map { ($0, placesAsOfToken!) } }
        set { placesAsOfText = newValue?.0; placesAsOfToken = newValue?.1 }
    }
    var placesAsOfText: String?
    var placesAsOfToken: Token?
    /// `GROUP BY` columns.
    public var groupBy: [(name: String, token: Token)] {
        get { zip(groupNames, groupTokens).map { ($0, $1) } }
        set { groupNames = newValue.map(\.name); groupTokens = newValue.map(\.token) }
    }
    var groupNames: [String] = []
    var groupTokens: [Token] = []
    /// `ORDER BY`.
    public var orderBy: [OrderItem] = []
    /// `LIMIT`.
    public var limit: Int?
    /// `OFFSET`.
    public var offset: Int?
    /// Creates a statement.
    public init(items: [SelectItem], table: String, tableToken: Token) {
        self.items = items; self.table = table; self.tableToken = tableToken
    }
}

/// A parsed statement.
///
/// ```swift
/// if case .explain(let s) = try Parser.parse("EXPLAIN SELECT COUNT(*) FROM persons") {
///     print(s.table)   // persons
/// }
/// ```
public enum Statement: Sendable, Hashable {
    /// A query.
    case select(SelectStatement)
    /// `EXPLAIN` a query: print its plan.
    case explain(SelectStatement)
    /// `DELETE FROM persons|events WHERE id = n`.
    case delete(table: String, id: UInt64, token: Token)
}
