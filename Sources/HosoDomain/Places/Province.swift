/// A province-level unit (tỉnh or thành phố trung ương) of a ``Gazetteer``.
///
/// ```swift
/// let langSon = try Gazetteer.official2025().province(code: 20)!
/// print(langSon.name)   // Lạng Sơn
/// ```
public struct Province: Hashable, Sendable {
    /// The official GSO code (printed zero-padded to 2 digits in documents).
    ///
    /// ```swift
    /// let province = try Gazetteer.official2025().province(code: 20)!
    /// print(province.code)   // 20
    /// ```
    public let code: Int32

    /// The name as the source file gives it: the 2025 file prefixes only cities
    /// (`Lạng Sơn`, `Thành phố Hà Nội`); the 2024 file prefixes all (`Tỉnh Lạng Sơn`).
    ///
    /// ```swift
    /// let province = try Gazetteer.official2025().province(code: 20)!
    /// print(province.name)   // Lạng Sơn
    /// ```
    public let name: String

    /// `tỉnh` or `thành phố trung ương`, or `nil` when the source does not say (the 2024 file).
    ///
    /// ```swift
    /// let province = try Gazetteer.official2025().province(code: 20)!
    /// print(province.type ?? "")   // tỉnh
    /// ```
    public let type: String?

    /// Creates a province.
    ///
    /// ```swift
    /// let p = Province(code: 20, name: "Lạng Sơn", type: "tỉnh")
    /// print(p.name)   // Lạng Sơn
    /// ```
    public init(code: Int32, name: String, type: String?) {
        self.code = code
        self.name = name
        self.type = type
    }
}
