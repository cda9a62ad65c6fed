/// Where a token starts in the statement text: 1-based line and column (in characters), and
/// the character offset from the start of the text.
///
/// ```swift
/// let tokens = try Lexer.tokens("SELECT *\nFROM persons")
/// print(tokens[2].location)   // line 2, column 1
/// ```
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// Line, from 1.
    public var line: Int
    /// Column in characters, from 1.
    public var column: Int
    /// Characters before the token in the whole text.
    public var offset: Int
    /// Creates a location.
    public init(line: Int, column: Int, offset: Int) { self.line = line; self.column = column; self.offset = offset }
    public var description: String { "line \(line), column \(column)" }
}

/// One token of the query language.
///
/// ```swift
/// let t = try Lexer.tokens("count(*)")[0]
/// print(t.kind == .word)   // true
/// print(t.is("COUNT"))   // true
/// ```
public struct Token: Sendable, Hashable, CustomStringConvertible {
    /// Token kinds.
    public enum Kind: Sendable, Hashable {
        /// A keyword or an identifier (`SELECT`, `persons`, `commune_name`).
        case word
        /// A double-quoted identifier.
        case quotedIdentifier
        /// A single-quoted string (the value with `''` unescaped).
        case string
        /// A whole number.
        case integer
        /// An operator or punctuation: `= <> != < <= > >= ( ) , * ; - .`
        case symbol
        /// End of the text.
        case end
    }
    /// Kind.
    public var kind: Kind
    /// The text: the word as written, the string's value, the number's digits, the symbol.
    public var text: String
    /// Where the token starts.
    public var location: SourceLocation
    /// Its length in characters in the source (for the caret line).
    public var length: Int

    /// Creates a token.
    public init(kind: Kind, text: String, location: SourceLocation, length: Int) {
        self.kind = kind; self.text = text; self.location = location; self.length = length
    }

    /// Whether the token is the word `keyword` (any case).
    public func `is`(_ keyword: String) -> Bool { kind == .word && text.uppercased() == keyword }
    /// Whether the token is the symbol `symbol`.
    public func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }

    /// How the token reads in an error message.
    public var description: String {
        switch kind {
        case .end: "end of input"
        case .string: "'\(text)'"
        case .quotedIdentifier: "\"\(text)\""
        default: "'\(text)'"
        }
    }
}
