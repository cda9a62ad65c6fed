import CSQLite
import HosoDomain

/// A scalar SQL function's body, reached from SQLite's C callback.
final class FunctionBox {
    let name: String
    let body: ([Value]) throws(QueryError) -> Value
    init(name: String, body: @escaping ([Value]) throws(QueryError) -> Value) { self.name = name; self.body = body }
}

/// The tenant's calendar as SQL functions. Days are ISO text (`'2025-06-10'`); periods are
/// written as in the shell (`'2025'`, `'2025-H1'`, `'2025-Q3'`, `'2025-06'`, a day, or
/// `'2025-01-01..2025-03-31'`). A calendar period is the calendar's (`'2025-06'` is June);
/// a report period is the tenant's (`REPORT MONTH 2025-06` may run from 10 May to 9 June).
///
/// | function | gives |
/// | --- | --- |
/// | `report_year(day)` | the report year holding the day |
/// | `report_half(day)`, `report_quarter(day)`, `report_month(day)` | its report period: `'2025-H1'`, `'2025-Q3'`, `'2025-06'` |
/// | `in_period(day, period)` | 1 when the day is in the calendar period |
/// | `in_report(day, period)` | 1 when the day is in the report period |
/// | `period_start(period)`, `period_end(period)` | first and last day of a calendar period |
/// | `report_start(period)`, `report_end(period)` | first and last day of a report period |
/// | `today()` | the tenant's current day |
/// | `x LIKE pattern` | as in the shell: ignoring case and Vietnamese diacritics (`ESCAPE` keeps SQLite's own) |
///
/// ```swift
/// let engine = try SQLEngine(context: context)
/// print(try engine.run("SELECT in_period('2025-06-10', '2025-06'), period_end('2025-Q1')").rows[0].map(\.text))   // ["1", "2025-03-31"]
/// ```
public enum CalendarFunctions {
    static func register(_ engine: SQLEngine) {
        let calendar = engine.context.calendar
        let today = engine.context.today
        func day(_ v: Value, _ f: String) throws(QueryError) -> Day? {
            switch v {
            case .null: return nil
            case .text(let s):
                if let d = SQLScope.isoDay(s) { return d }
                if let d = try? Day.parse(s) { return d }
                throw QueryError("\(f): '\(s)' is not a day (write '2025-06-10')", location: nil)
            default: throw QueryError("\(f): \(v) is not a day (write '2025-06-10')", location: nil)
            }
        }
        func period(_ v: Value, _ f: String) throws(QueryError) -> Period? {
            if v == .null { return nil }
            do { return try Period.parse(v.text) } catch {
                throw QueryError("\(f): not a period: \(error.reason) (periods: '2025', '2025-H1', '2025-Q3', '2025-06', a day, or 'first..last')", location: nil)
            }
        }
        func two(_ s: Int) -> String { s < 10 ? "0\(s)" : "\(s)" }
        let defs: [(String, Int32, ([Value]) throws(QueryError) -> Value)] = [
            ("report_year", 1, { a throws(QueryError) in try day(a[0], "report_year").map { .int(Int64(calendar.yearLabel(containing: $0))) } ?? .null }),
            ("report_half", 1, { a throws(QueryError) in try day(a[0], "report_half").map { let l = calendar.halfLabel(containing: $0); return .text("\(l.year)-H\(l.half)") } ?? .null }),
            ("report_quarter", 1, { a throws(QueryError) in try day(a[0], "report_quarter").map { let l = calendar.quarterLabel(containing: $0); return .text("\(l.year)-Q\(l.quarter)") } ?? .null }),
            ("report_month", 1, { a throws(QueryError) in try day(a[0], "report_month").map { let l = calendar.monthLabel(containing: $0); return .text("\(l.year)-\(two(l.month))") } ?? .null }),
            ("in_period", 2, { a throws(QueryError) in
                guard let d = try day(a[0], "in_period"), let p = try period(a[1], "in_period") else { return .null }
                return .int(p.range().contains(d) ? 1 : 0)
            }),
            ("in_report", 2, { a throws(QueryError) in
                guard let d = try day(a[0], "in_report"), let p = try period(a[1], "in_report") else { return .null }
                return .int(p.range(in: calendar).contains(d) ? 1 : 0)
            }),
            ("period_start", 1, { a throws(QueryError) in try period(a[0], "period_start").map { .text($0.range().start.description) } ?? .null }),
            ("period_end", 1, { a throws(QueryError) in try period(a[0], "period_end").map { SQLScope.text($0.range().last) } ?? .null }),
            ("report_start", 1, { a throws(QueryError) in try period(a[0], "report_start").map { .text($0.range(in: calendar).start.description) } ?? .null }),
            ("report_end", 1, { a throws(QueryError) in try period(a[0], "report_end").map { SQLScope.text($0.range(in: calendar).last) } ?? .null }),
            ("today", 0, { _ throws(QueryError) in .text(today.description) }),
            // LIKE as the shell's own: ignoring case and Vietnamese diacritics ('nguyen%' finds 'Nguyễn Văn A').
            ("like", 2, { a throws(QueryError) in
                guard a[0] != .null, a[1] != .null else { return .null }
                let pattern = a[0].text
                guard pattern.count <= LikePattern.maxLength else {
                    throw QueryError("the LIKE pattern is \(pattern.count) characters long; at most \(LikePattern.maxLength) are allowed", location: nil)
                }
                return .int(LikePattern(folded: Gazetteer.fold(pattern)).matches(folded: Gazetteer.fold(a[1].text)) ? 1 : 0)
            }),
        ]
        for (name, arity, body) in defs {
            let box = FunctionBox(name: name, body: body)
            engine.functions.append(box)
            let flags = SQLITE_UTF8 | (name == "today" ? 0 : SQLITE_DETERMINISTIC)
            sqlite3_create_function_v2(engine.db, name, arity, flags, Unmanaged.passUnretained(box).toOpaque(), { ctx, argc, argv in
                let box = Unmanaged<FunctionBox>.fromOpaque(sqlite3_user_data(ctx)).takeUnretainedValue()
                let args = (0..<Int(argc)).map { SQLEngine.value(argv![$0]) }
                do { SQLEngine.result(ctx, try box.body(args)) } catch {
                    sqlite3_result_error(ctx, (error as? QueryError)?.message ?? "\(error)", -1)
                }
            }, nil, nil, nil)
        }
    }
}
