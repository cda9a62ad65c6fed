/// A commune-level unit (xã, phường, đặc khu, or thị trấn before 2025) of a ``Gazetteer``.
///
/// ```swift
/// let g = try Gazetteer.official2025()
/// let thienHoa = g.search("thien hoa", inProvince: 20).first!
/// print(thienHoa.name, thienHoa.code)   // Xã Thiện Hòa …
/// ```
public struct Commune: Hashable, Sendable {
    /// The official GSO code (printed zero-padded to 5 digits in documents).
    ///
    /// ```swift
    /// let commune = try Gazetteer.official2025().commune(code: 70)!
    /// print(commune.code)   // 70
    /// ```
    public let code: Int32

    /// The full name with its prefix, such as `Xã Thiện Hòa` or `Phường Hoàn Kiếm`.
    ///
    /// ```swift
    /// let commune = try Gazetteer.official2025().commune(code: 70)!
    /// print(commune.name)   // Phường Hoàn Kiếm
    /// ```
    public let name: String

    /// The `commune_type` column as given in the source: `xã`, `phường` or `đặc khu` in 2025;
    /// the 2024 file gives `xã` for every row, so there the kind shows only in ``name``
    /// (`Phường …`, `Thị trấn …`).
    ///
    /// ```swift
    /// let commune = try Gazetteer.official2025().commune(code: 70)!
    /// print(commune.type)   // phường
    /// ```
    public let type: String

    /// The code of the province the commune belongs to.
    ///
    /// ```swift
    /// let commune = try Gazetteer.official2025().commune(code: 70)!
    /// print(commune.provinceCode)   // 1
    /// ```
    public let provinceCode: Int32

    /// The province's name as the source file gives it (see ``Province/name``).
    ///
    /// ```swift
    /// let commune = try Gazetteer.official2025().commune(code: 70)!
    /// print(commune.provinceName)   // Thành phố Hà Nội
    /// ```
    public let provinceName: String

    /// The district's code in the pre-2025 structure; `nil` in the two-tier 2025 structure.
    ///
    /// ```swift
    /// let commune = try Gazetteer.official2025().commune(code: 70)!
    /// let old = try Gazetteer.official2024().commune(code: 1)!
    /// print(old.districtCode ?? 0, commune.districtCode == nil)   // 1 true
    /// ```
    public let districtCode: Int32?

    /// The district's full name in the pre-2025 structure; `nil` in 2025.
    ///
    /// ```swift
    /// let commune = try Gazetteer.official2025().commune(code: 70)!
    /// let old = try Gazetteer.official2024().commune(code: 1)!
    /// print(old.districtName ?? "", commune.districtName == nil)   // Quận Ba Đình true
    /// ```
    public let districtName: String?

    /// Creates a commune.
    ///
    /// ```swift
    /// let c = Commune(code: 70, name: "Phường Hoàn Kiếm", type: "phường", provinceCode: 1,
    ///                 provinceName: "Thành phố Hà Nội", districtCode: nil, districtName: nil)
    /// print(c.name)   // Phường Hoàn Kiếm
    /// ```
    public init(code: Int32, name: String, type: String, provinceCode: Int32, provinceName: String,
                districtCode: Int32?, districtName: String?) {
        self.code = code
        self.name = name
        self.type = type
        self.provinceCode = provinceCode
        self.provinceName = provinceName
        self.districtCode = districtCode
        self.districtName = districtName
    }
}
