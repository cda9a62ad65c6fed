import HosoDomain

/// Resolves a parsed condition against a table: column names to positions (with "did you
/// mean"), literals to the column's type (statuses and kinds by code, communes by code or name,
/// dates and periods to day ranges, `REPORT YEAR n` through the tenant's calendar).
///
/// ```swift
/// guard case .select(let select) = try Parser.parse("SELECT * FROM persons WHERE id = 1"), let condition = select.condition else { return }
/// let predicate = try Binder(context: context).bind(condition, in: .persons)
/// print(predicate.describe(TableSchema.persons.columns))   // id = 1
/// ```
public struct Binder {
    /// The tenant the names resolve against.
    public let context: QueryContext
    /// Creates a binder.
    public init(context: QueryContext) { self.context = context }

    /// The position of a column, or an error naming the table and the closest column.
    public func column(_ name: String, _ token: Token, in table: TableSchema) throws(QueryError) -> Int {
        if let i = table.index(of: name) { return i }
        var message = "unknown column '\(name)' in \(table.name.rawValue)"
        if let guess = Suggestions.closest(name, in: table.columns.map(\.name)) { message += " — did you mean '\(guess)'?" }
        else { message += " (columns: \(table.columns.map(\.name).joined(separator: ", ")))" }
        throw QueryError(message, at: token)
    }

    /// Binds a condition. The tree is walked with a stack of its own (no recursion), so no
    /// nesting or chain length can exhaust the thread's stack here; terms are bound in the
    /// order written (the first bad one is the error).
    public func bind(_ condition: Condition, in table: TableSchema) throws(QueryError) -> Predicate {
        enum Step {
            case visit(Condition)
            case all(Int)
            case any(Int)
            case not
        }
        var steps: [Step] = [.visit(condition)]
        var done: [Predicate] = []
        while let step = steps.popLast() {
            switch step {
            case .visit(let c):
                switch c {
                case .and(let terms):
                    steps.append(.all(terms.count))
                    for term in terms.reversed() { steps.append(.visit(term)) }
                case .or(let terms):
                    steps.append(.any(terms.count))
                    for term in terms.reversed() { steps.append(.visit(term)) }
                case .not(let inner, _):
                    steps.append(.not)
                    steps.append(.visit(inner))
                default:
                    done.append(try bindTerm(c, in: table))
                }
            case .all(let n):
                var parts: [Predicate] = []
                parts.reserveCapacity(n)
                for p in done[(done.count - n)...] { parts += p.conjuncts }
                done.removeLast(n)
                done.append(.all(parts))
            case .any(let n):
                var parts: [Predicate] = []
                parts.reserveCapacity(n)
                for p in done[(done.count - n)...] {
                    if case .any(let inner) = p { parts += inner } else { parts.append(p) }
                }
                done.removeLast(n)
                done.append(.any(parts))
            case .not:
                done.append(.not(done.removeLast()))
            }
        }
        return done[0]
    }

