import Foundation
import Testing
@testable import HosoDomain
import HosoStore

/// Village rules (issue 13, item 2 "assigned by village"): random rules, removals and officers'
/// assignments over files naming Lạng Sơn's split, whole and unmapped old communes, each step
/// checked against a plain model that places every file from the bundled CSV files
/// (``OldPlacesImportTests/Oracle``) and folds villages with Foundation's own folding; then a
/// second import placed by the rules, the villages of each old commune, and every index equal
/// to a rebuild.
@Suite struct VillageRuleTests {
    /// The model's folding: Foundation's, not the engine's.
    static func fold(_ s: String) -> String {
        s.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
            .replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "d")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }

    static let villages = ["Thôn Nà Pàn", "Bản Chắt", "Khòn Pát", "Đồng Đăng"]

    /// One of the villages as a file may spell it.
    static func spelling(_ v: String, _ rng: inout SplitMix64) -> String {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: v.lowercased()
        case 1: v.uppercased()
        case 2: v.folding(options: .diacriticInsensitive, locale: nil)
        case 3: " " + v.replacingOccurrences(of: " ", with: "  ") + " "
        default: v
        }
    }

    struct Row { var id: RecordID; var code: Int32; var assigned: Int32?; var village: String? }

    struct Model {
        var oracle: OldPlacesImportTests.Oracle
        var placed: [RecordID: (commune: Int32, named: Int32, by: NamedPlace.PlacedBy, village: String?)] = [:]
        var rules: [Int32: [String: Int32]] = [:]

        /// Where a row goes: the file's assignment, else a rule, else the mapping; nil: rejected.
        func expect(_ r: Row) -> (Int32, NamedPlace.PlacedBy)? {
            let s = oracle.successors[r.code] ?? []
            let ruled = r.village.flatMap { rules[r.code]?[VillageRuleTests.fold($0)] }
            if let a = r.assigned { return (a, s.count == 1 ? .whole : .file) }
            if s.count == 1 { return (s[0].code, .whole) }
            if let ruled { return (ruled, .village) }
            if s.isEmpty { return nil }
            return ((s.first { $0.primary } ?? s[0]).code, .primary)
        }
    }

    static func rows(_ ids: ClosedRange<RecordID>, codes: [Int32], oracle: OldPlacesImportTests.Oracle, tenantCommunes: [Int32], _ rng: inout SplitMix64) -> [Row] {
        ids.map { id in
            let code = codes.randomElement(using: &rng)!
            let s = oracle.successors[code]?.map(\.code) ?? []
            var assigned: Int32?
            if s.isEmpty { assigned = Bool.random(using: &rng) ? tenantCommunes.randomElement(using: &rng)! : nil }
            else if s.count > 1, Double.random(in: 0..<1, using: &rng) < 0.2 { assigned = s.randomElement(using: &rng)! }
            let village = Double.random(in: 0..<1, using: &rng) < 0.1 ? nil : spelling(villages.randomElement(using: &rng)!, &rng)
            return Row(id: id, code: code, assigned: assigned, village: village)
        }
    }

    static func csv(_ rows: [Row]) -> String {
        func q(_ s: String?) -> String { s.map { "\"\($0)\"" } ?? "" }
        return "id,full_name,commune_code,assigned_commune_code,village,file_opened\n"
            + rows.map { "\($0.id),Người \($0.id),\($0.code),\($0.assigned.map(String.init) ?? ""),\(q($0.village)),2024-0\(1 + $0.id % 9)-15\n" }.joined()
    }

    static func stored(_ program: ProgramTenant) throws -> [RecordID: (Int32, Int32, NamedPlace.PlacedBy)] {
        try program.read { q in
            var out: [RecordID: (Int32, Int32, NamedPlace.PlacedBy)] = [:]
            _ = try q.allPersons { p in
                if let n = p.namedPlace { out[p.id] = (p.commune.commune, n.commune.commune, n.placedBy) }
                return true
            }
            return out
        }
    }

    static func check(_ program: ProgramTenant, _ model: Model, _ context: String) throws {
        let got = try stored(program)
        #expect(got.count == model.placed.count, "\(context): \(got.count) files ≠ \(model.placed.count)")
        for (id, m) in model.placed {
            let g = got[id]
            #expect(g?.0 == m.commune && g?.1 == m.named && g?.2 == m.by, "\(context): person \(id) is \(String(describing: g)), the model has \(m)")
        }
        var rules: [Int32: [String: Int32]] = [:]
        for r in try program.villageRules() { rules[r.oldCommune, default: [:]][fold(r.village)] = r.commune }
        #expect(rules == model.rules, "\(context): rules \(rules) ≠ \(model.rules)")
        let review = Set(try program.placementReviews().map(\.record))
        #expect(review == Set(model.placed.filter { $0.value.by == .primary }.map { PlacementReview.Record.person($0.key) }), "\(context): review list")
    }

    @Test(arguments: [2026 as UInt64, 17, 99])
    func rulesMoveTheVillagesFilesAndPlaceLaterImports(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let oracle = try OldPlacesImportTests.Oracle()
        let langSon = oracle.old.filter { $0.value.province == 20 }.keys.sorted()
        let split = langSon.filter { (oracle.successors[$0]?.count ?? 0) > 1 }
        let unmapped = langSon.filter { oracle.successors[$0] == nil }
        let whole = Array(langSon.filter { oracle.successors[$0]?.count == 1 }.shuffled(using: &rng).prefix(3))
        #expect(split.count >= 2 && !unmapped.isEmpty, "Lạng Sơn's split and unmapped communes")
        let codes = split + split + unmapped + whole

        let store = try temporaryStore(ManualClock(Day(year: 2025, month: 12, day: 10)!), name: "villagerules\(seed)")
        let data = try SyntheticProvince(provinceCode: 20, persons: 1, events: 1, seed: seed)
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        let tenantCommunes = program.settings.communes.map(\.ref.commune)
        var model = Model(oracle: oracle)
        let dir = try InterchangeFixtures.directory("villagerules\(seed)")
        defer { try? FileManager.default.removeItem(atPath: dir) }

        func importRows(_ rows: [Row], _ label: String) throws {
            try InterchangeFixtures.write(Self.csv(rows), to: dir + "persons.csv")
            try InterchangeFixtures.write("person_id,date,kind,outcome\n" + rows.filter { $0.id % 4 == 0 }.map { "\($0.id),2024-10-02,test_result,positive\n" }.joined(), to: dir + "person_events.csv")
            let summary = try TableTransfer.importFile(dir + "persons.csv", table: .persons, into: program, places: .before2025)
            var loaded = 0, byVillage: [RecordID] = []
            for r in rows {
                guard let (c, by) = model.expect(r) else { continue }
                loaded += 1
                if by == .village { byVillage.append(r.id) }
                model.placed[r.id] = (c, r.code, by, r.village)
            }
            #expect(summary.loaded == loaded && summary.placedByVillage == byVillage, "seed \(seed), \(label): \(summary.text)")
            try Self.check(program, model, "seed \(seed), \(label)")
        }
        try importRows(Self.rows(1...150, codes: codes, oracle: oracle, tenantCommunes: tenantCommunes, &rng), "first import")

        for step in 0..<40 {
            let context = "seed \(seed), step \(step)"
            let roll = Double.random(in: 0..<1, using: &rng)
            if roll < 0.6 {
                // A rule: sometimes for a whole commune, an unknown one, or to a commune that is no successor.
                let old: Int32 = Double.random(in: 0..<1, using: &rng) < 0.1 ? (whole.randomElement(using: &rng)!) : Double.random(in: 0..<1, using: &rng) < 0.05 ? 99_999 : (split + unmapped).randomElement(using: &rng)!
                let village = Double.random(in: 0..<1, using: &rng) < 0.05 ? "  " : Self.spelling(Self.villages.randomElement(using: &rng)!, &rng)
                let s = oracle.successors[old]?.map(\.code) ?? []
                let target: Int32 = Double.random(in: 0..<1, using: &rng) < 0.2 ? tenantCommunes.randomElement(using: &rng)! : (s.randomElement(using: &rng) ?? tenantCommunes.randomElement(using: &rng)!)
                let valid = oracle.old[old] != nil && s.count != 1 && !Self.fold(village).isEmpty && (s.isEmpty ? tenantCommunes.contains(target) : s.contains(target))
                guard valid else {
                    let before = try Self.stored(program).count
                    #expect(throws: ProgramError.self, "\(context): rule \(old) '\(village)' → \(target) must be refused") {
                        try program.addVillageRule(oldCommune: old, village: village, to: target)
                    }
                    #expect(try Self.stored(program).count == before)
                    try Self.check(program, model, context + " (refused)")
                    continue
                }
                let key = Self.fold(village)
                var moved: [RecordID] = [], confirmed: [RecordID] = [], kept: [RecordID] = []
                for (id, p) in model.placed where p.named == old && p.village.map(Self.fold) == key {
                    switch p.by {
                    case .primary, .village:
                        if p.commune != target { moved.append(id) } else if p.by == .primary { confirmed.append(id) } else { continue }
                        model.placed[id] = (target, p.named, .village, p.village)
                    case .file, .officer, .whole:
                        if p.commune != target { kept.append(id) }
                    }
                }
                model.rules[old, default: [:]][key] = target
                let change = try program.addVillageRule(oldCommune: old, village: village, to: target)
                #expect(change.moved == moved.sorted() && change.confirmed == confirmed.sorted() && change.kept.map(\.id) == kept.sorted(),
                        "\(context): rule \(old) '\(village)' → \(target): \(change) ≠ moved \(moved.sorted()) confirmed \(confirmed.sorted()) kept \(kept.sorted())")
                let fact = try #require(try program.tenant.changes(after: 0, limit: 1_000_000).last { $0.operation == .setting && $0.settingName == "places.village_rules" })
                #expect(fact.actor == program.tenant.principal.name, "\(context): the rule is a logged change by its maker: \(fact)")
                try Self.check(program, model, context + " (rule \(old) '\(village)' → \(target))")
            } else if roll < 0.75 {
                // Removing a rule moves nothing back.
                let existing = model.rules.flatMap { old, byVillage in byVillage.keys.map { (old, $0) } }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
                if let (old, key) = existing.randomElement(using: &rng), Bool.random(using: &rng) {
                    let removed = try program.removeVillageRule(oldCommune: old, village: key.uppercased())
                    #expect(removed?.commune == model.rules[old]?[key], "\(context)")
                    model.rules[old]?[key] = nil
                    if model.rules[old]?.isEmpty == true { model.rules[old] = nil }
                } else {
                    #expect(try program.removeVillageRule(oldCommune: split[0], village: "Không Có") == nil, "\(context)")
                }
                try Self.check(program, model, context + " (removal)")
            } else {
                // An officer's assignment of one file; a later rule leaves it.
                let candidates = model.placed.filter { (oracle.successors[$0.value.named]?.count ?? 0) > 1 }.keys.sorted()
                guard let id = candidates.randomElement(using: &rng) else { continue }
                let p = model.placed[id]!
                let to = oracle.successors[p.named]!.map(\.code).randomElement(using: &rng)!
                try program.assignPlace(person: id, to: to)
                model.placed[id] = (to, p.named, .officer, p.village)
                try Self.check(program, model, context + " (officer assigns \(id) → \(to))")
            }
        }

        // A later import: the file's assignment first, then the rules, then the mapping.
        try importRows(Self.rows(151...300, codes: codes, oracle: oracle, tenantCommunes: tenantCommunes, &rng), "second import")

        // The villages of each old commune, grouped by folded village, against the model.
        let rules = try program.villageRules()
        for old in Set(codes).sorted() {
            let files = model.placed.filter { $0.value.named == old }
            var expected: [String: (ids: [RecordID], communes: [Int32: Int], by: [NamedPlace.PlacedBy: Int])] = [:]
            for (id, p) in files {
                let key = p.village.map(Self.fold) ?? ""
                expected[key, default: ([], [:], [:])].ids.append(id)
                expected[key]!.communes[p.commune, default: 0] += 1
                expected[key]!.by[p.by, default: 0] += 1
            }
            let got = try program.villages(ofOldCommune: old)
            #expect(got.map(\.persons.count) == got.map(\.persons.count).sorted(by: >), "seed \(seed), \(old): most files first")
            #expect(Set(got.map(\.key)) == Set(expected.keys), "seed \(seed), \(old): \(got.map(\.key)) ≠ \(expected.keys.sorted())")
            for v in got {
                let e = expected[v.key]
                #expect(v.persons == e?.ids.sorted() && v.communes == e?.communes && v.placements == e?.by && !v.sealed, "seed \(seed), \(old) '\(v.key)'")
                #expect(v.key.isEmpty == (v.village == nil) && v.village.map(Self.fold) == (v.key.isEmpty ? nil : v.key), "seed \(seed), \(old) '\(v.key)': spelling \(String(describing: v.village))")
                #expect(v.rule?.commune == model.rules[old]?[v.key] && (v.rule == nil || rules.contains(v.rule!)), "seed \(seed), \(old) '\(v.key)': rule")
            }
        }
        #expect(try program.verify().isConsistent, "seed \(seed): the indexes differ from a rebuild")
    }

    @Test func onlyAnAdminMakesRulesAndTheyAreRefusedWithAReason() throws {
        let store = try temporaryStore(ManualClock(Day(year: 2025, month: 12, day: 10)!))
        let data = try SyntheticProvince(provinceCode: 20, persons: 1, events: 1, seed: 3)
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        try store.saveUser(StoreUser(name: "lan", role: "officer", scopes: ["6079", "6184"]), by: .system)
        let officer = try ProgramTenant.open(in: store, name: "t", as: Principal(name: "lan", role: "officer", scopes: ["6079", "6184"]))
        #expect { try officer.addVillageRule(oldCommune: 6079, village: "Nà Pàn", to: 6184) } throws: { error in
            guard case let HosoError.accessDenied(_, _, reason) = error else { return false }
            return reason.contains("only an admin") && reason.contains("hoso places assign ID CODE")
        }
        #expect(throws: HosoError.self) { try officer.removeVillageRule(oldCommune: 6079, village: "Nà Pàn") }
        func refusal(_ old: Int32, _ village: String, _ to: Int32) -> String {
            do { try program.addVillageRule(oldCommune: old, village: village, to: to); return "" } catch { return "\(error)" }
        }
        #expect(refusal(6079, "Nà Pàn", 6185).contains("6185 is not one of the communes old commune 6079"))
        #expect(refusal(5971, "Nà Pàn", 6187).contains("went whole into 6187"))
        #expect(refusal(99_999, "Nà Pàn", 6187).contains("99999 is not a commune of the 2024 gazetteer"))
        #expect(refusal(6079, " ", 6184).contains("the village is empty"))
        #expect(try program.villageRules().isEmpty)
    }

    @Test func aRuleForAnUnmappedCommunePlacesRowsWithoutAnAssignment() throws {
        let unmapped = try #require(try PlaceHistory.official().unmappedOldCommunes(inProvince: 20).first).code
        let store = try temporaryStore(ManualClock(Day(year: 2025, month: 12, day: 10)!))
        let data = try SyntheticProvince(provinceCode: 20, persons: 1, events: 1, seed: 3)
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        let dir = try InterchangeFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = "id,full_name,commune_code,village,file_opened\n1,A,\(unmapped),Bản Chắt,2024-01-01\n2,B,\(unmapped),Khòn Pát,2024-01-01\n"
        try InterchangeFixtures.write(file, to: dir + "persons.csv")
        try InterchangeFixtures.write("person_id,date,kind\n", to: dir + "person_events.csv")
        let before = try TableTransfer.importFile(dir + "persons.csv", table: .persons, into: program, places: .before2025)
        #expect(before.loaded == 0 && before.firstRejects.allSatisfy { $0.reason.contains("--village") }, "\(before.firstRejects)")
        let to = program.settings.communes[3].ref.commune
        let change = try program.addVillageRule(oldCommune: unmapped, village: "ban chat", to: to)
        #expect(change.moved.isEmpty && change.kept.isEmpty)
        let after = try TableTransfer.importFile(dir + "persons.csv", table: .persons, into: program, places: .before2025)
        #expect(after.loaded == 1 && after.rejected == 1 && after.placedByVillage == [1], "\(after.text)")
        let p = try #require(try program.person(id: 1))
        #expect(p.commune.commune == to && p.namedPlace?.placedBy == .village && p.namedPlace?.commune.commune == unmapped)
        #expect(try program.verify().isConsistent)
    }

    @Test func aSealedTenantNeedsTheKeysToCompareVillages() throws {
        let store = try temporaryStore(ManualClock(Day(year: 2025, month: 12, day: 10)!))
        let data = try SyntheticProvince(provinceCode: 20, persons: 1, events: 1, seed: 3)
        let admin = try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        let dir = try InterchangeFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try InterchangeFixtures.write("id,full_name,commune_code,village,file_opened\n1,A,6079,Thôn Nà Pàn,2024-01-01\n2,B,6079,thon na pan,2024-01-01\n3,C,6079,Bản Chắt,2024-01-01\n", to: dir + "persons.csv")
        try InterchangeFixtures.write("person_id,date,kind\n", to: dir + "person_events.csv")
        #expect(try TableTransfer.importFile(dir + "persons.csv", table: .persons, into: admin, places: .before2025).loaded == 3)
        let root = SealingIdentity.generate(), recovery = SealingIdentity.generate()
        try store.saveUser(StoreUser(name: "root", role: "admin", publicKey: root.publicKey), by: .system)
        try admin.seal(recoveryPublicKey: recovery.publicKey)
        let locked = try ProgramTenant.open(in: store, name: "t", as: Principal(name: "root", role: "admin"))
        #expect { try locked.addVillageRule(oldCommune: 6079, village: "Nà Pàn", to: 6184) } throws: { "\($0)".contains("does not hold") }
        #expect(try locked.villageRules().isEmpty)
        let sealedGroups = try locked.villages(ofOldCommune: 6079)
        #expect(sealedGroups.count == 1 && sealedGroups[0].sealed && sealedGroups[0].village == nil && sealedGroups[0].persons == [1, 2, 3])
        let unlocked = locked.unlocked(with: root)
        let change = try unlocked.addVillageRule(oldCommune: 6079, village: "THÔN NÀ PÀN", to: 6184)
        #expect(change.moved == [1, 2])
        let groups = try unlocked.villages(ofOldCommune: 6079)
        #expect(groups.map(\.village) == ["Thôn Nà Pàn", "Bản Chắt"] && groups[0].communes == [6184: 2], "\(groups)")
        #expect(try unlocked.person(id: 1)?.fullName == "A" && unlocked.person(id: 1)?.commune.commune == 6184)
        #expect(try unlocked.verify().isConsistent)
    }
}
