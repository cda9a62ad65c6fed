/// How an import file's commune codes are read: as 2025 communes (the default), or as the
/// pre-2025 communes old data names, each placed in the 2025 commune that took it over (the
/// primary successor of a split commune unless the file's `assigned_commune_code` names
/// another of its successors, or a village rule of the tenant places the row's village) with the
/// old commune kept as the record's ``NamedPlace``.
struct PlaceCodes: Sendable {
    /// The tenant's province (0: let the tenant's `prepare` fill it in).
    let province: Int32
    /// The history of places, when the file names pre-2025 communes.
    let history: PlaceHistory?
    /// The tenant's village rules (``ProgramTenant/villageRules()``).
    var rules = VillageRuleBook()

    /// 2025 codes of province `province`.
    static func since2025(province: Int32) -> PlaceCodes { PlaceCodes(province: province, history: nil) }

    /// Codes of the hierarchy `hierarchy`, for a tenant of province `province`, with the tenant's village rules.
    static func reading(_ hierarchy: PlaceHistory.Hierarchy, province: Int32, path: String, rules: VillageRuleBook = VillageRuleBook()) throws(InterchangeError) -> PlaceCodes {
        guard hierarchy == .before2025 else { return .since2025(province: province) }
        do { return PlaceCodes(province: province, history: try PlaceHistory.official(), rules: rules) } catch {
            throw .cannotRead(path: path, reason: "the bundled 2024 gazetteer and mapping, needed to read old commune codes, cannot be read: \(error)")
        }
    }

    /// A 2025 commune reference for the commune code a row names (with the old commune's
    /// district and the successor the file assigns, when it gives them; else the one a village
    /// rule gives `village`, for a split or unmapped commune).
    func place(_ code: Int32, district: Int32?, assigned: Int32?, village: String? = nil, field: String = "commune_code", inTenant: Bool = true) throws(FieldFailure) -> (CommuneRef, NamedPlace?) {
        guard let history else {
            if district != nil {
                throw FieldFailure(field: "district_code", reason: "is read only from files naming pre-2025 communes (2025 communes have no district): import with --places before2025, or leave the column empty")
            }
            if assigned != nil {
                throw FieldFailure(field: "assigned_commune_code", reason: "is read only from files naming pre-2025 communes: import with --places before2025, or leave the column empty")
            }
            return (CommuneRef(province: province, commune: code), nil)
        }
        guard let old = history.before.commune(code: code) else {
            throw FieldFailure(field: field, reason: "\(code) is not a commune of the 2024 gazetteer (the file is read as naming pre-2025 communes): check the code with hoso places old \(code), or import without --places before2025 if the file names 2025 communes")
        }
        let oldDistrict = old.districtCode ?? 0
        let oldName = "\(old.name)" + (old.districtName.map { ", \($0)" } ?? "")
        if let district, district != oldDistrict {
            let name = history.before.district(code: district).map { " (\($0.name))" } ?? ""
            throw FieldFailure(field: "district_code", reason: "\(district)\(name) is not the district of old commune \(code) \(oldName), which lies in district \(oldDistrict): correct the district or the commune code")
        }
        let named = CommuneRef(province: old.provinceCode, district: oldDistrict, commune: code)
        let newCode: Int32, placedBy: NamedPlace.PlacedBy
        switch history.placement(ofOldCommune: code) {
        case .whole(let c):
            if let assigned, assigned != c {
                throw FieldFailure(field: "assigned_commune_code", reason: "\(assigned) is not where old commune \(code) \(oldName) went: it went whole into \(c); leave the column empty or write \(c)")
            }
            (newCode, placedBy) = (c, .whole)
        case let .split(primary, among):
            if let assigned {
                guard among.contains(assigned) else {
                    throw FieldFailure(field: "assigned_commune_code", reason: "\(assigned) is not one of the communes old commune \(code) \(oldName) was split across (\(among.map(String.init).joined(separator: ", "))): write one of them, or leave it empty for the primary successor \(primary)")
                }
                (newCode, placedBy) = (assigned, .file)
            } else if let ruled = rules.commune(forOld: code, village: village), among.contains(ruled) {
                (newCode, placedBy) = (ruled, .village)
            } else {
                (newCode, placedBy) = (primary, .primary)
            }
        case .unmapped:
            if assigned == nil, let ruled = rules.commune(forOld: code, village: village), history.after.commune(code: ruled) != nil {
                (newCode, placedBy) = (ruled, .village)
                break
            }
            guard let assigned else {
                throw FieldFailure(field: field, reason: "old commune \(code) \(oldName) has no row in the official 2024→2025 mapping, so its records cannot be placed by themselves: write the 2025 commune that took it over in an assigned_commune_code column, or make a rule for the row's village (hoso places assign --old \(code) --village V --to CODE; hoso places unmapped lists such communes)")
            }
            guard history.after.commune(code: assigned) != nil else {
                throw FieldFailure(field: "assigned_commune_code", reason: "\(assigned) is not a commune of the 2025 gazetteer: write the 2025 commune that took over old commune \(code)")
            }
            (newCode, placedBy) = (assigned, .file)
        }
        if inTenant, province != 0, let new = history.after.commune(code: newCode), new.provinceCode != province {
            throw FieldFailure(field: placedBy == .file ? "assigned_commune_code" : field, reason: "old commune \(code) \(oldName) went into \(newCode) \(new.name) of \(new.provinceName), not this tenant's province \(province): import the row into that province's tenant")
        }
        let newProvince = history.after.commune(code: newCode)?.provinceCode ?? province
        return (CommuneRef(province: inTenant ? province : newProvince, commune: newCode), NamedPlace(commune: named, placedBy: placedBy))
    }

