import Testing
@testable import HosoStore

private func d(_ text: String) -> Day {
    do { return try Day.parse(text) } catch {
        Issue.record("\(error)")
        return Day(rawValue: 0)
    }
}

@Suite("DayRange")
struct DayRangeTests {
    @Test func basics() {
        let june = DayRange(d("2025-06-01"), d("2025-07-01"))
        #expect(june.dayCount == 30)
        #expect(june.last == d("2025-06-30"))
        #expect(june.contains(d("2025-06-01")))
        #expect(june.contains(d("2025-06-30")))
        #expect(!june.contains(d("2025-07-01")))
        #expect(!june.contains(d("2025-05-31")))
        #expect(!june.isEmpty)
        #expect(june.description == "2025-06-01…2025-06-30")
        let inclusive = DayRange(from: d("2024-12-10"), through: d("2025-12-09"))
        #expect(inclusive == DayRange(d("2024-12-10"), d("2025-12-10")))
        #expect(inclusive.description == "2024-12-10…2025-12-09")
        #expect(inclusive.dayCount == 365)
        let empty = DayRange(d("2025-01-01"), d("2025-01-01"))
        #expect(empty.isEmpty && empty.last == nil && empty.dayCount == 0)
        #expect(!empty.contains(d("2025-01-01")))
        #expect(empty.description == "empty at 2025-01-01")
        #expect(DayRange(from: d("2025-01-01"), through: d("2024-12-31")).isEmpty)
        #expect(DayRange(.distantPast, .distantFuture).description == "-∞…+∞")
        #expect(DayRange(d("2025-01-01"), .distantFuture).description == "2025-01-01…+∞")
    }

    @Test func overlapsAndClamp() {
        let q2 = DayRange(d("2025-04-01"), d("2025-07-01"))
        let q3 = DayRange(d("2025-07-01"), d("2025-10-01"))
        #expect(!q2.overlaps(q3) && !q3.overlaps(q2))
        let straddle = DayRange(d("2025-06-20"), d("2025-08-01"))
        #expect(q2.overlaps(straddle) && straddle.overlaps(q3))
        #expect(!q2.overlaps(DayRange(d("2025-05-01"), d("2025-05-01"))))   // empty
        #expect(straddle.clamped(to: q2) == DayRange(d("2025-06-20"), d("2025-07-01")))
        #expect(straddle.clamped(to: q3) == DayRange(d("2025-07-01"), d("2025-08-01")))
        #expect(q2.clamped(to: q3) == DayRange(d("2025-07-01"), d("2025-07-01")))
        #expect(q3.clamped(to: q2) == DayRange(d("2025-07-01"), d("2025-07-01")))
        #expect(q2.clamped(to: DayRange(.distantPast, .distantFuture)) == q2)
    }

    /// overlaps / clamped against brute force over small random ranges.
    @Test func matchesBruteForce() {
        let seed: UInt64 = 0xDA7E_2A46
        var rng = SplitMix64(seed: seed)
        for _ in 0..<3_000 {
            func random() -> DayRange {
                let a = Int32.random(in: 0...40, using: &rng), b = Int32.random(in: 0...40, using: &rng)
                return DayRange(Day(rawValue: min(a, b)), Day(rawValue: max(a, b)))
            }
            let r = random(), s = random()
            let common = (0...41).map { Day(rawValue: $0) }.filter { r.contains($0) && s.contains($0) }
            #expect(r.overlaps(s) == !common.isEmpty, "seed \(seed): \(r) vs \(s)")
            let c = r.clamped(to: s)
            #expect(c.dayCount == common.count, "seed \(seed): \(r) clamped to \(s) = \(c)")
            #expect(c.start >= s.start && c.end <= s.end, "seed \(seed)")
            if let first = common.first { #expect(c.start == first, "seed \(seed)") }
        }
    }
}
