import Foundation
import Testing
@testable import HosoStore

private func day(_ y: Int, _ m: Int, _ d: Int) -> Day {
    guard let result = Day(year: y, month: m, day: d) else {
        Issue.record("\(y)-\(m)-\(d) should be a valid day")
        return Day(rawValue: 0)
    }
    return result
}

@Suite("Day")
struct DayTests {
    /// Every day 1900-01-01 … 2100-12-31 against Foundation's Gregorian calendar in UTC.
    @Test func matchesFoundationCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(secondsFromGMT: 0))
        let first = try #require(calendar.date(from: DateComponents(year: 1900, month: 1, day: 1)))
        let firstRaw = Int((first.timeIntervalSince1970 / 86_400).rounded(.down))
        #expect(firstRaw == -25_567)   // 70 years, 17 leap days (1904…1968)
        let last = try #require(calendar.date(from: DateComponents(year: 2100, month: 12, day: 31)))
        let lastRaw = Int(last.timeIntervalSince1970 / 86_400)
        var mismatches = 0
        for raw in firstRaw...lastRaw {
            let date = Date(timeIntervalSince1970: Double(raw) * 86_400)
            let c = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
            let d = Day(rawValue: Int32(raw))
            let isoWeekday = (c.weekday! + 5) % 7 + 1   // Foundation: 1 = Sunday
            if d.year != c.year || d.month != c.month || d.day != c.day || d.weekday != isoWeekday
                || Day(year: c.year!, month: c.month!, day: c.day!)?.rawValue != Int32(raw) {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("raw \(raw): Day says \(d) weekday \(d.weekday), Foundation says \(c)")
                }
            }
        }
        #expect(mismatches == 0)
        #expect(lastRaw - firstRaw + 1 == 73_414)
    }

    @Test func knownAnchors() {
        #expect(day(1970, 1, 1).rawValue == 0)
        #expect(day(2000, 3, 1).rawValue == 11_017)
        #expect(day(1969, 12, 31).rawValue == -1)
        #expect(day(2000, 1, 1).adding(days: 146_097) == day(2400, 1, 1))   // 400 Gregorian years
        #expect(day(2025, 6, 10).weekday == 2)   // a Tuesday
        #expect(day(2024, 12, 29).weekday == 7)  // a Sunday
        #expect(Day(year: 2025, month: 2, day: 29) == nil)
        #expect(Day(year: 1900, month: 2, day: 29) == nil)
        #expect(Day(year: 2000, month: 2, day: 29) != nil)
        #expect(Day(year: 2025, month: 4, day: 31) == nil)
        #expect(Day(year: 2025, month: 13, day: 1) == nil)
        #expect(Day(year: 2025, month: 0, day: 1) == nil)
        #expect(Day(year: 2025, month: 1, day: 0) == nil)
        #expect(Day(year: 10_000_000, month: 1, day: 1) == nil)
    }

    @Test func extremesRoundTripAndPrint() {
        #expect(Day.distantPast.description == "-∞")
        #expect(Day.distantFuture.description == "+∞")
        for raw in [Int32.min + 1, Int32.min + 400, Int32.max - 1, Int32.max - 366] {
            let d = Day(rawValue: raw)
            #expect(Day(year: d.year, month: d.month, day: d.day)?.rawValue == raw, "raw \(raw)")
            _ = d.description
        }
        #expect(day(-1, 3, 1).description == "-0001-03-01")
        #expect(day(10_000, 1, 1).description == "10000-01-01")
        #expect(day(5, 7, 9).description == "0005-07-09")
    }

    @Test(arguments: [
        ("2025-06-10", "2025-06-10"), ("10/06/2025", "2025-06-10"), ("1/6/2025", "2025-06-01"),
        ("01/6/2025", "2025-06-01"), ("1/06/2025", "2025-06-01"), ("29/02/2024", "2024-02-29"),
        ("2024-02-29", "2024-02-29"), ("31/12/1999", "1999-12-31"), ("0001-01-01", "0001-01-01"),
    ])
    func parseAccepts(text: String, expected: String) throws {
        #expect(try Day.parse(text).description == expected)
    }

    @Test(arguments: [
        ("", "empty"),
        ("2025-13-01", "month 13 out of range 1–12"),
        ("2025-00-10", "month 0 out of range 1–12"),
        ("2025-02-29", "February 2025 has 28 days"),
        ("29/02/2025", "February 2025 has 28 days"),
        ("31/04/2025", "April 2025 has 30 days"),
        ("2025-06-00", "day 0 out of range 1–30"),
        ("32/01/2025", "January 2025 has 31 days"),
        ("13/13/2025", "month 13 out of range 1–12"),
        ("2025-6-10", "dashes"), ("25-06-10", "dashes"), ("10-06-2025", "dashes"),
        ("2025/06/10", "slashes"), ("100/06/2025", "slashes"), ("10/06/25", "slashes"),
        ("10/06/2025/1", "slashes"), ("10//2025", "slashes"),
        (" 2025-06-10", "dashes"), ("2025-06-10 ", "dashes"), ("2025-06-10T00:00", "dashes"),
        ("+2025-06-10", "dashes"), ("１０/06/2025", "slashes"), ("20250610", "not written in a date form"),
        ("hôm nay", "not written in a date form"), ("2025-06-1a", "dashes"),
    ])
    func parseRejects(text: String, reasonFragment: String) {
        do {
            let d = try Day.parse(text)
            Issue.record("\"\(text)\" parsed as \(d)")
        } catch {
            #expect(error.text == text)
            #expect(error.reason.contains(reasonFragment), "reason: \(error.reason)")
            #expect(error.description.contains("\"\(text)\""))
            #expect(error.description.contains("YYYY-MM-DD, DD/MM/YYYY, D/M/YYYY"))
        }
    }

    @Test func errorMessageNamesTextAndReason() {
        #expect(throws: DayParseError.self) { try Day.parse("2025-02-29") }
        do { _ = try Day.parse("2025-02-29") } catch {
            #expect(error.description
                == "invalid date \"2025-02-29\": February 2025 has 28 days (accepted forms: YYYY-MM-DD, DD/MM/YYYY, D/M/YYYY)")
        }
    }

    @Test func addingMonthsClampsToMonthEnd() {
        #expect(day(2025, 1, 31).adding(months: 1) == day(2025, 2, 28))
        #expect(day(2024, 1, 31).adding(months: 1) == day(2024, 2, 29))
        #expect(day(2025, 3, 31).adding(months: -1) == day(2025, 2, 28))
        #expect(day(2025, 5, 31).adding(months: 1) == day(2025, 6, 30))
        #expect(day(2025, 12, 15).adding(months: 1) == day(2026, 1, 15))
        #expect(day(2025, 1, 15).adding(months: -1) == day(2024, 12, 15))
        #expect(day(2025, 1, 15).adding(months: -13) == day(2023, 12, 15))
        #expect(day(2025, 1, 15).adding(months: 24) == day(2027, 1, 15))
        #expect(day(2025, 8, 31).adding(months: 0) == day(2025, 8, 31))
        #expect(day(2024, 2, 29).adding(years: 1) == day(2025, 2, 28))
        #expect(day(2024, 2, 29).adding(years: 4) == day(2028, 2, 29))
        #expect(day(2024, 2, 29).adding(years: -100) == day(1924, 2, 29))
        #expect(day(2024, 2, 29).adding(years: 76) == day(2100, 2, 28))
        #expect(day(2024, 12, 31).adding(days: 1) == day(2025, 1, 1))
        #expect(day(2025, 3, 1).adding(days: -1) == day(2025, 2, 28))
    }

    /// adding(months:) against Foundation's calendar facts (which month is `n` months on, how
    /// many days it has). Not against `Calendar.date(byAdding: .month, …)`: on Linux with
    /// Swift 6.3.1 it gives 1918-03-01 for 1920-10-29 − 32 months instead of 1918-02-28.
    @Test func addingMonthsMatchesFoundation() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(secondsFromGMT: 0))
        let seed: UInt64 = 0x5EED_0001
        var rng = SplitMix64(seed: seed)
        for _ in 0..<2_000 {
            let raw = Int32(Int.random(in: -25_000...50_000, using: &rng))
            let months = Int.random(in: -40...40, using: &rng)
            let start = calendar.dateComponents([.year, .month, .day],
                                                from: Date(timeIntervalSince1970: Double(raw) * 86_400))
            let firstOfTarget = try #require(calendar.date(from: DateComponents(
                year: start.year, month: start.month! + months, day: 1)))
            let target = calendar.dateComponents([.year, .month], from: firstOfTarget)
            let length = try #require(calendar.range(of: .day, in: .month, for: firstOfTarget)).count
            let expected = try #require(calendar.date(from: DateComponents(
                year: target.year, month: target.month, day: min(start.day!, length))))
            let expectedRaw = Int32((expected.timeIntervalSince1970 / 86_400).rounded(.down))
            #expect(Day(rawValue: raw).adding(months: months).rawValue == expectedRaw,
                    "seed \(seed): \(Day(rawValue: raw)) + \(months) months")
        }
    }

    @Test func age() {
        let born = day(2008, 2, 29)
        #expect(born.age(on: day(2026, 2, 27)) == 17)
        #expect(born.age(on: day(2026, 2, 28)) == 18)   // birthday on Feb 28 in common years
        #expect(born.age(on: day(2028, 2, 28)) == 19)   // leap year: birthday is Feb 29
        #expect(born.age(on: day(2028, 2, 29)) == 20)
        #expect(born.age(on: born) == 0)
        #expect(born.age(on: day(2008, 2, 28)) == -1)
        let other = day(1990, 6, 10)
        #expect(other.age(on: day(2025, 6, 9)) == 34)
        #expect(other.age(on: day(2025, 6, 10)) == 35)
        #expect(other.age(on: day(2025, 12, 31)) == 35)
        #expect(day(2000, 12, 31).age(on: day(2001, 12, 30)) == 0)
        #expect(day(2000, 12, 31).age(on: day(2001, 12, 31)) == 1)
    }

    @Test func todayIsInVietnam() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(secondsFromGMT: 7 * 3600))
        let before = calendar.dateComponents([.year, .month, .day], from: Date())
        let today = Day.today()
        let after = calendar.dateComponents([.year, .month, .day], from: Date())
        let expected = [before, after].map { Day(year: $0.year!, month: $0.month!, day: $0.day!) }
        #expect(expected.contains(today))
        let utc = Day.today(utcOffsetSeconds: 0)
        #expect(abs(Int(today.rawValue) - Int(utc.rawValue)) <= 1)
    }
}