    /// The 2025 commune for a commune code an event or a permanent residence names (an old
    /// commune goes to its default successor).
    func commune(_ code: Int32, field: String) throws(FieldFailure) -> CommuneRef {
        guard history != nil else { return CommuneRef(province: province, commune: code) }
        return try place(code, district: nil, assigned: nil, field: field, inTenant: false).0
    }

    /// The named place of a row: the one placing an old code made, or the one an export wrote
    /// (`named_commune_code`, `named_district_code`, `placed_by`), checked against the 2024
    /// gazetteer; the two together are refused.
    func named(_ fields: NamedFields, placed: NamedPlace?) throws(FieldFailure) -> NamedPlace? {
        guard let code = fields.commune else {
            if fields.district != nil { throw FieldFailure(field: "named_commune_code", reason: "is missing: named_district_code is the district of the old commune it names") }
            if fields.placedBy != nil { throw FieldFailure(field: "named_commune_code", reason: "is missing: placed_by says how the record named in it was placed") }
            return placed
        }
        guard placed == nil else {
            throw FieldFailure(field: "named_commune_code", reason: "is written by hoso export for a file of 2025 communes; a file naming pre-2025 communes gives them in commune_code: leave it empty")
        }
        let old: Commune?
        do { old = try PlaceHistory.official().before.commune(code: code) } catch {
            throw FieldFailure(field: "named_commune_code", reason: "cannot be checked: the bundled 2024 gazetteer cannot be read (\(error))")
        }
        guard let old else {
            throw FieldFailure(field: "named_commune_code", reason: "\(code) is not a commune of the 2024 gazetteer: the old commune a record named (check it with hoso places old \(code))")
        }
        if let d = fields.district, d != (old.districtCode ?? 0) {
            throw FieldFailure(field: "named_district_code", reason: "\(d) is not the district of old commune \(code) \(old.name), which lies in district \(old.districtCode ?? 0)")
        }
        return NamedPlace(commune: CommuneRef(province: old.provinceCode, district: old.districtCode ?? 0, commune: code), placedBy: fields.placedBy ?? .whole)
    }
}

/// The named-place columns an export writes, as read.
struct NamedFields: Sendable {
    var commune: Int32?
    var district: Int32?
    var placedBy: NamedPlace.PlacedBy?
}
