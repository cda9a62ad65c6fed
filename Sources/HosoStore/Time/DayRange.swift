/// A half-open span of days `[start, end)`: `start` is inside, `end` is the first day after.
///
/// Half-open ranges tile without gaps or overlaps (one period's `end` is the next one's
/// `start`), which is what index range scans need. Use ``init(from:through:)`` when the user
/// gives an inclusive last day, and ``last`` to show one.
///
/// ```swift
/// let year2025 = DayRange(from: Day(year: 2024, month: 12, day: 10)!,
///                         through: Day(year: 2025, month: 12, day: 9)!)
/// print(year2025)            // 2024-12-10…2025-12-09
/// print(year2025.dayCount)   // 365
/// ```
public struct DayRange: Hashable, Sendable, CustomStringConvertible {
    /// The first day inside the range.
    ///
    /// ```swift
    /// let range = DayRange(from: Day(year: 2024, month: 12, day: 10)!, through: Day(year: 2025, month: 12, day: 9)!)
    /// print(range.start)   // 2024-12-10
    /// ```
    public let start: Day

    /// The first day after the range (exclusive bound).
    ///
    /// ```swift
    /// let range = DayRange(from: Day(year: 2024, month: 12, day: 10)!, through: Day(year: 2025, month: 12, day: 9)!)
    /// print(range.end)   // 2025-12-10
    /// ```
    public let end: Day

    /// Creates the half-open range `[start, end)`. Traps when `start > end`;
    /// `start == end` is the empty range at `start`.
    ///
    /// ```swift
    /// let june = DayRange(Day(year: 2025, month: 6, day: 1)!, Day(year: 2025, month: 7, day: 1)!)
    /// print(june)   // 2025-06-01…2025-06-30
    /// ```
    public init(_ start: Day, _ end: Day) {
        precondition(start <= end, "DayRange start \(start) is after end \(end)")
        self.start = start
        self.end = end
    }

    /// Creates the range from `first` through `last`, both inclusive (`[first, last + 1)`).
    /// `last` may be the day before `first`, which gives an empty range. Traps when `last` is
    /// ``Day/distantFuture`` (there is no day after it) or earlier than the day before `first`.
    ///
    /// ```swift
    /// // a plan from 15/4/2024 to 15/4/2025, both days included
    /// let plan = DayRange(from: try Day.parse("15/4/2024"), through: try Day.parse("15/4/2025"))
    /// print(plan.end)   // 2025-04-16
    /// ```
    public init(from first: Day, through last: Day) {
        self.init(first, last.adding(days: 1))
    }

    /// Whether `day` is inside the range.
    ///
    /// ```swift
    /// let june = DayRange(Day(year: 2025, month: 6, day: 1)!, Day(year: 2025, month: 7, day: 1)!)
    /// print(june.contains(Day(year: 2025, month: 6, day: 30)!))   // true
    /// print(june.contains(Day(year: 2025, month: 7, day: 1)!))    // false
    /// ```
    @inlinable
    public func contains(_ day: Day) -> Bool {
        start <= day && day < end
    }

    /// The number of days inside the range.
    ///
    /// ```swift
    /// let june = DayRange(Day(year: 2025, month: 6, day: 1)!, Day(year: 2025, month: 7, day: 1)!)
    /// print(june.dayCount)   // 30
    /// ```
    @inlinable
    public var dayCount: Int {
        Int(end.rawValue) - Int(start.rawValue)
    }

    /// Whether the range contains no day.
    ///
    /// ```swift
    /// let day = Day(year: 2025, month: 6, day: 1)!
    /// print(DayRange(day, day).isEmpty)   // true
    /// ```
    @inlinable
    public var isEmpty: Bool {
        start == end
    }

    /// The last day inside the range (`end - 1`), or `nil` when the range is empty.
    ///
    /// ```swift
    /// let june = DayRange(Day(year: 2025, month: 6, day: 1)!, Day(year: 2025, month: 7, day: 1)!)
    /// print(june.last!)   // 2025-06-30
    /// ```
    public var last: Day? {
        isEmpty ? nil : Day(rawValue: end.rawValue - 1)
    }

    /// Whether the two ranges share at least one day. Empty ranges overlap nothing.
    ///
    /// ```swift
    /// let june = DayRange(Day(year: 2025, month: 6, day: 1)!, Day(year: 2025, month: 7, day: 1)!)
    /// print(june.overlaps(DayRange(from: june.last!, through: june.end)))   // true
    /// print(june.overlaps(DayRange(june.end, june.end.adding(days: 5))))     // false
    /// ```
    @inlinable
    public func overlaps(_ other: DayRange) -> Bool {
        !isEmpty && !other.isEmpty && start < other.end && other.start < end
    }

    /// This range cut down to `limits`, like `Range.clamped(to:)`; when they do not overlap the
    /// result is an empty range at the nearer bound of `limits`.
    ///
    /// ```swift
    /// let q2 = DayRange(Day(year: 2025, month: 4, day: 1)!, Day(year: 2025, month: 7, day: 1)!)
    /// let late = DayRange(Day(year: 2025, month: 6, day: 20)!, Day(year: 2025, month: 8, day: 1)!)
    /// print(late.clamped(to: q2))   // 2025-06-20…2025-06-30
    /// ```
    public func clamped(to limits: DayRange) -> DayRange {
        let lower = limits.start > start ? limits.start
            : limits.end < start ? limits.end : start
        let upper = limits.end < end ? limits.end
            : limits.start > end ? limits.start : end
        return DayRange(lower, upper)
    }

    /// `FIRST…LAST` with both days inclusive, for example `2024-12-10…2025-12-09`; an open end
    /// prints as `+∞`, an open start as `-∞`, an empty range as `empty at START`.
    ///
    /// ```swift
    /// print(DayRange(Day(year: 2025, month: 1, day: 1)!, Day(year: 2026, month: 1, day: 1)!))   // 2025-01-01…2025-12-31
    /// ```
    public var description: String {
        guard let last else { return "empty at \(start)" }
        let lastText = end == .distantFuture ? Day.distantFuture.description : last.description
        return "\(start)…\(lastText)"
    }
}
