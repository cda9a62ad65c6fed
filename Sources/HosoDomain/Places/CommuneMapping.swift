import Foundation

/// Which 2025 commune(s) each pre-reform (2024) commune went into, from
/// `vn-communes-2024-to-2025.csv`.
///
/// Most old communes went whole into one new commune; some were split across 2 to 5, one of
/// them marked primary (the commune that takes the old one's records by default). About 1.8%
/// of old communes have no row at all; callers must report those, not drop their records.
///
/// ```swift
/// let mapping = try CommuneMapping.official2024to2025()
/// print(mapping.primarySuccessor(ofOldCommune: 1) ?? 0)   // 97
/// print(mapping.successors(ofOldCommune: 1).map(\.newCode))   // [97]
/// ```
public struct CommuneMapping: Sendable {
    /// One row of the mapping file: an old commune and one new commune it went (partly) into.
    ///
    /// ```swift
    /// let row = try CommuneMapping.official2024to2025().rows[0]
    /// print(row.oldCommuneName, "→", row.newCommuneName)   // Phường Phúc Xá → Phường Hồng Hà
    /// ```
    public struct Row: Hashable, Sendable {
        /// The old commune's province code (2024).
        ///
        /// ```swift
        /// let row = try CommuneMapping.official2024to2025().rows[0]
        /// print(row.oldProvinceCode)   // 1
        /// ```
        public let oldProvinceCode: Int32
        /// The old commune's district code (2024).
        ///
        /// ```swift
        /// let row = try CommuneMapping.official2024to2025().rows[0]
        /// print(row.oldDistrictCode)   // 1
        /// ```
        public let oldDistrictCode: Int32
        /// The old commune's code (2024).
        ///
        /// ```swift
        /// let row = try CommuneMapping.official2024to2025().rows[0]
        /// print(row.oldCommuneCode)   // 1
        /// ```
        public let oldCommuneCode: Int32
        /// The old commune's full name.
        ///
        /// ```swift
        /// let row = try CommuneMapping.official2024to2025().rows[0]
        /// print(row.oldCommuneName)   // Phường Phúc Xá
        /// ```
        public let oldCommuneName: String
        /// The new commune's province code (2025).
        ///
        /// ```swift
        /// let row = try CommuneMapping.official2024to2025().rows[0]
        /// print(row.newProvinceCode)   // 1
        /// ```
        public let newProvinceCode: Int32
        /// The new commune's code (2025).
        ///
        /// ```swift
        /// let row = try CommuneMapping.official2024to2025().rows[0]
        /// print(row.newCommuneCode)   // 97
        /// ```
        public let newCommuneCode: Int32
        /// The new commune's full name.
        ///
        /// ```swift
        /// let row = try CommuneMapping.official2024to2025().rows[0]
        /// print(row.newCommuneName)   // Phường Hồng Hà
        /// ```
        public let newCommuneName: String
        /// Whether the new commune takes the old one's records by default.
        ///
        /// ```swift
        /// let row = try CommuneMapping.official2024to2025().rows[0]
        /// print(row.isPrimary)   // true
        /// ```
        public let isPrimary: Bool
        /// How many new communes the old one was split into (1 when it went whole).
        ///
        /// ```swift
        /// let row = try CommuneMapping.official2024to2025().rows[0]
        /// print(row.targets)   // 1
        /// ```
        public let targets: Int

        /// Creates a row.
        ///
        /// ```swift
        /// let row = CommuneMapping.Row(oldProvinceCode: 1, oldDistrictCode: 1, oldCommuneCode: 1,
        ///     oldCommuneName: "Phường Phúc Xá", newProvinceCode: 1, newCommuneCode: 97,
        ///     newCommuneName: "Phường Hồng Hà", isPrimary: true, targets: 1)
        /// print(row.newCommuneCode)   // 97
        /// ```
        public init(oldProvinceCode: Int32, oldDistrictCode: Int32, oldCommuneCode: Int32, oldCommuneName: String,
                    newProvinceCode: Int32, newCommuneCode: Int32, newCommuneName: String,
                    isPrimary: Bool, targets: Int) {
            self.oldProvinceCode = oldProvinceCode
            self.oldDistrictCode = oldDistrictCode
            self.oldCommuneCode = oldCommuneCode
            self.oldCommuneName = oldCommuneName
            self.newProvinceCode = newProvinceCode
            self.newCommuneCode = newCommuneCode
            self.newCommuneName = newCommuneName
            self.isPrimary = isPrimary
            self.targets = targets
        }
    }

