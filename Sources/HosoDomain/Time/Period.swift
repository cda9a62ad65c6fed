import HosoStore

/// A reporting period as a user names it: a day, a month, a quarter, a half-year, a year, or
/// an explicit span of days (such as a plan's own term).
///
/// A period is a *label*; ``range(in:)`` turns it into days using a ``ReportingCalendar``.
/// With ``ReportingCalendar/gregorian`` the labels are plain calendar periods; with a tenant's
/// calendar they are that tenant's reporting periods (with a year from 10 December, year 2025
/// starts on 2024-12-10).
///
/// ```swift
/// let period = try Period.parse("2025-H1")
/// print(period.range())   // 2025-01-01…2025-06-30
/// print(period.range(in: langSon))   // 2024-12-10…2025-06-09
/// print(period)   // 2025-H1
/// ```
public enum Period: Hashable, Sendable, CustomStringConvertible {
    /// One day.
    ///
    /// ```swift
    /// let p = Period.day(Day(year: 2025, month: 6, day: 10)!)
    /// print(p)   // 2025-06-10
    /// ```
    case day(Day)

    /// A month labelled by calendar year and month (1…12); see ``ReportingCalendar/month(_:_:)``.
    ///
    /// ```swift
    /// let p = Period.month(year: 2025, month: 6)
    /// print(p)   // 2025-06
    /// ```
    case month(year: Int, month: Int)

    /// Quarter 1…4 of a (reporting) year.
    ///
    /// ```swift
    /// let p = Period.quarter(year: 2025, quarter: 3)
    /// print(p)   // 2025-Q3
    /// ```
    case quarter(year: Int, quarter: Int)

    /// Half 1 or 2 of a (reporting) year.
    ///
    /// ```swift
    /// let p = Period.half(year: 2025, half: 1)
    /// print(p)   // 2025-H1
    /// ```
    case half(year: Int, half: Int)

    /// A (reporting) year by its label.
    ///
    /// ```swift
    /// let p = Period.year(2025)
    /// print(p)   // 2025
    /// ```
    case year(Int)

    /// An explicit half-open span of days, independent of any calendar.
    ///
    /// ```swift
    /// let plan = Period.span(DayRange(from: try Day.parse("15/4/2024"), through: try Day.parse("15/4/2025")))
    /// print(plan)   // 2024-04-15..2025-04-15
    /// ```
    case span(DayRange)

    /// The days of the period under `calendar` (by default calendar periods).
    ///
    /// ```swift
    /// print(Period.year(2025).range())   // 2025-01-01…2025-12-31
    /// print(Period.year(2025).range(in: langSon))   // 2024-12-10…2025-12-09
    /// print(Period.month(year: 2025, month: 6).range(in: police))   // 2025-05-15…2025-06-14
    /// ```
    public func range(in calendar: ReportingCalendar = .gregorian) -> DayRange {
        switch self {
        case .day(let d): DayRange(d, d.adding(days: 1))
        case .month(let y, let m): calendar.month(y, m)
        case .quarter(let y, let q): calendar.quarter(y, q)
        case .half(let y, let h): calendar.half(y, h)
        case .year(let y): calendar.year(y)
        case .span(let r): r
        }
    }

    /// The period in the form ``parse(_:)`` reads: `2025-06-10`, `2025-06`, `2025-Q3`,
    /// `2025-H1`, `2025`, or `FROM..TO` with `TO` the last day included. It reads back to an
    /// equal period for years 0…9999, except an empty span (printed `FROM..FROM-1`, which
    /// ``parse(_:)`` rejects) and spans bounded by ``Day/distantPast`` or ``Day/distantFuture``.
    ///
    /// ```swift
    /// print(Period.quarter(year: 2025, quarter: 3).description)   // 2025-Q3
    /// ```
    public var description: String {
        switch self {
        case .day(let d): d.description
        case .month(let y, let m): "\(Period.yearText(y))-\(Period.padded(m, width: 2))"
        case .quarter(let y, let q): "\(Period.yearText(y))-Q\(q)"
        case .half(let y, let h): "\(Period.yearText(y))-H\(h)"
        case .year(let y): Period.yearText(y)
        case .span(let r):
            "\(r.start)..\(r.last ?? Day(rawValue: r.start.rawValue &- 1))"
        }
    }

