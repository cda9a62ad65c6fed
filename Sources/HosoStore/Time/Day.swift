#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A civil date in the proleptic Gregorian calendar, without time of day or time zone.
///
/// A `Day` is stored as the number of days since 1970-01-01 (`rawValue == 0` is 1970-01-01),
/// so it is four bytes wide, orders by ``rawValue`` and can be used directly as an index key.
/// All conversions use Howard Hinnant's integer `days_from_civil` / `civil_from_days`
/// algorithms; no Foundation `Calendar` is involved.
///
/// ```swift
/// let day = Day(year: 2025, month: 6, day: 10)!
/// print(day)            // 2025-06-10
/// print(day.weekday)    // 2
/// let parsed = try Day.parse("10/06/2025")
/// print(parsed == day)  // true
/// ```
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    ///
    /// ```swift
    /// print(Day(year: 1970, month: 1, day: 2)!.rawValue)   // 1
    /// ```
    public let rawValue: Int32

    /// Creates a day from its number of days since 1970-01-01.
    ///
    /// ```swift
    /// print(Day(rawValue: 0))   // 1970-01-01
    /// ```
    @inlinable
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// Creates a day from a year, month (1…12) and day of month, or returns `nil` when the
    /// combination does not exist (such as 2025-02-29) or is outside the representable range.
    ///
    /// ```swift
    /// print(Day(year: 2024, month: 2, day: 29)!)          // 2024-02-29
    /// print(Day(year: 2025, month: 2, day: 29) == nil)    // true
    /// ```
    public init?(year: Int, month: Int, day: Int) {
        guard (-6_000_000...6_000_000).contains(year),
              (1...12).contains(month),
              day >= 1, day <= Day.numberOfDays(inMonth: month, year: year)
        else { return nil }
        let raw = Day.daysFromCivil(year: year, month: month, day: day)
        guard let value = Int32(exactly: raw) else { return nil }
        self.rawValue = value
    }

    /// The earliest representable day, used as an open lower bound. Its ``description`` is `-∞`.
    ///
    /// ```swift
    /// let everything = DayRange(.distantPast, .distantFuture)
    /// print(everything)   // -∞…+∞
    /// ```
    public static let distantPast = Day(rawValue: Int32.min)

    /// The latest representable day, used as an open upper bound. Its ``description`` is `+∞`.
    ///
    /// ```swift
    /// let fromNowOn = DayRange(Day.today(), .distantFuture)
    /// print(fromNowOn.contains(Day.today().adding(years: 100)))   // true
    /// ```
    public static let distantFuture = Day(rawValue: Int32.max)

    // MARK: - Components

    /// The year, month and day of month, computed in one pass.
    ///
    /// ```swift
    /// print(Day(rawValue: 0).civil)   // (year: 1970, month: 1, day: 1)
    /// ```
    @inlinable
    public var civil: (year: Int, month: Int, day: Int) {
        Day.civilFromDays(Int(rawValue))
    }

    /// The proleptic Gregorian year (year 0 is 1 BC).
    ///
    /// ```swift
    /// print(Day(year: 2025, month: 6, day: 10)!.year)   // 2025
    /// ```
    @inlinable
    public var year: Int { civil.year }

    /// The month, 1 (January) … 12 (December).
    ///
    /// ```swift
    /// print(Day(year: 2025, month: 6, day: 10)!.month)   // 6
    /// ```
    @inlinable
    public var month: Int { civil.month }

    /// The day of the month, 1 … 31.
    ///
    /// ```swift
    /// print(Day(year: 2025, month: 6, day: 10)!.day)   // 10
    /// ```
    @inlinable
    public var day: Int { civil.day }

    /// The ISO 8601 weekday: 1 = Monday … 7 = Sunday.
    ///
    /// ```swift
    /// // 1970-01-01 was a Thursday
    /// print(Day(year: 1970, month: 1, day: 1)!.weekday)   // 4
    /// ```
    @inlinable
    public var weekday: Int {
        let r = (Int(rawValue) + 3) % 7   // 1970-01-01 was a Thursday
        return (r < 0 ? r + 7 : r) + 1
    }

    /// `YYYY-MM-DD`; `-∞` for ``distantPast`` and `+∞` for ``distantFuture``.
    /// Years outside 0…9999 print with a sign or more digits (`-0001-03-01`, `10000-01-01`).
    ///
    /// ```swift
    /// print("\(Day(year: 2025, month: 6, day: 10)!)")   // 2025-06-10
    /// ```
    public var description: String {
        if self == .distantPast { return "-∞" }
        if self == .distantFuture { return "+∞" }
        let c = civil
        let yearText = c.year < 0
            ? "-" + Day.padded(-c.year, width: 4)
            : Day.padded(c.year, width: 4)
        return yearText + "-" + Day.padded(c.month, width: 2) + "-" + Day.padded(c.day, width: 2)
    }

    // MARK: - Comparison

    /// Days order chronologically.
    ///
    /// ```swift
    /// print(Day(year: 2024, month: 12, day: 31)! < Day(year: 2025, month: 1, day: 1)!)   // true
    /// ```
    @inlinable
    public static func < (lhs: Day, rhs: Day) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    // MARK: - Arithmetic

    /// The day `days` days later (earlier when negative).
    /// Traps when the result is outside the representable range.
    ///
    /// ```swift
    /// print(Day(year: 2024, month: 12, day: 31)!.adding(days: 1))   // 2025-01-01
    /// ```
    public func adding(days: Int) -> Day {
        let (sum, overflow) = Int(rawValue).addingReportingOverflow(days)
        guard !overflow, let value = Int32(exactly: sum) else {
            preconditionFailure("Day \(self) + \(days) days is outside the representable range")
        }
        return Day(rawValue: value)
    }

    /// The same day of the month `months` months later (earlier when negative), clamped to the
    /// last day of the target month when that month is shorter.
    ///
    /// ```swift
    /// print(Day(year: 2025, month: 1, day: 31)!.adding(months: 1))    // 2025-02-28
    /// print(Day(year: 2025, month: 3, day: 31)!.adding(months: -1))   // 2025-02-28
    /// ```
    public func adding(months: Int) -> Day {
        let c = civil
        let (total, overflow) = (c.year * 12 + (c.month - 1)).addingReportingOverflow(months)
        precondition(!overflow, "Day \(self) + \(months) months is outside the representable range")
        let newYear = Day.floorDiv(total, 12)
        let newMonth = total - newYear * 12 + 1
        let newDay = Swift.min(c.day, Day.numberOfDays(inMonth: newMonth, year: newYear))
        guard let result = Day(year: newYear, month: newMonth, day: newDay) else {
            preconditionFailure("Day \(self) + \(months) months is outside the representable range")
        }
        return result
    }

    /// The same month and day `years` years later (earlier when negative); February 29 becomes
    /// February 28 in a common year.
    ///
    /// ```swift
    /// print(Day(year: 2024, month: 2, day: 29)!.adding(years: 1))   // 2025-02-28
    /// ```
    public func adding(years: Int) -> Day {
        let (months, overflow) = years.multipliedReportingOverflow(by: 12)
        precondition(!overflow, "Day \(self) + \(years) years is outside the representable range")
        return adding(months: months)
    }

    /// The age in whole years, on `day`, of someone born on `self`.
    ///
    /// The birthday in a given year is the same month and day; someone born on February 29 has
    /// their birthday on **February 28** in common years (so someone born 2008-02-29 turns 18 on
    /// 2026-02-28). Formally: the largest `n` with `self.adding(years: n) <= day`, which is
    /// negative when `day` is before `self`.
    ///
    /// ```swift
    /// let born = Day(year: 2008, month: 2, day: 29)!
    /// print(born.age(on: Day(year: 2026, month: 2, day: 27)!))   // 17
    /// print(born.age(on: Day(year: 2026, month: 2, day: 28)!))   // 18
    /// ```
    public func age(on day: Day) -> Int {
        let years = day.year - year
        return adding(years: years) <= day ? years : years - 1
    }

    /// Today's date at the given offset from UTC in seconds; the default is UTC+7 (Indochina Time).
    ///
    /// ```swift
    /// let today = Day.today()                         // at UTC+7
    /// let utcToday = Day.today(utcOffsetSeconds: 0)   // in UTC
    /// print(today.rawValue - utcToday.rawValue <= 1)   // true
    /// ```
    public static func today(utcOffsetSeconds: Int = 7 * 3600) -> Day {
        let seconds = Date().timeIntervalSince1970 + Double(utcOffsetSeconds)
        return Day(rawValue: Int32((seconds / 86_400).rounded(.down)))
    }

    // MARK: - Calendar facts

    /// Whether `year` is a leap year in the proleptic Gregorian calendar.
    ///
    /// ```swift
    /// print(Day.isLeapYear(2024))   // true
    /// print(Day.isLeapYear(1900))   // false
    /// ```
    @inlinable
    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The number of days in `month` (1…12) of `year`; 0 when `month` is out of range.
    ///
    /// ```swift
    /// print(Day.numberOfDays(inMonth: 2, year: 2025))   // 28
    /// ```
    @inlinable
    public static func numberOfDays(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    // MARK: - Hinnant's algorithms (http://howardhinnant.github.io/date_algorithms.html)

    @usableFromInline
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400                                           // [0, 399]
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1   // [0, 365]
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy                   // [0, 146096]
        return era * 146_097 + doe - 719_468
    }

    @usableFromInline
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097                                       // [0, 146096]
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365  // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)                 // [0, 365]
        let mp = (5 * doy + 2) / 153                                      // [0, 11]
        let d = doy - (153 * mp + 2) / 5 + 1                              // [1, 31]
        let m = mp < 10 ? mp + 3 : mp - 9                                 // [1, 12]
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (y, m, d)
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]
}

