/// Why a text could not be read as a ``Day``.
///
/// The ``description`` names the text, says why it failed and lists the accepted forms, so it
/// can be shown to a user as it is.
///
/// ```swift
/// do {
///     _ = try Day.parse("2025-13-01")
/// } catch {
///     print(error)   // invalid date "2025-13-01": month 13 out of range 1–12 (accepted forms: YYYY-MM-DD, DD/MM/YYYY, D/M/YYYY)
/// }
/// ```
public struct DayParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text that was given to ``Day/parse(_:)``.
    ///
    /// ```swift
    /// do {
    ///     _ = try Day.parse("2025-13-01")
    /// } catch {
    ///     print(error.text)   // 2025-13-01
    /// }
    /// ```
    public let text: String

    /// Why the text was rejected, for example `month 13 out of range 1–12`.
    ///
    /// ```swift
    /// do {
    ///     _ = try Day.parse("2025-02-29")
    /// } catch {
    ///     print(error.reason)   // February 2025 has 28 days
    /// }
    /// ```
    public let reason: String

    /// The forms ``Day/parse(_:)`` accepts, as listed in messages.
    ///
    /// ```swift
    /// print(DayParseError.acceptedForms)   // YYYY-MM-DD, DD/MM/YYYY, D/M/YYYY
    /// ```
    public static let acceptedForms = "YYYY-MM-DD, DD/MM/YYYY, D/M/YYYY"

    /// Creates an error for `text` rejected because of `reason`.
    ///
    /// ```swift
    /// let error = DayParseError(text: "31/4/2025", reason: "April 2025 has 30 days")
    /// print(error.reason)   // April 2025 has 30 days
    /// ```
    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    /// A complete message: the text, the reason and the accepted forms.
    ///
    /// ```swift
    /// let error = DayParseError(text: "2025-02-29", reason: "February 2025 has 28 days")
    /// print(error.description)   // invalid date "2025-02-29": February 2025 has 28 days (accepted forms: YYYY-MM-DD, DD/MM/YYYY, D/M/YYYY)
    /// ```
    public var description: String {
        "invalid date \"\(text)\": \(reason) (accepted forms: \(DayParseError.acceptedForms))"
    }
}
