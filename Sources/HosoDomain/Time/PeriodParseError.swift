/// Why a text could not be read as a ``Period``.
///
/// The ``description`` names the text, says why it failed and lists the accepted forms.
///
/// ```swift
/// do {
///     _ = try Period.parse("2025-Q5")
/// } catch {
///     print(error)   // invalid period "2025-Q5": quarter 5 out of range 1–4…
/// }
/// ```
public struct PeriodParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text that was given to ``Period/parse(_:)``.
    ///
    /// ```swift
    /// do {
    ///     _ = try Period.parse("2025-Q5")
    /// } catch {
    ///     print(error.text)   // 2025-Q5
    /// }
    /// ```
    public let text: String

    /// Why the text was rejected, for example `quarter 5 out of range 1–4`.
    ///
    /// ```swift
    /// do {
    ///     _ = try Period.parse("2025-Q5")
    /// } catch {
    ///     print(error.reason)   // quarter 5 out of range 1–4
    /// }
    /// ```
    public let reason: String

    /// The forms ``Period/parse(_:)`` accepts, as listed in messages.
    ///
    /// ```swift
    /// print(PeriodParseError.acceptedForms)   // YYYY-MM-DD, DD/MM/YYYY or D/M/YYYY (a day); YYYY-MM (a month); …
    /// ```
    public static let acceptedForms =
        "YYYY-MM-DD, DD/MM/YYYY or D/M/YYYY (a day); YYYY-MM (a month); YYYY-Qn (a quarter, n 1–4); "
        + "YYYY-Hn (a half-year, n 1–2); YYYY (a year); FROM..TO (the days FROM through TO, both included)"

    /// Creates an error for `text` rejected because of `reason`.
    ///
    /// ```swift
    /// let error = PeriodParseError(text: "2025-H3", reason: "half 3 out of range 1–2")
    /// print(error.reason)   // half 3 out of range 1–2
    /// ```
    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    /// A complete message: the text, the reason and the accepted forms.
    ///
    /// ```swift
    /// print(PeriodParseError(text: "2025-H3", reason: "half 3 out of range 1–2").description)   // invalid period "2025-H3": half 3 out of range 1–2…
    /// ```
    public var description: String {
        "invalid period \"\(text)\": \(reason) (accepted forms: \(PeriodParseError.acceptedForms))"
    }
}