    /// Reads a period. Accepted forms:
    ///
    /// | text | period |
    /// | --- | --- |
    /// | `2025-06-10`, `10/06/2025`, `10/6/2025` | that day |
    /// | `2025-06` | month June 2025 |
    /// | `2025-Q3` or `2025-q3` | quarter 3 of 2025 |
    /// | `2025-H1` or `2025-h1` | half 1 of 2025 |
    /// | `2025` | year 2025 |
    /// | `2024-04-15..2025-04-15` (either day form on each side) | the days from the first through the second, **both included**; stored half-open as `[2024-04-15, 2025-04-16)` |
    ///
    /// No spaces are allowed. Errors name the text, the reason and the accepted forms.
    ///
    /// ```swift
    /// print(try Period.parse("2025-q3") == .quarter(year: 2025, quarter: 3))   // true
    /// print(try Period.parse("15/4/2024..15/4/2025"))   // 2024-04-15..2025-04-15
    /// do {
    ///     _ = try Period.parse("2025-13")
    /// } catch {
    ///     print(error.reason)   // month 13 out of range 1–12
    /// }
    /// ```
    public static func parse(_ text: String) throws(PeriodParseError) -> Period {
        let bytes = Array(text.utf8)
        let dot = UInt8(ascii: ".")
        if bytes.isEmpty {
            throw PeriodParseError(text: text, reason: "the text is empty")
        }
        if let i = bytes.indices.dropLast().first(where: { bytes[$0] == dot && bytes[$0 + 1] == dot }) {
            let fromText = String(decoding: bytes[..<i], as: UTF8.self)
            let toText = String(decoding: bytes[(i + 2)...], as: UTF8.self)
            let from: Day, to: Day
            do { from = try Day.parse(fromText) } catch {
                throw PeriodParseError(text: text, reason: "first day \"\(fromText)\": \(error.reason)")
            }
            do { to = try Day.parse(toText) } catch {
                throw PeriodParseError(text: text, reason: "last day \"\(toText)\": \(error.reason)")
            }
            guard from <= to else {
                throw PeriodParseError(text: text, reason: "the last day \(to) is before the first day \(from)")
            }
            return .span(DayRange(from: from, through: to))
        }
        if bytes.contains(UInt8(ascii: "/")) || bytes.count == 10 {
            do { return .day(try Day.parse(text)) } catch {
                throw PeriodParseError(text: text, reason: error.reason)
            }
        }
        guard bytes.count >= 4, let year = digits(bytes[0..<4]) else {
            throw PeriodParseError(text: text, reason: "it does not start with a 4-digit year")
        }
        if bytes.count == 4 { return .year(year) }
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-") else {
            throw PeriodParseError(text: text, reason: "it is not written in a period form")
        }
        switch bytes[5] {
        case UInt8(ascii: "Q"), UInt8(ascii: "q"):
            guard let q = digits(bytes[6...]) else {
                throw PeriodParseError(text: text, reason: "a quarter number must be a digit 1–4")
            }
            guard (1...4).contains(q) else {
                throw PeriodParseError(text: text, reason: "quarter \(q) out of range 1–4")
            }
            return .quarter(year: year, quarter: q)
        case UInt8(ascii: "H"), UInt8(ascii: "h"):
            guard let h = digits(bytes[6...]) else {
                throw PeriodParseError(text: text, reason: "a half-year number must be a digit 1–2")
            }
            guard (1...2).contains(h) else {
                throw PeriodParseError(text: text, reason: "half \(h) out of range 1–2")
            }
            return .half(year: year, half: h)
        default:
            guard let m = digits(bytes[5...]) else {
                throw PeriodParseError(text: text, reason: "a month must be 2 digits 01–12")
            }
            guard (1...12).contains(m) else {
                throw PeriodParseError(text: text, reason: "month \(m) out of range 1–12")
            }
            return .month(year: year, month: m)
        }
    }

    private static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return bytes.isEmpty ? nil : value
    }

    private static func yearText(_ y: Int) -> String {
        y < 0 ? "-" + padded(-y, width: 4) : padded(y, width: 4)
    }

    private static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
