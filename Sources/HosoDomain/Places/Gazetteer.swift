import Foundation

/// The official list of Vietnam's administrative units at one point in time, with look-ups by
/// code and a name search that ignores case and diacritics.
///
/// Two editions are bundled: ``official2025()`` (the two-tier structure in force since
/// 1 July 2025: 34 provinces, 3,321 communes) and ``official2024()`` (the three-tier structure
/// before it: 63 provinces, 10,051 communes in 691 districts). Each is read from the bundle
/// once, on first use, and shared afterwards.
///
/// ```swift
/// let g = try Gazetteer.official2025()
/// print(g.provinces.count)   // 34
/// print(g.communes(inProvince: 20).count)   // 65
/// print(g.search("doan ket", inProvince: 20).map(\.name))   // ["Xã Đoàn Kết"]
/// ```
public struct Gazetteer: Sendable {
    /// The provinces in the order they first appear in the source file.
    ///
    /// ```swift
    /// print(try Gazetteer.official2025().provinces.first?.name ?? "")   // Thành phố Hà Nội
    /// ```
    public let provinces: [Province]

    /// The districts in source order; empty for the 2025 edition, which has none.
    ///
    /// ```swift
    /// print(try Gazetteer.official2024().districts.count)   // 691
    /// ```
    public let districts: [District]

    /// Every commune in source order.
    ///
    /// ```swift
    /// print(try Gazetteer.official2025().communes.count)   // 3321
    /// ```
    public let communes: [Commune]

    private let provinceIndex: [Int32: Int]
    private let districtIndex: [Int32: Int]
    private let communeIndex: [Int32: Int]
    private let communesByProvince: [Int32: [Int]]
    /// ``fold(_:)`` of each commune's name (whitespace normalised), as UTF-8.
    private let foldedNames: [[UInt8]]
    /// Where each folded name continues after its type prefix (`xa `, `phuong `, …), or 0.
    private let bareNameStart: [Int]

    private static let typePrefixes = ["xa ", "phuong ", "thi tran ", "dac khu "].map { Array($0.utf8) }

