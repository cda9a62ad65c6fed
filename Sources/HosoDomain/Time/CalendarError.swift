/// Why a ``ReportingCalendar`` could not be created.
///
/// ```swift
/// do {
///     _ = try ReportingCalendar(yearStartMonth: 12, yearStartDay: 31, monthStartDay: 1)
/// } catch {
///     print(error)   // invalid reporting calendar: yearStartDay is 31, it must be 1…28…
/// }
/// ```
public struct CalendarError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The name of the offending setting: `yearStartMonth`, `yearStartDay` or `monthStartDay`.
    ///
    /// ```swift
    /// let error = CalendarError(field: "yearStartDay", value: 31, allowed: 1...28)
    /// print(error.field)   // yearStartDay
    /// ```
    public let field: String

    /// The value that was given for ``field``.
    ///
    /// ```swift
    /// let error = CalendarError(field: "yearStartDay", value: 31, allowed: 1...28)
    /// print(error.value)   // 31
    /// ```
    public let value: Int

    /// The values ``field`` may take.
    ///
    /// ```swift
    /// let error = CalendarError(field: "yearStartDay", value: 31, allowed: 1...28)
    /// print(error.allowed)   // 1...28
    /// ```
    public let allowed: ClosedRange<Int>

    /// Creates an error for `field` having `value` outside `allowed`.
    ///
    /// ```swift
    /// let error = CalendarError(field: "monthStartDay", value: 30, allowed: 1...28)
    /// print(error.value)   // 30
    /// ```
    public init(field: String, value: Int, allowed: ClosedRange<Int>) {
        self.field = field
        self.value = value
        self.allowed = allowed
    }

    /// A message naming the setting, its value and the allowed values, with the reason.
    ///
    /// ```swift
    /// print(CalendarError(field: "monthStartDay", value: 30, allowed: 1...28).description)   // invalid reporting calendar: monthStartDay is 30…
    /// ```
    public var description: String {
        let why = field == "yearStartMonth"
            ? "a month is numbered 1 (January) to 12 (December)"
            : "a start day must exist in every month, February included"
        return "invalid reporting calendar: \(field) is \(value), it must be "
            + "\(allowed.lowerBound)…\(allowed.upperBound) (\(why))"
    }
}
