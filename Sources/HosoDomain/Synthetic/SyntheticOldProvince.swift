import Foundation
import HosoStore

/// A synthetic pre-2025 data set of a province (no real data; fixed seed), as a province's files
/// from before the reform name their places: the management files of a ``SyntheticProvince``
/// whose histories end on 30 June 2025, each naming a commune of the 2024 gazetteer (one the
/// 2025 commune took over), with its district in about half the rows, a split commune's
/// successor assigned in about a third of its rows (by village, as an officer would), and a few
/// files naming an old commune the mapping has no row for, assigned by the file.
///
/// ``write(to:)`` writes the `persons.csv` and `person_events.csv` that
/// `hoso import --places before2025` reads.
///
/// ```swift
/// let old = try SyntheticOldProvince(provinceCode: 20, persons: 50, seed: 2024)
/// let p = old.person(1)
/// print(p.commune.district != 0, old.history.before.commune(code: p.commune.commune)?.provinceCode ?? 0)   // true 20
/// ```
public struct SyntheticOldProvince: Sendable {
    /// The 2025 data the old files are made from (histories through 30 June 2025).
    public let base: SyntheticProvince
    /// The places: the 2024 gazetteer, the 2025 one and the mapping.
    public let history: PlaceHistory
    /// The old communes of the province the mapping has no row for.
    let unmapped: [Commune]

    /// Prepares a data set of `persons` files for 2025 province `provinceCode`.
    public init(provinceCode: Int32 = 20, persons: Int, seed: UInt64 = 2024) throws {
        let base = try SyntheticProvince(provinceCode: provinceCode, persons: persons, events: 0, seed: seed,
                                         from: Day(year: 2022, month: 1, day: 1)!, through: Day(year: 2025, month: 6, day: 30)!)
        let history = try PlaceHistory.official()
        let oldProvinces = Set(base.communes.flatMap { c in history.predecessors(ofNewCommune: c.ref.commune).compactMap { history.before.commune(code: $0.oldCode)?.provinceCode } })
        self.base = base; self.history = history
        unmapped = oldProvinces.sorted().flatMap { history.unmappedOldCommunes(inProvince: $0) }
    }

    /// An old commune that new commune `code` took over (or, rarely, an unmapped one), with the
    /// successor the file assigns (nil: none).
    func oldPlace(of code: Int32, _ rng: inout SplitMix64, unmappedToo: Bool = true) -> (old: Commune, assigned: Int32?) {
        let predecessors = history.predecessors(ofNewCommune: code)
        if predecessors.isEmpty || (unmappedToo && !unmapped.isEmpty && Double.random(in: 0..<1, using: &rng) < 0.01) {
            if let u = unmapped.randomElement(using: &rng) { return (u, code) }
        }
        let p = predecessors.randomElement(using: &rng)!
        let old = history.before.commune(code: p.oldCode)!
        let assigned = !p.whole && Double.random(in: 0..<1, using: &rng) < 0.35 ? code : nil
        return (old, assigned)
    }

    /// Person `id` as the old files name it: ``Person/commune`` and the communes of its moves are
    /// old communes (2024 province, district and code); ``Person/namedPlace`` holds the
    /// successor the file assigns, if any, as `.file`.
    public func person(_ id: RecordID) -> Person {
        var p = base.person(id)
        var rng = SplitMix64(seed: base.seed ^ 0x01D_C0DE ^ (id &* 0x9E37_79B9_7F4A_7C15))
        let (old, assigned) = oldPlace(of: p.commune.commune, &rng)
        p.commune = CommuneRef(province: old.provinceCode, district: old.districtCode ?? 0, commune: old.code)
        p.namedPlace = assigned.map { NamedPlace(commune: CommuneRef(province: 0, commune: $0), placedBy: .file) }
        for i in p.events.indices {
            if let c = p.events[i].commune, c.province == base.provinceCode {
                // A move names a commune the mapping places (the file has no column to assign one).
                let o = oldPlace(of: c.commune, &rng, unmappedToo: false).old
                p.events[i].commune = CommuneRef(province: o.provinceCode, district: o.districtCode ?? 0, commune: o.code)
            }
        }
        return p
    }

    /// Writes `persons.csv` (with `district_code` in about half the rows and
    /// `assigned_commune_code`) and `person_events.csv` into `directory` (files 0600); returns
    /// the path of `persons.csv`.
    ///
    /// ```swift
    /// let old = try SyntheticOldProvince(provinceCode: 20, persons: 20)
    /// let file = try old.write(to: directory)
    /// let summary = try TableTransfer.importFile(file, table: .persons, into: program, places: .before2025)
    /// print(summary.loaded)   // 20
    /// ```
    @discardableResult
    public func write(to directory: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent("persons.csv")
        let events = (directory as NSString).appendingPathComponent("person_events.csv")
        // The events through the interchange writer (its persons file is set aside); the persons
        // here, with the columns of old data.
        let scratch = (directory as NSString).appendingPathComponent(".persons-without-old-columns.csv")
        let writer = try PersonWriter(path: scratch, format: .csv, personEventsPath: events)
        var text = "id,full_name,birth_date,sex,national_id,commune_code,district_code,assigned_commune_code,village,occupation,drugs,file_opened\r\n"
        func quoted(_ s: String?) -> String {
            guard let s else { return "" }
            return s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        for id in 1...RecordID(max(1, base.personCount)) where base.personCount > 0 {
            let p = person(id)
            try writer.write(p)
            let district = id % 2 == 0 ? String(p.commune.district) : ""
            let fields: [String] = [String(id), quoted(p.fullName), p.birthDate?.description ?? "", p.sex.code, p.nationalID ?? "",
                                    String(p.commune.commune), district, p.namedPlace.map { String($0.commune.commune) } ?? "",
                                    quoted(p.village), quoted(p.occupation), quoted(p.drugs.joined(separator: ";")), p.fileOpened.description]
            text += fields.joined(separator: ",") + "\r\n"
        }
        try writer.finish()
        try? FileManager.default.removeItem(atPath: scratch)
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw InterchangeError.cannotWrite(path: path, reason: "the file could not be created")
        }
        return path
    }
}
