/// The year, month and day buckets of dated count indexes, and how a day range splits into
/// them: whole years, then whole months, then single days, so any range is at most five short
/// key-range scans.
enum DayBuckets {
    static let year: Int64 = 1, month: Int64 = 2, day: Int64 = 3

    /// The periods of the three buckets a day counts in: its year, its month index
    /// (`year * 12 + month - 1`) and the day itself (no array: a bulk load asks this per count change).
    @inline(__always)
    static func periods(of day: Int32) -> (year: Int64, month: Int64, day: Int64) {
        let c = Day(rawValue: day).civil
        return (Int64(c.year), Int64(c.year * 12 + c.month - 1), Int64(day))
    }

    /// The first day of the month of `day`.
    @inline(__always)
    static func monthStart(of day: Int32) -> Int32 { day - Int32(Day(rawValue: day).civil.day - 1) }

    /// Splits `[start, end)` into bucket ranges `(granularity, first period, last period)`.
    /// Open ends (``Day/distantPast``, ``Day/distantFuture``) are clamped to years -9999 and
    /// 9999, which hold every day a bucket can have been written for.
    static func pieces(start: Int32, end: Int32) -> [(granularity: Int64, first: Int64, last: Int64)] {
        var pieces: [(Int64, Int64, Int64)] = []
        var d = max(Int64(start), firstOfYear(-9999))
        let end = min(Int64(end), firstOfYear(10_000))
        while d < end {
            let c = Day(rawValue: Int32(d)).civil
            if c.month == 1 && c.day == 1, nextYearStart(c.year) <= end {
                var y = c.year
                while nextYearStart(y) <= end { y += 1 }
                pieces.append((year, Int64(c.year), Int64(y - 1)))
                d = firstOfYear(y)
            } else if c.day == 1, monthIndexStart(c.year * 12 + c.month) <= end {
                let first = c.year * 12 + c.month - 1
                var m = first
                while monthIndexStart(m + 1) <= end {
                    m += 1
                    // A January that starts a whole year inside the range: leave it to the year bucket.
                    if m % 12 == 0 && monthIndexStart(m + 12) <= end { break }
                }
                pieces.append((month, Int64(first), Int64(m - 1)))
                d = monthIndexStart(m)
            } else {
                let stop = min(end, monthIndexStart(c.year * 12 + c.month))
                pieces.append((day, d, stop - 1))
                d = stop
            }
        }
        return pieces.map { (granularity: $0.0, first: $0.1, last: $0.2) }
    }

    static func firstOfYear(_ y: Int) -> Int64 { Int64(Day(year: y, month: 1, day: 1)!.rawValue) }
    /// First day of the month with index `y * 12 + (month - 1)`.
    static func monthIndexStart(_ index: Int) -> Int64 { Int64(Day(year: index / 12, month: index % 12 + 1, day: 1)!.rawValue) }
    static func nextYearStart(_ y: Int) -> Int64 { firstOfYear(y + 1) }
    /// Days before this are treated as "the beginning of time" by as-of counts.
    static let epoch: Int32 = Day(year: 1900, month: 1, day: 1)!.rawValue
}