    init(resource: String, provinces: [Province], districts: [District],
         communes: [(commune: Commune, line: Int)]) throws(GazetteerError) {
        var communeIndex: [Int32: Int] = [:]
        var byProvince: [Int32: [Int]] = [:]
        var folded: [[UInt8]] = []
        var bare: [Int] = []
        for (i, entry) in communes.enumerated() {
            let c = entry.commune
            guard communeIndex.updateValue(i, forKey: c.code) == nil else {
                throw GazetteerError(resource: resource, line: entry.line, reason: "duplicate commune code \(c.code)")
            }
            byProvince[c.provinceCode, default: []].append(i)
            let name = Array(Gazetteer.foldForSearch(c.name).utf8)
            folded.append(name)
            bare.append(Gazetteer.typePrefixes.first { name.starts(with: $0) && name.count > $0.count }?.count ?? 0)
        }
        self.provinces = provinces
        self.districts = districts
        self.communes = communes.map(\.commune)
        self.provinceIndex = Dictionary(provinces.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        self.districtIndex = Dictionary(districts.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        self.communeIndex = communeIndex
        self.communesByProvince = byProvince
        self.foldedNames = folded
        self.bareNameStart = bare
    }

    // MARK: - Bundled editions

    /// The two-tier structure in force since 1 July 2025 (34 provinces, 3,321 communes),
    /// loaded from `vn-communes-2025.csv` on first call and cached.
    ///
    /// ```swift
    /// let g = try Gazetteer.official2025()
    /// print(g.province(code: 20)?.name ?? "")   // Lạng Sơn
    /// ```
    public static func official2025() throws(GazetteerError) -> Gazetteer {
        try cached2025.get()
    }

    /// The three-tier structure before the 2025 reform (63 provinces, 691 districts with
    /// communes, 10,051 communes), loaded from `vn-communes-2024.csv` on first call and cached.
    ///
    /// ```swift
    /// let old = try Gazetteer.official2024()
    /// print(old.commune(code: 27559)?.districtName ?? "")   // Huyện Hóc Môn
    /// ```
    public static func official2024() throws(GazetteerError) -> Gazetteer {
        try cached2024.get()
    }

    // Global and static `let`s are initialised lazily, exactly once, thread-safely.
    private static let cached2025 = Result { () throws(GazetteerError) -> Gazetteer in try load2025() }
    private static let cached2024 = Result { () throws(GazetteerError) -> Gazetteer in try load2024() }

    private static func load2025() throws(GazetteerError) -> Gazetteer {
        let t = try CSVTable.bundled("vn-communes-2025", columns: [
            "province_code", "province_name", "province_type", "commune_code", "commune_name", "commune_type",
        ])
        var provinces: [Province] = []
        var seen: Set<Int32> = []
        var communes: [(commune: Commune, line: Int)] = []
        for r in t.records {
            let provinceCode = try t.int32(r, 0)
            if seen.insert(provinceCode).inserted {
                provinces.append(Province(code: provinceCode, name: t.text(r, 1), type: t.optionalText(r, 2)))
            }
            communes.append((Commune(code: try t.int32(r, 3), name: t.text(r, 4), type: t.text(r, 5),
                                     provinceCode: provinceCode, provinceName: t.text(r, 1),
                                     districtCode: nil, districtName: nil), r.line))
        }
        return try Gazetteer(resource: t.resource, provinces: provinces, districts: [], communes: communes)
    }

    private static func load2024() throws(GazetteerError) -> Gazetteer {
        let t = try CSVTable.bundled("vn-communes-2024", columns: [
            "province_code", "province_name", "district_code", "district_name", "district_type",
            "commune_code", "commune_name", "commune_type",
        ])
        var provinces: [Province] = []
        var districts: [District] = []
        var seenProvinces: Set<Int32> = []
        var seenDistricts: Set<Int32> = []
        var communes: [(commune: Commune, line: Int)] = []
        for r in t.records {
            let provinceCode = try t.int32(r, 0)
            let districtCode = try t.int32(r, 2)
            if seenProvinces.insert(provinceCode).inserted {
                provinces.append(Province(code: provinceCode, name: t.text(r, 1), type: nil))
            }
            if seenDistricts.insert(districtCode).inserted {
                districts.append(District(code: districtCode, name: t.text(r, 3), type: t.text(r, 4),
                                          provinceCode: provinceCode))
            }
            communes.append((Commune(code: try t.int32(r, 5), name: t.text(r, 6), type: t.text(r, 7),
                                     provinceCode: provinceCode, provinceName: t.text(r, 1),
                                     districtCode: districtCode, districtName: t.text(r, 3)), r.line))
        }
        return try Gazetteer(resource: t.resource, provinces: provinces, districts: districts, communes: communes)
    }

    // MARK: - Look-ups

    /// The province with official code `code`, if any.
    ///
    /// ```swift
    /// print(try Gazetteer.official2025().province(code: 20)?.name ?? "")   // Lạng Sơn
    /// ```
    public func province(code: Int32) -> Province? {
        provinceIndex[code].map { provinces[$0] }
    }

    /// The district with official code `code`, if any (2024 edition only).
    ///
    /// ```swift
    /// print(try Gazetteer.official2024().district(code: 784)?.name ?? "")   // Huyện Hóc Môn
    /// ```
    public func district(code: Int32) -> District? {
        districtIndex[code].map { districts[$0] }
    }

    /// The commune with official code `code`, if any.
    ///
    /// ```swift
    /// print(try Gazetteer.official2025().commune(code: 70)?.name ?? "")   // Phường Hoàn Kiếm
    /// ```
    public func commune(code: Int32) -> Commune? {
        communeIndex[code].map { communes[$0] }
    }

    /// The communes of province `provinceCode`, in source order; empty for an unknown code.
    ///
    /// ```swift
    /// print(try Gazetteer.official2025().communes(inProvince: 20).count)   // 65
    /// ```
    public func communes(inProvince provinceCode: Int32) -> [Commune] {
        (communesByProvince[provinceCode] ?? []).map { communes[$0] }
    }

    /// Communes whose name matches `text`, ignoring case, diacritics (see ``fold(_:)``),
    /// extra spaces, and the type prefix (`Xã`, `Phường`, `Thị trấn`, `Đặc khu`).
    ///
    /// A name matches when `text` occurs in it starting at the beginning of a word. Results
    /// come best first: exact name matches (with or without prefix), then names starting with
    /// `text`, then the rest; ties keep source order. An empty `text` matches nothing.
    ///
    /// ```swift
    /// let g = try Gazetteer.official2025()
    /// print(g.search("thien hoa", inProvince: 20).first?.name ?? "")   // Xã Thiện Hòa
    /// print(g.search("THIỆN HÒA", inProvince: 20).first?.name ?? "")   // Xã Thiện Hòa
    /// print(g.search("Xã Thiện Hòa").first?.name ?? "")   // Xã Thiện Hòa
    /// ```
    public func search(_ text: String, inProvince provinceCode: Int32? = nil) -> [Commune] {
        let query = Array(Gazetteer.foldForSearch(text).utf8)
        guard !query.isEmpty else { return [] }
        let candidates: [Int] = provinceCode.map { communesByProvince[$0] ?? [] } ?? Array(communes.indices)
        var hits: [(rank: Int, index: Int)] = []
        for i in candidates {
            let name = foldedNames[i]
            let bare = name[bareNameStart[i]...]
            let rank: Int
            if name.elementsEqual(query) || bare.elementsEqual(query) {
                rank = 0
            } else if name.starts(with: query) || bare.starts(with: query) {
                rank = 1
            } else if Gazetteer.containsAtWordStart(name, query) {
                rank = 2
            } else {
                continue
            }
            hits.append((rank, i))
        }
        hits.sort { ($0.rank, $0.index) < ($1.rank, $1.index) }
        return hits.map { communes[$0.index] }
    }

    private static func containsAtWordStart(_ name: [UInt8], _ query: [UInt8]) -> Bool {
        guard query.count <= name.count else { return false }
        let space = UInt8(ascii: " ")
        for p in 0...(name.count - query.count) where p == 0 || name[p - 1] == space {
            if name[p...].starts(with: query) { return true }
        }
        return false
    }
}
