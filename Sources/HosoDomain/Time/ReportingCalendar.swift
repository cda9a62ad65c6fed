import HosoStore

/// A tenant's reporting calendar: the day and month on which its reporting year starts and the
/// day of the month on which its reporting months start.
///
/// Reports do not all follow calendar periods: a reporting year may run from 10 December to
/// 9 December with half-years from 10 December to 9 June, statistics may count months from the
/// 15th to the 14th, other reports use calendar months.
///
/// ## Labels
///
/// - **Year.** A reporting year that starts in the second half of a calendar year
///   (`yearStartMonth >= 7`) is labelled by the calendar year in which it *ends*; otherwise by
///   the year in which it *starts*. A year starting on 10 December: year 2025 is
///   2024-12-10…2025-12-09, that is `[2024-12-10, 2025-12-10)`. Gregorian: year 2025 is
///   `[2025-01-01, 2026-01-01)`.
/// - **Month.** A reporting month is labelled by the calendar month of its last day. With
///   `monthStartDay` 15 ("15th → 14th") month 2025-06 is `[2025-05-15, 2025-06-15)`;
///   with `monthStartDay` 1 months are calendar months. Month labels are therefore calendar
///   (year, month) pairs, independent of the reporting year.
/// - **Quarter and half.** Quarter `q` / half `h` of reporting year `Y` are the consecutive
///   3-month / 6-month spans from the start of year `Y`. With a year from 10 December, half 1 of 2025 is
///   `[2024-12-10, 2025-06-10)`, half 2 is `[2025-06-10, 2025-12-10)`.
///
/// Quarters and halves always tile their year exactly. Months tile the reporting year (12 of
/// them, the first labelled by the month of its last day) when `monthStartDay == yearStartDay`.
///
/// ```swift
/// let langSon = try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10)
/// print(langSon.year(2025))   // 2024-12-10…2025-12-09
/// print(langSon.half(2025, 1))   // 2024-12-10…2025-06-09
/// let police = try ReportingCalendar(yearStartMonth: 1, yearStartDay: 1, monthStartDay: 15)
/// print(police.month(2025, 6))   // 2025-05-15…2025-06-14
/// print(ReportingCalendar.gregorian.quarter(2025, 3))   // 2025-07-01…2025-09-30
/// ```
public struct ReportingCalendar: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The month (1…12) in which a reporting year starts.
    ///
    /// ```swift
    /// print(langSon.yearStartMonth)   // 12
    /// ```
    public let yearStartMonth: Int

    /// The day of ``yearStartMonth`` (1…28) on which a reporting year starts.
    ///
    /// ```swift
    /// print(langSon.yearStartDay)   // 10
    /// ```
    public let yearStartDay: Int

    /// The day of the month (1…28) on which a reporting month starts.
    ///
    /// ```swift
    /// print(police.monthStartDay)   // 15
    /// ```
    public let monthStartDay: Int

    /// Creates a calendar, checking that the month is 1…12 and both days are 1…28 (so that
    /// they exist in every month).
    ///
    /// ```swift
    /// let langSon = try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10)
    /// print(langSon.monthStartDay)   // 10
    /// ```
    public init(yearStartMonth: Int, yearStartDay: Int, monthStartDay: Int) throws(CalendarError) {
        guard (1...12).contains(yearStartMonth) else {
            throw CalendarError(field: "yearStartMonth", value: yearStartMonth, allowed: 1...12)
        }
        guard (1...28).contains(yearStartDay) else {
            throw CalendarError(field: "yearStartDay", value: yearStartDay, allowed: 1...28)
        }
        guard (1...28).contains(monthStartDay) else {
            throw CalendarError(field: "monthStartDay", value: monthStartDay, allowed: 1...28)
        }
        self.yearStartMonth = yearStartMonth
        self.yearStartDay = yearStartDay
        self.monthStartDay = monthStartDay
    }

    private init(unchecked yearStartMonth: Int, _ yearStartDay: Int, _ monthStartDay: Int) {
        self.yearStartMonth = yearStartMonth
        self.yearStartDay = yearStartDay
        self.monthStartDay = monthStartDay
    }

    /// Calendar years, quarters, halves and months (year from 1 January, months from the 1st).
    ///
    /// ```swift
    /// print(ReportingCalendar.gregorian.year(2025))   // 2025-01-01…2025-12-31
    /// ```
    public static let gregorian = ReportingCalendar(unchecked: 1, 1, 1)

    private enum CodingKeys: String, CodingKey {
        case yearStartMonth, yearStartDay, monthStartDay
    }

    /// Decodes a calendar and validates it like ``init(yearStartMonth:yearStartDay:monthStartDay:)``.
    ///
    /// ```swift
    /// let json = Data(#"{"yearStartMonth": 12, "yearStartDay": 10, "monthStartDay": 10}"#.utf8)
    /// let calendar = try JSONDecoder().decode(ReportingCalendar.self, from: json)
    /// print(calendar == langSon)   // true
    /// ```
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            yearStartMonth: container.decode(Int.self, forKey: .yearStartMonth),
            yearStartDay: container.decode(Int.self, forKey: .yearStartDay),
            monthStartDay: container.decode(Int.self, forKey: .monthStartDay))
    }

    /// The settings in Vietnamese day/month order, for messages.
    ///
    /// ```swift
    /// let reporting = try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10)
    /// print(reporting)   // year from 10/12, months from day 10
    /// ```
    public var description: String {
        "year from \(yearStartDay)/\(yearStartMonth), months from day \(monthStartDay)"
    }

    // MARK: - Periods

    /// The reporting year labelled `y`.
    ///
    /// ```swift
    /// print(langSon.year(2025))   // 2024-12-10…2025-12-09
    /// print(ReportingCalendar.gregorian.year(2025))   // 2025-01-01…2025-12-31
    /// ```
    public func year(_ y: Int) -> DayRange {
        DayRange(yearStart(y), yearStart(y + 1))
    }

    /// Half `h` (1 or 2) of reporting year `y`: six months from the year's start, or the six
    /// months after. Traps when `h` is not 1 or 2.
    ///
    /// ```swift
    /// print(langSon.half(2025, 1))   // 2024-12-10…2025-06-09
    /// print(langSon.half(2025, 2))   // 2025-06-10…2025-12-09
    /// ```
    public func half(_ y: Int, _ h: Int) -> DayRange {
        precondition((1...2).contains(h), "half \(h) out of range 1–2")
        return span(ofYear: y, firstMonth: 6 * (h - 1), months: 6)
    }

    /// Quarter `q` (1…4) of reporting year `y`: three months from the year's start plus
    /// `3 × (q − 1)` months. Traps when `q` is not 1…4.
    ///
    /// ```swift
    /// print(ReportingCalendar.gregorian.quarter(2025, 3))   // 2025-07-01…2025-09-30
    /// print(langSon.quarter(2025, 1))   // 2024-12-10…2025-03-09
    /// ```
    public func quarter(_ y: Int, _ q: Int) -> DayRange {
        precondition((1...4).contains(q), "quarter \(q) out of range 1–4")
        return span(ofYear: y, firstMonth: 3 * (q - 1), months: 3)
    }

    /// The reporting month labelled calendar year `y`, month `m` (1…12): the month whose last
    /// day falls in calendar month `y`-`m`. Traps when `m` is not 1…12.
    ///
    /// ```swift
    /// print(police.month(2025, 6))   // 2025-05-15…2025-06-14
    /// print(ReportingCalendar.gregorian.month(2025, 2))   // 2025-02-01…2025-02-28
    /// ```
    public func month(_ y: Int, _ m: Int) -> DayRange {
        precondition((1...12).contains(m), "month \(m) out of range 1–12")
        if monthStartDay == 1 {
            let start = day(y, m, 1)
            return DayRange(start, start.adding(months: 1))
        }
        let end = day(y, m, monthStartDay)
        return DayRange(end.adding(months: -1), end)
    }

    // MARK: - Labels of a day

    /// The label of the reporting year that contains `day`.
    ///
    /// ```swift
    /// print(langSon.yearLabel(containing: Day(year: 2024, month: 12, day: 10)!))   // 2025
    /// print(langSon.yearLabel(containing: Day(year: 2024, month: 12, day: 9)!))   // 2024
    /// ```
    public func yearLabel(containing day: Day) -> Int {
        let c = day.civil
        let startsThisYear = (c.month, c.day) >= (yearStartMonth, yearStartDay)
        let startYear = startsThisYear ? c.year : c.year - 1
        return yearStartMonth >= 7 ? startYear + 1 : startYear
    }

    /// The label (calendar year and month of its last day) of the reporting month that
    /// contains `day`.
    ///
    /// ```swift
    /// print(police.monthLabel(containing: Day(year: 2025, month: 5, day: 15)!))   // (year: 2025, month: 6)
    /// print(police.monthLabel(containing: Day(year: 2025, month: 12, day: 20)!))   // (year: 2026, month: 1)
    /// ```
    public func monthLabel(containing day: Day) -> (year: Int, month: Int) {
        let c = day.civil
        if monthStartDay == 1 || c.day < monthStartDay { return (c.year, c.month) }
        return c.month == 12 ? (c.year + 1, 1) : (c.year, c.month + 1)
    }

    /// The reporting year and quarter (1…4) that contain `day`.
    ///
    /// ```swift
    /// print(langSon.quarterLabel(containing: Day(year: 2025, month: 3, day: 10)!))   // (year: 2025, quarter: 2)
    /// ```
    public func quarterLabel(containing day: Day) -> (year: Int, quarter: Int) {
        let (y, index) = monthIndex(of: day)
        return (y, index / 3 + 1)
    }

    /// The reporting year and half (1 or 2) that contain `day`.
    ///
    /// ```swift
    /// print(langSon.halfLabel(containing: Day(year: 2025, month: 6, day: 9)!))   // (year: 2025, half: 1)
    /// print(langSon.halfLabel(containing: Day(year: 2025, month: 6, day: 10)!))   // (year: 2025, half: 2)
    /// ```
    public func halfLabel(containing day: Day) -> (year: Int, half: Int) {
        let (y, index) = monthIndex(of: day)
        return (y, index / 6 + 1)
    }

    // MARK: - Private

    /// The first day of reporting year `y`.
    private func yearStart(_ y: Int) -> Day {
        day(yearStartMonth >= 7 ? y - 1 : y, yearStartMonth, yearStartDay)
    }

    private func span(ofYear y: Int, firstMonth: Int, months: Int) -> DayRange {
        let start = yearStart(y).adding(months: firstMonth)
        return DayRange(start, start.adding(months: months))
    }

    /// The reporting year containing `day` and the number (0…11) of whole months from its
    /// start to `day`, counted in months that start on ``yearStartDay``.
    private func monthIndex(of day: Day) -> (year: Int, index: Int) {
        let y = yearLabel(containing: day)
        let start = yearStart(y).civil
        let c = day.civil
        var index = (c.year * 12 + c.month) - (start.year * 12 + start.month)
        if c.day < yearStartDay { index -= 1 }
        return (y, index)
    }

    private func day(_ y: Int, _ m: Int, _ d: Int) -> Day {
        guard let result = Day(year: y, month: m, day: d) else {
            preconditionFailure("\(y)-\(m)-\(d) is outside the representable range of Day")
        }
        return result
    }
}