    /// Binds a condition that is not AND, OR or NOT.
    private func bindTerm(_ condition: Condition, in table: TableSchema) throws(QueryError) -> Predicate {
        switch condition {
        case .and, .or, .not: return try bind(condition, in: table)
        case let .compare(l, op, r, opToken):
            switch (l, r) {
            case let (.column(n, t), .literal(v, vt)): return try compare(column(n, t, in: table), op, v, vt, table)
            case let (.literal(v, vt), .column(n, t)): return try compare(column(n, t, in: table), op.flipped, v, vt, table)
            case let (.column(a, at), .column(b, bt)):
                let i = try column(a, at, in: table), j = try column(b, bt, in: table)
                guard comparable(table.columns[i].type, table.columns[j].type) else {
                    throw QueryError("cannot compare \(table.columns[i].name) (\(table.columns[i].type.rawValue)) with \(table.columns[j].name) (\(table.columns[j].type.rawValue))", at: opToken)
                }
                return .columns(i, op, j)
            case let (.literal(a, _), .literal(b, _)):
                if a == .null || b == .null { return .constant(nil) }
                return .constant(Predicate.apply(op, plain(a), plain(b)))
            }
        case let .between(subject, low, high, negated):
            let (c, ct) = try subjectColumn(subject, table, "BETWEEN")
            let type = table.columns[c].type
            let p: Predicate
            if type == .date {
                let lo = try dateRange(low, c, table), hi = try dateRange(high, c, table)
                guard lo.start <= hi.end else { throw QueryError("the lower bound of BETWEEN is after the upper bound", at: low.token) }
                p = .dateIn(c, [DayRange(lo.start, hi.end)])
            } else {
                p = .all([try compare(c, .greaterOrEqual, literal(low, "BETWEEN"), low.token, table),
                          try compare(c, .lessOrEqual, literal(high, "BETWEEN"), high.token, table)])
            }
            _ = ct
            return negated ? .not(p) : p
        case let .inList(subject, values, negated):
            let (c, _) = try subjectColumn(subject, table, "IN")
            let type = table.columns[c].type
            let p: Predicate
            if type == .date {
                var ranges: [DayRange] = []
                for v in values { ranges.append(try dateRange(v, c, table)) }
                p = .dateIn(c, ranges)
            } else if type == .communeName {
                var codes = Set<Value>()
                for v in values { codes.formUnion(try communeCodes(literal(v, "IN"), v.token)) }
                p = .oneOf(communeColumn(table), codes)
            } else {
                var set = Set<Value>()
                for v in values {
                    let lit = try literal(v, "IN")
                    if type == .commune, case .string = lit { set.formUnion(try communeCodes(lit, v.token)) }
                    else if lit != .null { set.insert(try convert(lit, to: table.columns[c], v.token)) }
                }
                p = .oneOf(c, set)
            }
            return negated ? .not(p) : p
        case let .inReport(subject, period, negated):
            let (c, t) = try subjectColumn(subject, table, "IN REPORT")
            guard table.columns[c].type == .date else {
                throw QueryError("IN REPORT needs a date column; \(table.columns[c].name) is \(table.columns[c].type.rawValue)", at: t)
            }
            let parsed: Period
            do { parsed = try Period.parse(period.text) } catch {
                throw QueryError("not a reporting period: \(error.reason) (write REPORT YEAR 2025, REPORT HALF '2025-H1', REPORT QUARTER '2025-Q3' or REPORT MONTH '2025-06')", at: period.token)
            }
            let p = Predicate.dateIn(c, [parsed.range(in: context.calendar)])
            return negated ? .not(p) : p
        case let .like(subject, pattern, negated):
            let (c, t) = try subjectColumn(subject, table, "LIKE")
            let type = table.columns[c].type
            guard type != .date && type != .boolean && type != .integer else {
                throw QueryError("LIKE needs a text column; \(table.columns[c].name) is \(type.rawValue)", at: t)
            }
            guard case .literal(.string(let text), _) = pattern else {
                throw QueryError("expected a quoted pattern after LIKE (e.g. 'Nguyễn%')", at: pattern.token)
            }
            guard text.count <= LikePattern.maxLength else {
                throw QueryError("the LIKE pattern is \(text.count) characters long; at most \(LikePattern.maxLength) are allowed", at: pattern.token)
            }
            let p = Predicate.like(c, LikePattern(folded: Gazetteer.fold(text)))
            return negated ? .not(p) : p
        case let .isNull(subject, negated):
            let (c, _) = try subjectColumn(subject, table, "IS NULL")
            return negated ? .not(.isNull(c)) : .isNull(c)
        case let .truth(operand):
            switch operand {
            case let .literal(.boolean(b), _): return .constant(b)
            case .literal(.null, _): return .constant(nil)
            case let .literal(_, t): throw QueryError("expected a condition, found the value \(t)", at: t)
            case let .column(n, t):
                let c = try column(n, t, in: table)
                guard table.columns[c].type == .boolean else {
                    throw QueryError("expected a comparison after \(table.columns[c].name) (=, <>, <, >, BETWEEN, IN, LIKE, IS NULL); only yes/no columns stand alone", at: t)
                }
                return .truth(c)
            }
        }
    }

    private func subjectColumn(_ o: Operand, _ table: TableSchema, _ what: String) throws(QueryError) -> (Int, Token) {
        guard case let .column(n, t) = o else { throw QueryError("expected a column before \(what), found \(o.token)", at: o.token) }
        return (try column(n, t, in: table), t)
    }

    private func literal(_ o: Operand, _ what: String) throws(QueryError) -> Literal {
        guard case let .literal(v, _) = o else { throw QueryError("expected a value in \(what), found the column \(o.token)", at: o.token) }
        return v
    }

    private func comparable(_ a: ColumnType, _ b: ColumnType) -> Bool {
        func group(_ t: ColumnType) -> Int {
            switch t { case .integer, .commune: 0; case .date: 1; case .boolean: 2; default: 3 }
        }
        return group(a) == group(b)
    }

    private func plain(_ l: Literal) -> Value {
        switch l { case .string(let s): .text(s); case .integer(let i): .int(i); case .boolean(let b): .bool(b); case .null: .null }
    }

    func communeColumn(_ table: TableSchema) -> Int { table.columns.firstIndex { $0.type == .commune }! }

