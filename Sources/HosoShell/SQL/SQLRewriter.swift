import HosoDomain

/// Turns the shell's additions to SQL into plain SQLite SQL before SQLite sees a statement:
///
/// - `AS OF 'day'` (anywhere in the statement) is removed and becomes the day the `persons`
///   table's status, commune and minor columns are about;
/// - `col = '2025-06'` (a period literal compared with a day column: `'2025'`, `'2025-H1'`,
///   `'2025-Q3'`, `'2025-06'`, `'first..last'`) becomes `(col BETWEEN '2025-06-01' AND
///   '2025-06-30')`, and `<>` its negation: what `in_period(col, '2025-06')` answers, written as a
///   range so that the virtual tables' date indexes answer it;
/// - `col [NOT] IN REPORT YEAR 2025` (HALF, QUARTER, MONTH; the period quoted or not) becomes the
///   range of the tenant's report period (what `in_report(col, '2025')` answers), likewise;
/// - `EXPLAIN statement` asks for the plan (``SQLEngine`` answers with SQLite's query plan).
///
/// Error positions in the rewritten text map back to the original (``Result/location(ofByte:)``).
///
/// ```swift
/// let r = try SQLRewriter.rewrite("SELECT COUNT(*) FROM events WHERE date = '2025-Q3' AND resolved_date IN REPORT MONTH 2025-06", context: context)
/// print(r.sql)   // SELECT COUNT(*) FROM events WHERE (date BETWEEN '2025-07-01' AND '2025-09-30') AND (resolved_date BETWEEN '2025-05-10' AND '2025-06-09')
/// ```
public enum SQLRewriter {
    /// A rewritten statement.
    public struct Result: Sendable {
        /// The SQL SQLite runs.
        public var sql: String
        /// The `AS OF` day, if given.
        public var asOf: Day?
        /// Whether the statement asked for its plan.
        public var explain: Bool
        /// The original text.
        public var original: String
        /// For each byte of `sql`, the byte of `original` it comes from.
        var origin: [Int]
        /// Values of the statement's parameters (`.parameter set`).
        public var parameters: [String: Value] = [:]

        /// The place in the original text of a byte offset in `sql`.
        public func location(ofByte offset: Int) -> SourceLocation? {
            let bytes = Array(original.utf8)
            let o = offset < origin.count ? origin[offset] : bytes.count
            return SQLRewriter.location(bytes, o)
        }

        /// The length in characters of the token at a character offset of the original.
        func tokenLength(at offset: Int) -> Int {
            let chars = Array(original)
            guard offset < chars.count else { return 1 }
            var n = 0
            while offset + n < chars.count, chars[offset + n].isLetter || chars[offset + n].isNumber || chars[offset + n] == "_" { n += 1 }
            return max(1, n)
        }
    }

    /// Columns that hold days.
    static let dayColumns: Set<String> = ["date", "birth_date", "file_opened", "resolved_date", "start", "end", "carried_term_end", "deadline"]

    struct Token {
        enum Kind { case space, word, quoted, string, number, symbol }
        var kind: Kind
        var start: Int, end: Int
    }

    static func location(_ bytes: [UInt8], _ o: Int) -> SourceLocation {
        let prefix = String(decoding: bytes[..<min(o, bytes.count)], as: UTF8.self)
        var line = 1, column = 1, offset = 0
        for c in prefix { offset += 1; if c == "\n" { line += 1; column = 1 } else { column += 1 } }
        return SourceLocation(line: line, column: column, offset: offset)
    }

    static func tokens(_ b: [UInt8]) -> [Token] {
        var out: [Token] = []
        var i = 0
        func isWord(_ c: UInt8) -> Bool { c == 95 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 0x80 || c == 36 }
        while i < b.count {
            let s = i, c = b[i]
            if c == 32 || c == 9 || c == 10 || c == 13 {
                while i < b.count, [32, 9, 10, 13].contains(b[i]) { i += 1 }
                out.append(Token(kind: .space, start: s, end: i))
            } else if c == 45, i + 1 < b.count, b[i + 1] == 45 {
                while i < b.count, b[i] != 10 { i += 1 }
                out.append(Token(kind: .space, start: s, end: i))
            } else if c == 47, i + 1 < b.count, b[i + 1] == 42 {
                i += 2
                while i + 1 < b.count, !(b[i] == 42 && b[i + 1] == 47) { i += 1 }
                i = min(b.count, i + 2)
                out.append(Token(kind: .space, start: s, end: i))
            } else if c == 39 || c == 34 || c == 96 || c == 91 {
                let close: UInt8 = c == 91 ? 93 : c
                i += 1
                while i < b.count {
                    if b[i] == close {
                        if close != 93, i + 1 < b.count, b[i + 1] == close { i += 2; continue }
                        i += 1; break
                    }
                    i += 1
                }
                out.append(Token(kind: c == 39 ? .string : .quoted, start: s, end: i))
            } else if c >= 48 && c <= 57 {
                while i < b.count, isWord(b[i]) || b[i] == 46 { i += 1 }
                out.append(Token(kind: .number, start: s, end: i))
            } else if isWord(c) {
                while i < b.count, isWord(b[i]) { i += 1 }
                out.append(Token(kind: .word, start: s, end: i))
            } else {
                i += 1
                if i < b.count, (c == 60 && (b[i] == 62 || b[i] == 61)) || (c == 62 && b[i] == 61) || (c == 33 && b[i] == 61) || (c == 61 && b[i] == 61) || (c == 124 && b[i] == 124) { i += 1 }
                out.append(Token(kind: .symbol, start: s, end: i))
            }
        }
        return out
    }

