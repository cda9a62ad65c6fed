import Synchronization

/// A clock whose day is set by hand: for tests, demos and replays that need a store's
/// "today" to be a chosen day instead of the calendar's.
///
/// ```swift
/// let clock = ManualClock(Day(year: 2025, month: 12, day: 10)!)
/// let store = try Store(directory: directory, options: .init(today: { clock.day }))
/// clock.day = clock.day.adding(days: 1)
/// print(store.options.today())   // 2025-12-11
/// ```
public final class ManualClock: Sendable {
    private let value: Mutex<Day>
    /// Creates a clock showing `day`.
    public init(_ day: Day) { value = Mutex(day) }
    /// The day the clock shows.
    public var day: Day {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