// MARK: - Parsing

extension Day {
    /// Reads a date written as `YYYY-MM-DD` (ISO 8601) or in the Vietnamese order
    /// `DD/MM/YYYY` (also `D/M/YYYY`). Anything else, including surrounding spaces, is rejected
    /// with a ``DayParseError`` that says why.
    ///
    /// ```swift
    /// print(try Day.parse("2025-06-10"))   // 2025-06-10
    /// print(try Day.parse("10/06/2025"))   // 2025-06-10
    /// print(try Day.parse("1/6/2025"))     // 2025-06-01
    /// // throws DayParseError: February 2025 has 28 days
    /// print((try? Day.parse("2025-02-29")) == nil)   // true
    /// ```
    public static func parse(_ text: String) throws(DayParseError) -> Day {
        let bytes = Array(text.utf8)
        let slash = UInt8(ascii: "/"), dash = UInt8(ascii: "-")
        let year: Int, month: Int, day: Int
        if bytes.isEmpty {
            throw DayParseError(text: text, reason: "the text is empty")
        } else if bytes.contains(slash) {
            let parts = bytes.split(separator: slash, omittingEmptySubsequences: false)
            guard parts.count == 3,
                  let d = decimal(parts[0], digits: 1...2),
                  let m = decimal(parts[1], digits: 1...2),
                  let y = decimal(parts[2], digits: 4...4)
            else {
                throw DayParseError(text: text, reason:
                    "a date with slashes must be day/month/year with a 1–2 digit day and month and a 4-digit year")
            }
            (year, month, day) = (y, m, d)
        } else if bytes.contains(dash) {
            let parts = bytes.split(separator: dash, omittingEmptySubsequences: false)
            guard parts.count == 3,
                  let y = decimal(parts[0], digits: 4...4),
                  let m = decimal(parts[1], digits: 2...2),
                  let d = decimal(parts[2], digits: 2...2)
            else {
                throw DayParseError(text: text, reason:
                    "a date with dashes must be year-month-day with a 4-digit year and 2-digit month and day")
            }
            (year, month, day) = (y, m, d)
        } else {
            throw DayParseError(text: text, reason: "it is not written in a date form")
        }
        guard (1...12).contains(month) else {
            throw DayParseError(text: text, reason: "month \(month) out of range 1–12")
        }
        let length = numberOfDays(inMonth: month, year: year)
        guard day >= 1, day <= length else {
            if day == 0 {
                throw DayParseError(text: text, reason: "day 0 out of range 1–\(length)")
            }
            throw DayParseError(text: text, reason:
                "\(monthNames[month - 1]) \(padded(year, width: 4)) has \(length) days")
        }
        // 4-digit years are always representable.
        return Day(year: year, month: month, day: day)!
    }

    private static func decimal(_ bytes: ArraySlice<UInt8>, digits: ClosedRange<Int>) -> Int? {
        guard digits.contains(bytes.count) else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
