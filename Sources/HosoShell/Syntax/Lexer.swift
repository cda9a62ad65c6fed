/// Splits statement text into tokens: words, quoted identifiers, 'strings' (with `''` for a
/// quote), integers, operators; skips whitespace and `--` comments to the end of the line.
///
/// ```swift
/// let tokens = try Lexer.tokens("SELECT COUNT(*) FROM persons -- all files")
/// print(tokens.map(\.text))   // ["SELECT", "COUNT", "(", "*", ")", "FROM", "persons", ""]
/// ```
public enum Lexer {
    /// All tokens of `text`, ending with a token of kind ``Token/Kind/end``.
    ///
    /// - Throws: ``QueryError`` for an unterminated string or an unexpected character.
    public static func tokens(_ text: String) throws(QueryError) -> [Token] {
        try tokens(Array(text), from: 0, to: nil, line: 1, lineStart: 0)
    }

    /// The tokens of `chars[start..<end]` (`end` nil: to the end), with locations in the whole
    /// of `chars`: `line` is the line `start` is on, and `lineStart` the index that line starts at.
    static func tokens(_ chars: [Character], from start: Int, to end: Int?, line firstLine: Int, lineStart firstLineStart: Int) throws(QueryError) -> [Token] {
        let count = end ?? chars.count
        var out: [Token] = []
        var i = start, line = firstLine, lineStart = firstLineStart
        func location(_ at: Int) -> SourceLocation { SourceLocation(line: line, column: at - lineStart + 1, offset: at) }
        while i < count {
            let c = chars[i]
            if c == "\n" { i += 1; line += 1; lineStart = i; continue }
            if c.isWhitespace { i += 1; continue }
            if c == "-", i + 1 < count, chars[i + 1] == "-" {
                while i < count, chars[i] != "\n" { i += 1 }
                continue
            }
            let start = i
            let loc = location(i)
            if c == "'" || c == "\"" {
                var value = ""
                i += 1
                var closed = false
                var startLine = line, startLineStart = lineStart
                while i < count {
                    if chars[i] == c {
                        if i + 1 < count, chars[i + 1] == c { value.append(c); i += 2; continue }
                        i += 1; closed = true; break
                    }
                    if chars[i] == "\n" { line += 1; lineStart = i + 1 }
                    value.append(chars[i]); i += 1
                }
                if !closed {
                    swap(&line, &startLine); swap(&lineStart, &startLineStart)
                    throw QueryError(c == "'" ? "unterminated string: a closing ' is missing (write '' for a quote inside a string)"
                                              : "unterminated quoted name: a closing \" is missing", location: loc, length: 1)
                }
                out.append(Token(kind: c == "'" ? .string : .quotedIdentifier, text: value, location: loc, length: i - start))
                continue
            }
            if c.isLetter || c == "_" {
                while i < count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
                out.append(Token(kind: .word, text: String(chars[start..<i]), location: loc, length: i - start))
                continue
            }
            if c.isASCII, c.isNumber {
                while i < count, chars[i].isASCII, chars[i].isNumber { i += 1 }
                if i < count, chars[i].isLetter || chars[i] == "_" {
                    throw QueryError("a number cannot be followed by letters; quote text and dates ('2025-H1')", location: loc, length: i - start + 1)
                }
                out.append(Token(kind: .integer, text: String(chars[start..<i]), location: loc, length: i - start))
                continue
            }
            let two = i + 1 < count ? String(chars[i...i + 1]) : ""
            if ["<>", "!=", "<=", ">="].contains(two) {
                out.append(Token(kind: .symbol, text: two == "!=" ? "<>" : two, location: loc, length: 2)); i += 2; continue
            }
            if "=<>(),*;-.".contains(c) {
                out.append(Token(kind: .symbol, text: String(c), location: loc, length: 1)); i += 1; continue
            }
            throw QueryError("unexpected character '\(c)'", location: loc, length: 1)
        }
        out.append(Token(kind: .end, text: "", location: location(count), length: 1))
        return out
    }

    /// The index just after the first `;` at or after `start` in `chars` that is outside
    /// strings, quoted names and comments (scanning from `start` as outside them), or
    /// `chars.count` when there is none: where the statement starting at `start` ends. The
    /// pieces it cuts are the statements ``Parser`` reads from the whole text.
    ///
    /// ```swift
    /// print(Lexer.statementEnd(Array("SELECT ';'; SELECT 1;"), from: 0))   // 11
    /// ```
    public static func statementEnd(_ chars: [Character], from start: Int) -> Int {
        var quote: Character? = nil
        var comment = false
        var previous: Character = " "
        var i = start
        while i < chars.count {
            let c = chars[i]
            i += 1
            if comment { if c == "\n" { comment = false }; previous = c; continue }
            if let q = quote { if c == q { quote = nil }; previous = c; continue }
            if c == "'" || c == "\"" { quote = c }
            else if c == "-" && previous == "-" { comment = true; previous = " "; continue }
            else if c == ";" { return i }
            previous = c
        }
        return chars.count
    }

    /// Whether `text` holds at least one complete statement ending in `;` outside strings and
    /// comments, or a dot-command. The shell reads lines until this is true.
    ///
    /// ```swift
    /// print(Lexer.isComplete("SELECT 'a;b'"))   // false
    /// print(Lexer.isComplete("SELECT 1;"))   // true
    /// ```
    public static func isComplete(_ text: String) -> Bool {
        var quote: Character? = nil
        var comment = false
        var previous: Character = " "
        var sawSemicolon = false
        var trailing = false
        for c in text {
            if comment { if c == "\n" { comment = false }; previous = c; continue }
            if let q = quote { if c == q { quote = nil }; previous = c; continue }
            if c == "'" || c == "\"" { quote = c; trailing = true }
            else if c == "-" && previous == "-" { comment = true; previous = " "; continue }
            else if c == ";" { sawSemicolon = true; trailing = false }
            else if !c.isWhitespace && c != "-" { trailing = true }
            previous = c
        }
        return quote == nil && sawSemicolon && !trailing
    }
}
