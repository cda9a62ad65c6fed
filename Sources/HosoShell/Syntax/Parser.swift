/// Parses statements of the query language from tokens (see ``Lexer``).
///
/// ```swift
/// var parser = try Parser("SELECT COUNT(*) FROM persons; SELECT * FROM communes LIMIT 3;")
/// var count = 0
/// while try parser.next() != nil { count += 1 }
/// print(count)   // 2
/// let one = try Parser.parse("SELECT kind, COUNT(*) FROM events WHERE date = '2025-H1' GROUP BY kind")
/// if case .select(let s) = one {
///     print(s.table)   // events
/// }
/// ```
public struct Parser {
    /// Words that cannot name a column.
    public static let reserved: Set<String> = [
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "BETWEEN", "IN", "LIKE", "IS", "NULL", "AS", "OF", "GROUP", "BY", "PLACES",
        "ORDER", "ASC", "DESC", "LIMIT", "OFFSET", "TRUE", "FALSE", "EXPLAIN", "REPORT", "DELETE", "COUNT", "SUM",
    ]
    /// Every keyword (for completion).
    public static let keywords: [String] = reserved.sorted() + ["YEAR", "HALF", "QUARTER", "MONTH"]

    private let tokens: [Token]
    private var position = 0
    /// Parentheses and `NOT`s open at the current token (see ``maxNestingDepth``).
    private var depth = 0

    /// A parser over the tokens of `text`.
    public init(_ text: String) throws(QueryError) { tokens = try Lexer.tokens(text) }

    /// A parser over tokens from ``Lexer`` (ending with its end token).
    init(tokens: [Token]) { self.tokens = tokens }

    /// Parses exactly one statement (a trailing `;` allowed).
    public static func parse(_ text: String) throws(QueryError) -> Statement {
        var p = try Parser(text)
        guard let s = try p.next() else { throw QueryError("expected a statement (SELECT, EXPLAIN or DELETE)", at: p.current) }
        if !p.atEnd { throw QueryError("expected the end of the statement, found \(p.current)", at: p.current) }
        return s
    }

    /// Whether only the end of the text remains.
    public var atEnd: Bool {
        var i = position
        while tokens[i].isSymbol(";") { i += 1 }
        return tokens[i].kind == .end
    }

    /// The next statement, or nil at the end of the text. Skips empty statements (`;;`).
    public mutating func next() throws(QueryError) -> Statement? {
        depth = 0
        while current.isSymbol(";") { position += 1 }
        if current.kind == .end { return nil }
        let s = try statement()
        if current.isSymbol(";") { position += 1 }
        else if current.kind != .end {
            throw QueryError("expected ';' or the end of the statement, found \(current)", at: current)
        }
        return s
    }

    /// Skips to just after the next `;` (to go on after an error).
    public mutating func skipStatement() {
        while current.kind != .end && !current.isSymbol(";") { position += 1 }
        if current.isSymbol(";") { position += 1 }
    }

    var current: Token { tokens[position] }
    private var peek: Token { tokens[min(position + 1, tokens.count - 1)] }
    private mutating func advance() -> Token { let t = tokens[position]; if t.kind != .end { position += 1 }; return t }
    private mutating func accept(_ keyword: String) -> Bool { if current.is(keyword) { position += 1; return true }; return false }
    private mutating func acceptSymbol(_ s: String) -> Bool { if current.isSymbol(s) { position += 1; return true }; return false }
    private mutating func expect(_ keyword: String, _ context: String) throws(QueryError) {
        guard accept(keyword) else { throw QueryError("expected \(keyword) \(context), found \(current)", at: current) }
    }
    private mutating func expectSymbol(_ s: String, _ context: String) throws(QueryError) {
        guard acceptSymbol(s) else { throw QueryError("expected '\(s)' \(context), found \(current)", at: current) }
    }

    private mutating func statement() throws(QueryError) -> Statement {
        if accept("EXPLAIN") {
            guard current.is("SELECT") else { throw QueryError("expected SELECT after EXPLAIN, found \(current)", at: current) }
            return .explain(try select())
        }
        if current.is("SELECT") { return .select(try select()) }
        if current.is("DELETE") { return try delete() }
        throw QueryError("expected a statement (SELECT, EXPLAIN or DELETE), found \(current)", at: current)
    }