    private func compare(_ c: Int, _ op: ComparisonOperator, _ v: Literal, _ vt: Token, _ table: TableSchema) throws(QueryError) -> Predicate {
        if v == .null { return .constant(nil) }
        let type = table.columns[c].type
        if type == .date {
            let r = try dateRange(.literal(v, vt), c, table)
            switch op {
            case .equal: return .dateIn(c, [r])
            case .notEqual: return .not(.dateIn(c, [r]))
            case .less: return .compare(c, .less, .date(r.start))
            case .lessOrEqual: return .compare(c, .less, .date(r.end))
            case .greater: return .compare(c, .greaterOrEqual, .date(r.end))
            case .greaterOrEqual: return .compare(c, .greaterOrEqual, .date(r.start))
            }
        }
        if type == .communeName && (op == .equal || op == .notEqual) {
            let p = Predicate.oneOf(communeColumn(table), try communeCodes(v, vt))
            return op == .equal ? p : .not(p)
        }
        if type == .commune, case .string = v, op == .equal || op == .notEqual {
            let p = Predicate.oneOf(c, try communeCodes(v, vt))
            return op == .equal ? p : .not(p)
        }
        if type == .status || type == .kind, op != .equal && op != .notEqual {
            throw QueryError("\(table.columns[c].name) is a code: compare it with = , <> or IN", at: vt)
        }
        return .compare(c, op, try convert(v, to: table.columns[c], vt))
    }

    /// A date or period literal as days.
    func dateRange(_ o: Operand, _ c: Int, _ table: TableSchema) throws(QueryError) -> DayRange {
        let name = table.columns[c].name
        guard case let .literal(v, t) = o else { throw QueryError("expected a date or period to compare with \(name), found \(o.token)", at: o.token) }
        let text: String
        switch v {
        case .string(let s): text = s
        case .integer(let i) where (1900...2200).contains(i): text = String(i)
        default: throw QueryError("expected a date ('2025-12-10', '10/12/2025') or a period ('2025-06', '2025-Q3', '2025-H1', '2025') for \(name), found \(t)", at: t)
        }
        do { return try Period.parse(text).range() } catch {
            throw QueryError("not a date or period for \(name): \(error.reason) (dates: '2025-12-10' or '10/12/2025'; periods: '2025-06', '2025-Q3', '2025-H1', '2025')", at: t)
        }
    }

    private func communeCodes(_ v: Literal, _ t: Token) throws(QueryError) -> Set<Value> {
        switch v {
        case .integer(let code):
            guard let c = Int32(exactly: code), context.communes.entry(code: c) != nil else {
                throw QueryError("unknown commune code \(code) in this tenant", at: t)
            }
            return [.int(code)]
        case .string(let name):
            if let code = Int32(name), context.communes.entry(code: code) != nil { return [.int(Int64(code))] }
            let found = context.communes.matching(name)
            guard !found.isEmpty else {
                let hints = context.communes.suggestions(for: name)
                throw QueryError("unknown commune '\(name)'" + (hints.isEmpty ? "" : " — did you mean \(hints.map { "'\($0)'" }.joined(separator: ", "))?"), at: t)
            }
            return Set(found.map { .int(Int64($0.ref.commune)) })
        default: throw QueryError("expected a commune code or name, found \(t)", at: t)
        }
    }

    /// Reads a literal as the column's type; a code column takes its codes (any case) and
    /// names the closest one for an unknown code.
    func convert(_ v: Literal, to column: Column, _ t: Token) throws(QueryError) -> Value {
        let type = column.type
        switch (type, v) {
        case (_, .null): return .null
        case (.integer, .integer(let i)), (.commune, .integer(let i)): return .int(i)
        case (.integer, .string(let s)):
            guard let i = Int64(s) else { throw QueryError("expected a whole number, found \(t)", at: t) }
            return .int(i)
        case (.text, .string(let s)), (.communeName, .string(let s)): return .text(s)
        case (.text, .integer(let i)): return .text(String(i))
        case (.boolean, .boolean(let b)): return .bool(b)
        case (.boolean, .integer(let i)) where i == 0 || i == 1: return .bool(i == 1)
        case (.boolean, .string(let s)):
            switch s.lowercased() {
            case "1", "true", "yes": return .bool(true)
            case "0", "false", "no": return .bool(false)
            default: throw QueryError("expected TRUE or FALSE, found \(t)", at: t)
            }
        case (.status, .string(let s)), (.kind, .string(let s)):
            guard let codes = column.codes else { return .text(s) }
            guard let code = codes.code(matching: s) else { throw QueryError(CodeError(codes, text: s).description, at: t) }
            return .text(code)
        default:
            throw QueryError("\(t) is not a \(type.rawValue) value", at: t)
        }
    }
}
