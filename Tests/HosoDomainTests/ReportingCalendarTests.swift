import Foundation
import Testing
@testable import HosoDomain
import HosoStore

private func range(_ from: String, _ to: String) -> DayRange {
    DayRange(d(from), d(to))
}

@Suite("ReportingCalendar")
struct ReportingCalendarTests {
    let langSon = try! ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10)
    let police = try! ReportingCalendar(yearStartMonth: 1, yearStartDay: 1, monthStartDay: 15)

    @Test func langSonYearAndHalves() {
        #expect(langSon.year(2025) == range("2024-12-10", "2025-12-10"))
        #expect(langSon.year(2025).description == "2024-12-10…2025-12-09")
        #expect(langSon.half(2025, 1) == range("2024-12-10", "2025-06-10"))
        #expect(langSon.half(2025, 2) == range("2025-06-10", "2025-12-10"))
        #expect(langSon.quarter(2025, 1) == range("2024-12-10", "2025-03-10"))
        #expect(langSon.quarter(2025, 4) == range("2025-09-10", "2025-12-10"))
        #expect(langSon.month(2025, 1) == range("2024-12-10", "2025-01-10"))
        #expect(langSon.month(2025, 12) == range("2025-11-10", "2025-12-10"))
        #expect(langSon.yearLabel(containing: d("2024-12-09")) == 2024)
        #expect(langSon.yearLabel(containing: d("2024-12-10")) == 2025)
        #expect(langSon.yearLabel(containing: d("2025-12-09")) == 2025)
        #expect(langSon.yearLabel(containing: d("2025-12-10")) == 2026)
        #expect(langSon.halfLabel(containing: d("2025-06-09")) == (2025, 1))
        #expect(langSon.halfLabel(containing: d("2025-06-10")) == (2025, 2))
        #expect(langSon.quarterLabel(containing: d("2025-03-10")) == (2025, 2))
        #expect(langSon.quarterLabel(containing: d("2024-12-31")) == (2025, 1))
    }

    @Test func policeFifteenthToFourteenth() {
        #expect(police.month(2025, 6) == range("2025-05-15", "2025-06-15"))
        #expect(police.month(2025, 1) == range("2024-12-15", "2025-01-15"))
        #expect(police.month(2025, 3) == range("2025-02-15", "2025-03-15"))
        #expect(police.monthLabel(containing: d("2025-05-14")) == (2025, 5))
        #expect(police.monthLabel(containing: d("2025-05-15")) == (2025, 6))
        #expect(police.monthLabel(containing: d("2025-06-14")) == (2025, 6))
        #expect(police.monthLabel(containing: d("2025-12-15")) == (2026, 1))
        #expect(police.year(2025) == range("2025-01-01", "2026-01-01"))
    }

    @Test func gregorian() {
        let g = ReportingCalendar.gregorian
        #expect(g.year(2025) == range("2025-01-01", "2026-01-01"))
        #expect(g.quarter(2025, 1) == range("2025-01-01", "2025-04-01"))
        #expect(g.quarter(2025, 2) == range("2025-04-01", "2025-07-01"))
        #expect(g.quarter(2025, 3) == range("2025-07-01", "2025-10-01"))
        #expect(g.quarter(2025, 4) == range("2025-10-01", "2026-01-01"))
        #expect(g.half(2024, 2) == range("2024-07-01", "2025-01-01"))
        #expect(g.month(2024, 2) == range("2024-02-01", "2024-03-01"))
        #expect(g.month(2025, 12) == range("2025-12-01", "2026-01-01"))
        #expect(g.yearLabel(containing: d("2025-12-31")) == 2025)
        #expect(g.monthLabel(containing: d("2025-12-31")) == (2025, 12))
        #expect(g.quarterLabel(containing: d("2025-09-30")) == (2025, 3))
    }

    @Test func fiscalYearStartingInJulyIsLabelledByItsEnd() throws {
        let july = try ReportingCalendar(yearStartMonth: 7, yearStartDay: 1, monthStartDay: 1)
        #expect(july.year(2025) == range("2024-07-01", "2025-07-01"))
        let june = try ReportingCalendar(yearStartMonth: 6, yearStartDay: 15, monthStartDay: 1)
        #expect(june.year(2025) == range("2025-06-15", "2026-06-15"))
    }

    @Test func validation() throws {
        #expect(throws: CalendarError(field: "yearStartMonth", value: 13, allowed: 1...12)) {
            try ReportingCalendar(yearStartMonth: 13, yearStartDay: 1, monthStartDay: 1)
        }
        #expect(throws: CalendarError(field: "yearStartDay", value: 29, allowed: 1...28)) {
            try ReportingCalendar(yearStartMonth: 2, yearStartDay: 29, monthStartDay: 1)
        }
        #expect(throws: CalendarError(field: "monthStartDay", value: 0, allowed: 1...28)) {
            try ReportingCalendar(yearStartMonth: 2, yearStartDay: 1, monthStartDay: 0)
        }
        do { _ = try ReportingCalendar(yearStartMonth: 12, yearStartDay: 31, monthStartDay: 1) } catch {
            #expect(error.description.contains("yearStartDay is 31"))
            #expect(error.description.contains("1…28"))
        }
        let json = try JSONEncoder().encode(langSon)
        #expect(try JSONDecoder().decode(ReportingCalendar.self, from: json) == langSon)
        let bad = Data(#"{"yearStartMonth":12,"yearStartDay":30,"monthStartDay":1}"#.utf8)
        #expect(throws: CalendarError.self) { try JSONDecoder().decode(ReportingCalendar.self, from: bad) }
    }

    /// Random calendars: years, halves, quarters (and months when they start on the year's
    /// start day) tile exactly, and every day's labels name a period that contains it.
    @Test func randomCalendarsTileAndLabelConsistently() throws {
        let seed: UInt64 = 0x484F_534F_2025
        var rng = SplitMix64(seed: seed)
        for _ in 0..<150 {
            let yearDay = Int.random(in: 1...28, using: &rng)
            let sameMonthDay = Bool.random(using: &rng)
            let cal = try ReportingCalendar(
                yearStartMonth: Int.random(in: 1...12, using: &rng), yearStartDay: yearDay,
                monthStartDay: sameMonthDay ? yearDay : Int.random(in: 1...28, using: &rng))
            let context = "seed \(seed), calendar \(cal)"
            let y = Int.random(in: 1900...2100, using: &rng)
            let year = cal.year(y)
            #expect(cal.year(y - 1).end == year.start, "\(context) year \(y)")
            #expect((365...366).contains(year.dayCount), "\(context) year \(y)")
            #expect(year.start.month == cal.yearStartMonth && year.start.day == cal.yearStartDay, "\(context)")
            #expect(year.end.year - (cal.yearStartMonth >= 7 ? 0 : 1) == y, "\(context) label rule, year \(y)")

            for (parts, piece) in [(4, { cal.quarter(y, $0) }), (2, { cal.half(y, $0) })] as [(Int, (Int) -> DayRange)] {
                var cursor = year.start
                for i in 1...parts {
                    let r = piece(i)
                    #expect(r.start == cursor, "\(context) year \(y) piece \(i)/\(parts): \(r)")
                    #expect(!r.isEmpty, "\(context)")
                    cursor = r.end
                }
                #expect(cursor == year.end, "\(context) year \(y) \(parts) pieces end at \(cursor)")
            }

            if cal.monthStartDay == cal.yearStartDay {
                var label = cal.monthLabel(containing: year.start)
                var cursor = year.start
                for _ in 1...12 {
                    let r = cal.month(label.year, label.month)
                    #expect(r.start == cursor, "\(context) month \(label) = \(r)")
                    #expect((28...31).contains(r.dayCount), "\(context) month \(label)")
                    cursor = r.end
                    label = label.month == 12 ? (label.year + 1, 1) : (label.year, label.month + 1)
                }
                #expect(cursor == year.end, "\(context) 12 months end at \(cursor), year ends \(year.end)")
            }

            // Every day of the year (and of the neighbouring days) gets labels whose ranges contain it.
            var day = year.start.adding(days: -3)
            while day < year.end.adding(days: 3) {
                let yl = cal.yearLabel(containing: day)
                #expect(cal.year(yl).contains(day), "\(context) day \(day) year label \(yl)")
                #expect((yl == y) == year.contains(day), "\(context) day \(day)")
                let ml = cal.monthLabel(containing: day)
                let month = cal.month(ml.year, ml.month)
                #expect(month.contains(day), "\(context) day \(day) month label \(ml) = \(month)")
                // A month is labelled by the calendar month of its last day.
                #expect(month.last?.year == ml.year && month.last?.month == ml.month, "\(context) month \(ml)")
                let ql = cal.quarterLabel(containing: day)
                #expect(ql.year == yl && cal.quarter(ql.year, ql.quarter).contains(day), "\(context) day \(day) quarter \(ql)")
                let hl = cal.halfLabel(containing: day)
                #expect(hl.year == yl && cal.half(hl.year, hl.half).contains(day), "\(context) day \(day) half \(hl)")
                day = day.adding(days: 1)
            }
        }
    }
}