    private mutating func delete() throws(QueryError) -> Statement {
        let start = advance()
        try expect("FROM", "after DELETE")
        let table = try name("a table name after DELETE FROM")
        try expect("WHERE", "after the table: only DELETE FROM persons|events WHERE id = n is allowed")
        let column = try name("the column id")
        guard column.0.lowercased() == "id" else { throw QueryError("only DELETE … WHERE id = n is allowed", at: column.1) }
        try expectSymbol("=", "after id")
        guard current.kind == .integer, let id = UInt64(current.text) else {
            throw QueryError("expected a record id (a whole number), found \(current)", at: current)
        }
        _ = advance()
        return .delete(table: table.0.lowercased(), id: id, token: start)
    }

    private mutating func name(_ what: String) throws(QueryError) -> (String, Token) {
        let t = current
        if t.kind == .quotedIdentifier || (t.kind == .word && !Parser.reserved.contains(t.text.uppercased())) {
            position += 1
            return (t.text, t)
        }
        throw QueryError("expected \(what), found \(t)", at: t)
    }

    private mutating func select() throws(QueryError) -> SelectStatement {
        _ = advance()
        var items: [SelectItem] = []
        repeat {
            items.append(try selectItem())
        } while acceptSymbol(",")
        guard accept("FROM") else {
            if current.kind == .word || current.kind == .quotedIdentifier || current.kind == .string || current.kind == .integer {
                throw QueryError("expected FROM after the column list (or ',' between columns), found \(current)", at: current)
            }
            throw QueryError("expected FROM after the column list, found \(current)", at: current)
        }
        let (table, tableToken) = try name("a table name (persons, events, communes, status_history, status_changes, overdue)")
        var s = SelectStatement(items: items, table: table, tableToken: tableToken)
        try asOf(&s)
        if accept("WHERE") { s.condition = try condition() }
        try asOf(&s)
        if accept("GROUP") {
            try expect("BY", "after GROUP")
            var groups: [(name: String, token: Token)] = []
            repeat { let (n, t) = try name("a column name in GROUP BY"); groups.append((n, t)) } while acceptSymbol(",")
            s.groupBy = groups
        }
        try asOf(&s)
        if accept("ORDER") {
            try expect("BY", "after ORDER")
            repeat {
                let t = current
                var item: OrderItem
                if t.kind == .integer {
                    _ = advance()
                    item = OrderItem(key: .column(t.text, t), position: Int(t.text), descending: false, token: t)
                } else {
                    item = OrderItem(key: try selectItem(), descending: false, token: t)
                    if case .star = item.key { throw QueryError("cannot ORDER BY *", at: t) }
                }
                if accept("DESC") { item.descending = true } else { _ = accept("ASC") }
                s.orderBy.append(item)
            } while acceptSymbol(",")
        }
        if accept("LIMIT") {
            s.limit = try count("LIMIT")
            if accept("OFFSET") { s.offset = try count("OFFSET") }
            else if acceptSymbol(",") { s.offset = s.limit; s.limit = try count("LIMIT") }
        }
        try asOf(&s)
        return s
    }

    /// `AS OF 'date'` or `BY PLACES AS OF 'date'`, where either may stand.
    private mutating func asOf(_ s: inout SelectStatement) throws(QueryError) {
        if current.is("BY") {
            let byToken = advance()
            try expect("PLACES", "after BY (BY PLACES AS OF 'date': count by the communes in force on that day)")
            try expect("AS", "after BY PLACES (BY PLACES AS OF 'date')")
            try expect("OF", "after BY PLACES AS (BY PLACES AS OF 'date')")
            if s.placesAsOf != nil { throw QueryError("BY PLACES AS OF is given twice", at: byToken) }
            let t = current
            guard t.kind == .string else {
                throw QueryError("expected a date after BY PLACES AS OF ('2025-03-01' for the communes before the 2025 reform), found \(t)", at: t)
            }
            _ = advance()
            s.placesAsOf = (t.text, byToken)
            return try asOf(&s)
        }
        guard current.is("AS") else { return }
        let asToken = advance()
        try expect("OF", "after AS (AS OF 'date')")
        if s.asOf != nil { throw QueryError("AS OF is given twice", at: asToken) }
        let t = current
        guard t.kind == .string else { throw QueryError("expected a date after AS OF ('2025-12-10' or '10/12/2025'), found \(t)", at: t) }
        _ = advance()
        s.asOf = (t.text, t)
        if current.is("BY") { try asOf(&s) }
    }