    /// Every row, in file order.
    ///
    /// ```swift
    /// print(try CommuneMapping.official2024to2025().rows.count)   // 10431
    /// ```
    public let rows: [Row]

    private let rowsByOldCode: [Int32: [Int]]

    /// Creates a mapping from rows (several rows may share an old commune).
    ///
    /// ```swift
    /// let row = try CommuneMapping.official2024to2025().rows[0]
    /// let mapping = CommuneMapping(rows: [row])
    /// print(mapping.rows.count)   // 1
    /// ```
    public init(rows: [Row]) {
        self.rows = rows
        var index: [Int32: [Int]] = [:]
        for (i, row) in rows.enumerated() { index[row.oldCommuneCode, default: []].append(i) }
        self.rowsByOldCode = index
    }

    /// The bundled 2024 → 2025 mapping, loaded on first call and cached.
    ///
    /// ```swift
    /// let mapping = try CommuneMapping.official2024to2025()
    /// print(mapping.rows.isEmpty)   // false
    /// ```
    public static func official2024to2025() throws(GazetteerError) -> CommuneMapping {
        try cached.get()
    }

    private static let cached = Result { () throws(GazetteerError) -> CommuneMapping in try load() }

    private static func load() throws(GazetteerError) -> CommuneMapping {
        let t = try CSVTable.bundled("vn-communes-2024-to-2025", columns: [
            "old_province_code", "old_district_code", "old_commune_code", "old_commune_name",
            "new_province_code", "new_commune_code", "new_commune_name", "is_primary", "targets",
        ])
        var rows: [Row] = []
        rows.reserveCapacity(t.records.count)
        for r in t.records {
            let primary = t.text(r, 7)
            guard primary == "0" || primary == "1" else {
                throw GazetteerError(resource: t.resource, line: r.line, reason: "is_primary is \"\(primary)\", not 0 or 1")
            }
            rows.append(Row(
                oldProvinceCode: try t.int32(r, 0), oldDistrictCode: try t.int32(r, 1),
                oldCommuneCode: try t.int32(r, 2), oldCommuneName: t.text(r, 3),
                newProvinceCode: try t.int32(r, 4), newCommuneCode: try t.int32(r, 5),
                newCommuneName: t.text(r, 6), isPrimary: primary == "1", targets: Int(try t.int32(r, 8))))
        }
        return CommuneMapping(rows: rows)
    }

    /// The new communes the old commune `code` went into, in file order; empty when the
    /// mapping has no row for it.
    ///
    /// ```swift
    /// let mapping = try CommuneMapping.official2024to2025()
    /// for s in mapping.successors(ofOldCommune: 1) {
    ///     print(s.newCode, s.isPrimary)
    /// }
    /// ```
    public func successors(ofOldCommune code: Int32) -> [(newCode: Int32, isPrimary: Bool)] {
        (rowsByOldCode[code] ?? []).map { (rows[$0].newCommuneCode, rows[$0].isPrimary) }
    }

    /// The new commune marked primary for the old commune `code`, or `nil` when it has no row
    /// or none of its rows is marked primary (three split communes in the mapping file have only a
    /// non-primary row; use ``successors(ofOldCommune:)`` for them).
    ///
    /// ```swift
    /// let mapping = try CommuneMapping.official2024to2025()
    /// print(mapping.primarySuccessor(ofOldCommune: 1) ?? 0)   // 97
    /// ```
    public func primarySuccessor(ofOldCommune code: Int32) -> Int32? {
        (rowsByOldCode[code] ?? []).first { rows[$0].isPrimary }.map { rows[$0].newCommuneCode }
    }
}
