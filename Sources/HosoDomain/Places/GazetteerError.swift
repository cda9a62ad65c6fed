/// Why a bundled gazetteer or mapping file could not be loaded.
///
/// <!-- doc-example: compile-only -->
/// ```swift
/// do {
///     _ = try Gazetteer.official2025()
/// } catch {
///     print(error)   // e.g. vn-communes-2025.csv line 12: duplicate commune code 70
/// }
/// ```
public struct GazetteerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file name of the resource, such as `vn-communes-2025.csv`.
    ///
    /// ```swift
    /// let error = GazetteerError(resource: "vn-communes-2025.csv", line: 12, reason: "duplicate commune code 70")
    /// print(error.resource)   // vn-communes-2025.csv
    /// ```
    public let resource: String

    /// The 1-based line number the problem is on, or `nil` when it concerns the whole file.
    ///
    /// ```swift
    /// let error = GazetteerError(resource: "vn-communes-2025.csv", line: 12, reason: "duplicate commune code 70")
    /// print(error.line ?? 0)   // 12
    /// ```
    public let line: Int?

    /// What is wrong.
    ///
    /// ```swift
    /// let error = GazetteerError(resource: "vn-communes-2025.csv", line: 12, reason: "duplicate commune code 70")
    /// print(error.reason)   // duplicate commune code 70
    /// ```
    public let reason: String

    /// Creates an error about `resource` (at `line`, if known).
    ///
    /// ```swift
    /// let error = GazetteerError(resource: "x.csv", line: 3, reason: "malformed quoted field")
    /// print(error.reason)   // malformed quoted field
    /// ```
    public init(resource: String, line: Int?, reason: String) {
        self.resource = resource
        self.line = line
        self.reason = reason
    }

    /// `RESOURCE line N: REASON`, or `RESOURCE: REASON` without a line.
    ///
    /// ```swift
    /// let error = GazetteerError(resource: "x.csv", line: 3, reason: "malformed quoted field")
    /// print(error.description)   // x.csv line 3: malformed quoted field
    /// ```
    public var description: String {
        if let line { return "\(resource) line \(line): \(reason)" }
        return "\(resource): \(reason)"
    }
}