    private mutating func count(_ what: String) throws(QueryError) -> Int {
        guard current.kind == .integer, let n = Int(current.text) else {
            throw QueryError("expected a whole number after \(what), found \(current)", at: current)
        }
        _ = advance()
        return n
    }

    private mutating func selectItem() throws(QueryError) -> SelectItem {
        let t = current
        if acceptSymbol("*") { return .star(t) }
        if t.is("COUNT"), peek.isSymbol("(") {
            position += 2
            try expectSymbol("*", "in COUNT(*) (only COUNT(*) is supported)")
            try expectSymbol(")", "to close COUNT(*")
            return .count(t)
        }
        if t.is("SUM"), peek.isSymbol("(") {
            position += 2
            let (column, _) = try name("a column name inside SUM( )")
            try expectSymbol(")", "to close SUM(")
            return .sum(column, t)
        }
        if (t.is("COUNT") || t.is("SUM")) && !peek.isSymbol("(") { position += 1; return .column(t.text, t) }
        let (n, nt) = try name("a column name, *, COUNT(*) or SUM(column)")
        return .column(n, nt)
    }

    // MARK: Conditions

    /// How deeply parentheses and `NOT` may nest in a condition. The parser keeps its own stack
    /// (it does not recurse), but binding and evaluating a condition recurse once per level:
    /// the limit keeps them small on any thread, a 512 KiB one included. A chain
    /// `a AND b AND …` or `a OR b OR …` of any length is flat and does not count.
    public static let maxNestingDepth = 100

    /// Enters one level of nesting at `token` (a `(` or a `NOT`).
    private mutating func nest(_ token: Token) throws(QueryError) {
        guard depth < Parser.maxNestingDepth else {
            throw QueryError("the condition nests too deeply: at most \(Parser.maxNestingDepth) levels of parentheses and NOT are allowed "
                             + "(a flat chain of AND or OR is not limited)", at: token)
        }
        depth += 1
    }

    /// A condition being read inside one pair of parentheses (or at the top).
    private struct Group {
        /// The terms of the OR chain so far.
        var ors: [Condition] = []
        /// The terms of the current AND chain.
        var ands: [Condition] = []
        /// The NOTs before the operand being read.
        var nots: [Token] = []
        /// Whether it is inside parentheses.
        var parenthesized: Bool
    }

    /// `condition := conjunction (OR conjunction)*`, `conjunction := negation (AND negation)*`,
    /// `negation := NOT* ( '(' condition ')' | comparison )`, read without recursion: the open
    /// parentheses are a stack of groups, so no nesting can exhaust the thread's stack here;
    /// nesting past ``maxNestingDepth`` is refused at the `(` or `NOT` that goes past it.
    mutating func condition() throws(QueryError) -> Condition {
        var groups = [Group(parenthesized: false)]
        let outerDepth = depth
        defer { depth = outerDepth }
        while true {
            // An operand: NOTs, then a parenthesized group or a comparison.
            while current.is("NOT") {
                try nest(current)
                groups[groups.count - 1].nots.append(advance())
            }
            if current.isSymbol("(") {
                try nest(advance())
                groups.append(Group(parenthesized: true))
                continue
            }
            var operand = try comparison()
            // After an operand: AND or OR go on in its group; anything else ends the group.
            while true {
                let g = groups.count - 1
                for token in groups[g].nots.reversed() { operand = .not(operand, token) }
                depth -= groups[g].nots.count
                groups[g].nots.removeAll()
                groups[g].ands.append(operand)
                if accept("AND") { break }
                let ands = groups[g].ands
                groups[g].ors.append(ands.count == 1 ? ands[0] : .and(ands))
                groups[g].ands.removeAll()
                if accept("OR") { break }
                let ors = groups[g].ors
                let whole = ors.count == 1 ? ors[0] : Condition.or(ors)
                guard groups[g].parenthesized else { return whole }
                try expectSymbol(")", "to close '('")
                depth -= 1
                groups.removeLast()
                operand = whole
            }
        }
    }

