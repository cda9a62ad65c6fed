/// A district-level unit (quận, huyện, thị xã, thành phố thuộc tỉnh) of the pre-2025
/// three-tier structure; see ``Gazetteer/official2024()``.
///
/// ```swift
/// let hocMon = try Gazetteer.official2024().districts.first { $0.name == "Huyện Hóc Môn" }
/// print(hocMon?.code ?? 0)   // 784
/// ```
public struct District: Hashable, Sendable {
    /// The official GSO code (printed zero-padded to 3 digits in documents).
    ///
    /// ```swift
    /// let district = try Gazetteer.official2024().district(code: 784)!
    /// print(district.code)   // 784
    /// ```
    public let code: Int32

    /// The full name with its prefix, such as `Huyện Hóc Môn`.
    ///
    /// ```swift
    /// let district = try Gazetteer.official2024().district(code: 784)!
    /// print(district.name)   // Huyện Hóc Môn
    /// ```
    public let name: String

    /// The `district_type` column as given in the source file (`huyện` for every row of the
    /// 2024 file, whatever the name's prefix).
    ///
    /// ```swift
    /// let district = try Gazetteer.official2024().district(code: 784)!
    /// print(district.type)   // huyện
    /// ```
    public let type: String

    /// The code of the province the district belongs to.
    ///
    /// ```swift
    /// let district = try Gazetteer.official2024().district(code: 784)!
    /// print(district.provinceCode)   // 79
    /// ```
    public let provinceCode: Int32

    /// Creates a district.
    ///
    /// ```swift
    /// let d = District(code: 784, name: "Huyện Hóc Môn", type: "huyện", provinceCode: 79)
    /// print(d.name)   // Huyện Hóc Môn
    /// ```
    public init(code: Int32, name: String, type: String, provinceCode: Int32) {
        self.code = code
        self.name = name
        self.type = type
        self.provinceCode = provinceCode
    }
}
