import Testing
@testable import HosoDomain
import HosoStore

@Suite("Period")
struct PeriodTests {
    @Test(arguments: [
        ("2025-06-10", Period.day(Day(year: 2025, month: 6, day: 10)!)),
        ("10/06/2025", .day(Day(year: 2025, month: 6, day: 10)!)),
        ("1/6/2025", .day(Day(year: 2025, month: 6, day: 1)!)),
        ("2025-06", .month(year: 2025, month: 6)),
        ("2025-Q3", .quarter(year: 2025, quarter: 3)),
        ("2025-q3", .quarter(year: 2025, quarter: 3)),
        ("2025-H1", .half(year: 2025, half: 1)),
        ("2025-h2", .half(year: 2025, half: 2)),
        ("2025", .year(2025)),
        ("2024-04-15..2025-04-15",
         .span(DayRange(Day(year: 2024, month: 4, day: 15)!, Day(year: 2025, month: 4, day: 16)!))),
        ("15/4/2024..15/4/2025",
         .span(DayRange(Day(year: 2024, month: 4, day: 15)!, Day(year: 2025, month: 4, day: 16)!))),
        ("2025-01-01..2025-01-01",
         .span(DayRange(Day(year: 2025, month: 1, day: 1)!, Day(year: 2025, month: 1, day: 2)!))),
    ])
    func parseAccepts(text: String, expected: Period) throws {
        #expect(try Period.parse(text) == expected)
    }

    @Test(arguments: [
        ("", "empty"), ("2025-Q5", "quarter 5 out of range 1–4"), ("2025-Q0", "quarter 0"),
        ("2025-H3", "half 3 out of range 1–2"), ("2025-13", "month 13 out of range 1–12"),
        ("2025-00", "month 0"), ("2025-6", "not written in a period form"), ("25", "4-digit year"),
        ("20255", "not written in a period form"), ("2025-QX", "quarter number"), ("2025-Q12", "period form"),
        ("2025-02-29", "February 2025 has 28 days"), ("2025-04-15..2024-04-15", "before the first day"),
        ("2024-04-15..", "last day"), ("..2024-04-15", "first day"), ("2024-02-30..2024-03-01", "first day"),
        ("2025 ", "period form"), ("năm 2025", "4-digit year"), ("2025-W2", "a month must be 2 digits"), ("2025-W23", "period form"),
    ])
    func parseRejects(text: String, fragment: String) {
        do {
            let p = try Period.parse(text)
            Issue.record("\"\(text)\" parsed as \(p)")
        } catch {
            #expect(error.text == text)
            #expect(error.reason.contains(fragment), "reason: \(error.reason)")
            #expect(error.description.contains("\"\(text)\""))
            #expect(error.description.contains("YYYY-Qn"))
            #expect(error.description.contains("FROM..TO"))
        }
    }

    @Test func descriptionRoundTrips() throws {
        let seed: UInt64 = 0x0000_5045_5249_4F44
        var rng = SplitMix64(seed: seed)
        for _ in 0..<5_000 {
            let y = Int.random(in: 0...9999, using: &rng)
            let a = Day(rawValue: Int32.random(in: -719_162...2_932_896, using: &rng))   // 0001-01-01 … 9999-12-31
            let b = a.adding(days: Int.random(in: 0...800, using: &rng))
            let period: Period = switch Int.random(in: 0..<6, using: &rng) {
            case 0: .day(a)
            case 1: .month(year: y, month: Int.random(in: 1...12, using: &rng))
            case 2: .quarter(year: y, quarter: Int.random(in: 1...4, using: &rng))
            case 3: .half(year: y, half: Int.random(in: 1...2, using: &rng))
            case 4: .year(y)
            default: .span(DayRange(from: a, through: min(b, d("9999-12-31"))))
            }
            #expect(try Period.parse(period.description) == period, "seed \(seed): \(period)")
        }
        #expect(Period.quarter(year: 2025, quarter: 3).description == "2025-Q3")
        #expect(Period.month(year: 2025, month: 6).description == "2025-06")
        #expect(Period.half(year: 2025, half: 1).description == "2025-H1")
        #expect(Period.year(25).description == "0025")
        #expect(try Period.parse("2024-04-15..2025-04-15").description == "2024-04-15..2025-04-15")
    }

    @Test func rangesUnderCalendars() throws {
        let langSon = try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10)
        let police = try ReportingCalendar(yearStartMonth: 1, yearStartDay: 1, monthStartDay: 15)
        #expect(try Period.parse("2025").range() == DayRange(d("2025-01-01"), d("2026-01-01")))
        #expect(try Period.parse("2025").range(in: langSon) == DayRange(d("2024-12-10"), d("2025-12-10")))
        #expect(try Period.parse("2025-H1").range(in: langSon) == DayRange(d("2024-12-10"), d("2025-06-10")))
        #expect(try Period.parse("2025-H2").range(in: langSon) == DayRange(d("2025-06-10"), d("2025-12-10")))
        #expect(try Period.parse("2025-06").range(in: police) == DayRange(d("2025-05-15"), d("2025-06-15")))
        #expect(try Period.parse("2025-06").range() == DayRange(d("2025-06-01"), d("2025-07-01")))
        #expect(try Period.parse("2025-Q4").range() == DayRange(d("2025-10-01"), d("2026-01-01")))
        #expect(try Period.parse("10/06/2025").range(in: langSon) == DayRange(d("2025-06-10"), d("2025-06-11")))
        let plan = try Period.parse("15/4/2024..15/4/2025")
        #expect(plan.range(in: langSon) == plan.range())
        #expect(plan.range().dayCount == 366)
        #expect(plan.range().last == d("2025-04-15"))
    }
}