    private mutating func comparison() throws(QueryError) -> Condition {
        let left = try operand()
        let t = current
        if t.kind == .symbol, let op = ComparisonOperator(rawValue: t.text) {
            position += 1
            return .compare(left, op, try operand(), t)
        }
        if accept("IS") {
            let negated = accept("NOT")
            try expect("NULL", negated ? "after IS NOT" : "after IS")
            return .isNull(left, negated: negated)
        }
        let negated = accept("NOT")
        if accept("BETWEEN") {
            let low = try operand()
            try expect("AND", "between the two bounds of BETWEEN")
            return .between(left, low, try operand(), negated: negated)
        }
        if accept("LIKE") { return .like(left, try operand(), negated: negated) }
        if accept("IN") {
            if current.is("REPORT") { return .inReport(left, try report(), negated: negated) }
            try expectSymbol("(", "after IN (a list of values, or REPORT YEAR n)")
            var values: [Operand] = []
            repeat { values.append(try operand()) } while acceptSymbol(",")
            try expectSymbol(")", "to close the IN list")
            return .inList(left, values, negated: negated)
        }
        if negated { throw QueryError("expected BETWEEN, IN or LIKE after NOT, found \(current)", at: current) }
        return .truth(left)
    }

    private mutating func report() throws(QueryError) -> ReportPeriodSyntax {
        _ = advance()
        let unit = current
        if accept("YEAR") {
            let t = current
            guard t.kind == .integer || t.kind == .string else { throw QueryError("expected a year after REPORT YEAR (e.g. 2025), found \(t)", at: t) }
            _ = advance()
            return ReportPeriodSyntax(text: t.text, token: t)
        }
        for (word, example) in [("HALF", "2025-H1"), ("QUARTER", "2025-Q3"), ("MONTH", "2025-06")] where unit.is(word) {
            _ = advance()
            let t = current
            if t.kind == .string { _ = advance(); return ReportPeriodSyntax(text: t.text, token: t) }
            // Unquoted, like REPORT YEAR 2025: 2025-06, 2025-Q3, 2025-H1 (three tokens with nothing between them).
            if t.kind == .integer, peek.isSymbol("-"), position + 2 < tokens.count {
                let dash = peek, rest = tokens[position + 2]
                if dash.location.offset == t.location.offset + t.length, rest.location.offset == dash.location.offset + dash.length,
                   rest.kind == .integer || rest.kind == .word {
                    position += 3
                    var token = t
                    token.text = t.text + "-" + rest.text
                    token.length = t.length + dash.length + rest.length
                    return ReportPeriodSyntax(text: token.text, token: token)
                }
            }
            throw QueryError("expected a period after REPORT \(word) (e.g. REPORT \(word) \(example)), found \(t)", at: t)
        }
        if unit.kind == .string { _ = advance(); return ReportPeriodSyntax(text: unit.text, token: unit) }
        throw QueryError("expected YEAR, HALF, QUARTER or MONTH after REPORT, found \(unit)", at: unit)
    }

    private mutating func operand() throws(QueryError) -> Operand {
        let t = current
        switch t.kind {
        case .string: position += 1; return .literal(.string(t.text), t)
        case .integer:
            position += 1
            guard let v = Int64(t.text) else { throw QueryError("number too large", at: t) }
            return .literal(.integer(v), t)
        case .symbol where t.text == "-" && peek.kind == .integer:
            position += 2
            guard let v = Int64("-" + tokens[position - 1].text) else { throw QueryError("number too large", at: t) }
            return .literal(.integer(v), t)
        case .word where t.is("NULL"): position += 1; return .literal(.null, t)
        case .word where t.is("TRUE"): position += 1; return .literal(.boolean(true), t)
        case .word where t.is("FALSE"): position += 1; return .literal(.boolean(false), t)
        default:
            let (n, nt) = try name("a column name or a value")
            return .column(n, nt)
        }
    }
}