    static func isPeriodLiteral(_ s: String) -> Bool {
        if SQLScope.isoDay(s) != nil { return false }
        let b = Array(s.utf8)
        func digits(_ r: Range<Int>) -> Bool { r.allSatisfy { $0 < b.count && b[$0] >= 48 && b[$0] <= 57 } }
        if s.contains("..") { return (try? Period.parse(s)) != nil }
        guard b.count >= 4, digits(0..<4) else { return false }
        if b.count == 4 { return true }
        guard b.count == 7, b[4] == 45 else { return false }
        return digits(5..<7) || ((b[5] == 81 || b[5] == 72 || b[5] == 113 || b[5] == 104) && digits(6..<7))
    }

    /// Rewrites one statement.
    public static func rewrite(_ text: String, context: QueryContext) throws(QueryError) -> Result {
        let b = Array(text.utf8)
        let all = tokens(b)
        let sig = all.filter { $0.kind != .space }
        func str(_ t: Token) -> String { String(decoding: b[t.start..<t.end], as: UTF8.self) }
        func upper(_ t: Token) -> String { t.kind == .word ? str(t).uppercased() : "" }
        func unquote(_ t: Token) -> String {
            let s = str(t)
            guard t.kind == .string || t.kind == .quoted, s.count >= 2 else { return s }
            let q = s.first!
            return String(s.dropFirst().dropLast()).replacingOccurrences(of: String([q, q]), with: String(q))
        }
        func loc(_ t: Token) -> SourceLocation { location(b, t.start) }
        func fail(_ message: String, _ t: Token) -> QueryError {
            QueryError(message, location: loc(t), length: String(decoding: b[t.start..<t.end], as: UTF8.self).count)
        }
        // Replacements: byte range of the original → new text.
        var edits: [(Range<Int>, String)] = []
        var asOf: Day?
        var placesSeen: (Token, Day)?
        var explain = false
        var i = 0
        if let first = sig.first, upper(first) == "EXPLAIN", sig.count > 1, upper(sig[1]) != "QUERY" {
            explain = true
            edits.append((first.start..<first.end, ""))
            i = 1
        }
        /// The start of the column expression ending at sig[j] (a name, or qualified names).
        func columnStart(_ j: Int) -> Int? {
            guard j >= 0, sig[j].kind == .word || sig[j].kind == .quoted else { return nil }
            var k = j
            while k >= 2, sig[k - 1].kind == .symbol, str(sig[k - 1]) == ".", sig[k - 2].kind == .word || sig[k - 2].kind == .quoted { k -= 2 }
            return k
        }
        while i < sig.count {
            let t = sig[i]
            // BY PLACES AS OF 'day': today's communes from 1/7/2025 (dropped); before, Hoso's planner only.
            if upper(t) == "BY", i + 1 < sig.count, upper(sig[i + 1]) == "PLACES" {
                guard i + 4 < sig.count, upper(sig[i + 2]) == "AS", upper(sig[i + 3]) == "OF", sig[i + 4].kind == .string else {
                    throw fail("expected BY PLACES AS OF 'date' ('2025-03-01' for the communes before the 2025 reform)", t)
                }
                let v = sig[i + 4]
                let day: Day
                do { day = try Day.parse(unquote(v)) } catch {
                    throw fail("BY PLACES AS OF: not a date: \(error.reason) (write '2025-03-01' or '01/03/2025')", v)
                }
                guard placesSeen == nil else { throw fail("BY PLACES AS OF is given twice", t) }
                placesSeen = (t, day)
                edits.append((t.start..<v.end, ""))
                i += 5
                continue
            }
            // AS OF 'day'
            if upper(t) == "AS", i + 2 < sig.count, upper(sig[i + 1]) == "OF" {
                let v = sig[i + 2]
                guard v.kind == .string else { throw fail("expected a day after AS OF ('2025-12-10' or '10/12/2025')", v) }
                guard asOf == nil else { throw fail("AS OF is given twice", t) }
                do { asOf = try Day.parse(unquote(v)) } catch {
                    throw fail("not a date after AS OF: \(error.reason) (write '2025-12-10' or '10/12/2025')", v)
                }
                edits.append((t.start..<v.end, ""))
                i += 3
                continue
            }
            // col [NOT] IN REPORT [unit] period
            if upper(t) == "IN", i + 1 < sig.count, upper(sig[i + 1]) == "REPORT" {
                let negated = i >= 1 && upper(sig[i - 1]) == "NOT"
                let colEnd = negated ? i - 2 : i - 1
                guard let cs = columnStart(colEnd) else { throw fail("IN REPORT needs a day column before it (e.g. date IN REPORT YEAR 2025)", t) }
                var j = i + 2
                var unit = "YEAR"
                if j < sig.count, ["YEAR", "HALF", "QUARTER", "MONTH"].contains(upper(sig[j])) { unit = upper(sig[j]); j += 1 }
                guard j < sig.count else { throw fail("expected a period after REPORT \(unit)", sig[sig.count - 1]) }
                var end = sig[j].end
                var value: String
                if sig[j].kind == .string { value = unquote(sig[j]) }
                else if sig[j].kind == .number {
                    value = str(sig[j])
                    // Unquoted 2025-06, 2025-Q3, 2025-H1 (no spaces inside).
                    if j + 2 < sig.count, str(sig[j + 1]) == "-", sig[j + 1].start == sig[j].end, sig[j + 2].start == sig[j + 1].end,
                       sig[j + 2].kind == .number || sig[j + 2].kind == .word {
                        value += "-" + str(sig[j + 2]); end = sig[j + 2].end; j += 2
                    }
                } else {
                    throw fail("expected a period after REPORT \(unit) (e.g. REPORT YEAR 2025, REPORT MONTH 2025-06, REPORT QUARTER 2025-Q3)", sig[j])
                }
                do { _ = try Period.parse(value) } catch {
                    throw fail("not a reporting period: \(error.reason) (write REPORT YEAR 2025, REPORT HALF 2025-H1, REPORT QUARTER 2025-Q3 or REPORT MONTH 2025-06)", sig[j])
                }
                let column = String(decoding: b[sig[cs].start..<sig[colEnd].end], as: UTF8.self)
                edits.append((sig[cs].start..<end, between(column, (try? Period.parse(value))?.range(in: context.calendar), negated: negated)))
                if negated { edits.append((sig[i - 1].start..<sig[i - 1].end, "")) }
                i = j + 1
                continue
            }
            // col IN 'text': a list was meant, or a period.
            if upper(t) == "IN", i + 1 < sig.count, sig[i + 1].kind == .string {
                let v = sig[i + 1]
                let name = i >= 1 ? str(sig[i - 1]) : "col"
                throw fail("IN needs a list in parentheses: for a period write \(name) = '\(unquote(v))' (or \(name) IN REPORT MONTH \(unquote(v))); for values, \(name) IN ('a', 'b')", v)
            }
            // dayColumn = 'period' / <> 'period'
            if t.kind == .symbol, ["=", "==", "<>", "!="].contains(str(t)), i + 1 < sig.count, sig[i + 1].kind == .string,
               let cs = columnStart(i - 1), dayColumns.contains(unquote(sig[i - 1]).lowercased()), isPeriodLiteral(unquote(sig[i + 1])) {
                let column = String(decoding: b[sig[cs].start..<sig[i - 1].end], as: UTF8.self)
                let negated = str(t) == "<>" || str(t) == "!="
                edits.append((sig[cs].start..<sig[i + 1].end, between(column, (try? Period.parse(unquote(sig[i + 1])))?.range(), negated: negated)))
                i += 2
                continue
            }
            i += 1
        }
        if let (t, day) = placesSeen, day < PlaceHistory.reformDay {
            throw fail("BY PLACES AS OF a day before 1/7/2025 is answered by Hoso's planner (persons, events or status_changes, one table, their conditions, COUNT, GROUP BY, ORDER BY, LIMIT: "
                       + "SELECT commune, COUNT(*) FROM persons GROUP BY commune BY PLACES AS OF '\(day)'); it is not read in SQL it hands to SQLite (joins, subqueries, functions…)", t)
        }
        /// A period as a range of ISO days: the same answer as in_period/in_report (days are
        /// ISO text, which sorts as the days do), and a range SQLite hands to the virtual table's
        /// index (a function call it could not).
        func between(_ column: String, _ range: DayRange?, negated: Bool) -> String {
            guard let range, let last = range.last else { return negated ? "(\(column) IS NOT NULL)" : "(\(column) IS NULL AND 0)" }
            return (negated ? "NOT " : "") + "(\(column) BETWEEN '\(range.start)' AND '\(last)')"
        }
        // Apply the edits in order, keeping for each output byte the original byte it comes from.
        edits.sort { $0.0.lowerBound < $1.0.lowerBound }
        var out: [UInt8] = []
        var origin: [Int] = []
        var p = 0
        for (range, replacement) in edits where range.lowerBound >= p {
            out += b[p..<range.lowerBound]; origin += Array(p..<range.lowerBound)
            let r = Array(replacement.utf8)
            out += r; origin += Array(repeating: range.lowerBound, count: r.count)
            p = range.upperBound
        }
        out += b[p...]; origin += Array(p..<b.count)
        return Result(sql: String(decoding: out, as: UTF8.self), asOf: asOf, explain: explain, original: text, origin: origin)
    }
}
