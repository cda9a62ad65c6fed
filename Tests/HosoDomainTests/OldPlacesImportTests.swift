import Foundation
import Testing
@testable import HosoDomain
import HosoStore

/// Import of old data (issue 13, item 2): random files naming pre-2025 communes of Lạng Sơn
/// (whole, split and unmapped ones, with and without district, some assigned, some wrong) loaded
/// into a 2025 tenant, against a brute force that places each row from the bundled CSV files
/// read with its own parsing (``PlaceHistoryTests/rows(_:)``); then officers' assignments.
@Suite struct OldPlacesImportTests {
    /// What the brute force expects of a row: rejected in a field, or placed.
    enum Expected: Equatable {
        case rejected(field: String)
        case placed(commune: Int32, named: CommuneRef, by: NamedPlace.PlacedBy)
    }

    struct Oracle {
        var old: [Int32: (province: Int32, district: Int32)] = [:]
        var newProvince: [Int32: Int32] = [:]
        var successors: [Int32: [(code: Int32, primary: Bool)]] = [:]

        init() throws {
            for r in try PlaceHistoryTests.rows("vn-communes-2024") {
                old[Int32(r["commune_code"]!)!] = (Int32(r["province_code"]!)!, Int32(r["district_code"]!)!)
            }
            for r in try PlaceHistoryTests.rows("vn-communes-2025") { newProvince[Int32(r["commune_code"]!)!] = Int32(r["province_code"]!)! }
            for r in try PlaceHistoryTests.rows("vn-communes-2024-to-2025") {
                successors[Int32(r["old_commune_code"]!)!, default: []].append((Int32(r["new_commune_code"]!)!, r["is_primary"] == "1"))
            }
        }

        /// The documented order: the code, the district, the mapping (and the assigned commune), the province.
        func expect(code: Int32, district: Int32?, assigned: Int32?, province: Int32) -> Expected {
            guard let o = old[code] else { return .rejected(field: "commune_code") }
            if let district, district != o.district { return .rejected(field: "district_code") }
            let named = CommuneRef(province: o.province, district: o.district, commune: code)
            let s = successors[code] ?? []
            let placed: Int32, by: NamedPlace.PlacedBy
            if s.isEmpty {
                guard let assigned else { return .rejected(field: "commune_code") }
                guard newProvince[assigned] != nil else { return .rejected(field: "assigned_commune_code") }
                (placed, by) = (assigned, .file)
            } else if s.count == 1 {
                if let assigned, assigned != s[0].code { return .rejected(field: "assigned_commune_code") }
                (placed, by) = (s[0].code, .whole)
            } else if let assigned {
                guard s.contains(where: { $0.code == assigned }) else { return .rejected(field: "assigned_commune_code") }
                (placed, by) = (assigned, .file)
            } else {
                (placed, by) = ((s.first { $0.primary } ?? s[0]).code, .primary)
            }
            if newProvince[placed] != province { return .rejected(field: by == .file ? "assigned_commune_code" : "commune_code") }
            return .placed(commune: placed, named: named, by: by)
        }
    }

    /// Random rows: (id, code, district, assigned) as the file gives them.
    static func rows(seed: UInt64, count: Int, oracle: Oracle) -> [(id: RecordID, code: Int32, district: Int32?, assigned: Int32?)] {
        var rng = SplitMix64(seed: seed)
        let langSon = oracle.old.filter { $0.value.province == 20 }.keys.sorted()
        let special = langSon.filter { (oracle.successors[$0]?.count ?? 0) != 1 }
        let districts = Array(Set(oracle.old.values.filter { $0.province == 20 }.map(\.district))).sorted()
        let newCommunes = oracle.newProvince.filter { $0.value == 20 }.keys.sorted()
        return (1...count).map { i in
            let roll = Double.random(in: 0..<1, using: &rng)
            let code: Int32 = roll < 0.3 ? special.randomElement(using: &rng)! : roll < 0.34 ? 99_999 : roll < 0.37 ? 1 : langSon.randomElement(using: &rng)!
            let d = Double.random(in: 0..<1, using: &rng)
            let district: Int32? = d < 0.5 ? oracle.old[code]?.district : d < 0.58 ? districts.randomElement(using: &rng)! : nil
            let a = Double.random(in: 0..<1, using: &rng)
            let successors = oracle.successors[code]?.map(\.code) ?? []
            let assigned: Int32? = a < 0.3 ? (successors.randomElement(using: &rng) ?? newCommunes.randomElement(using: &rng)!)
                : a < 0.38 ? newCommunes.randomElement(using: &rng)! : nil
            return (RecordID(i), code, district, assigned)
        }
    }

    static func csv(_ rows: [(id: RecordID, code: Int32, district: Int32?, assigned: Int32?)]) -> String {
        "id,full_name,commune_code,district_code,assigned_commune_code,file_opened\n"
            + rows.map { "\($0.id),Người \($0.id),\($0.code),\($0.district.map(String.init) ?? ""),\($0.assigned.map(String.init) ?? ""),2024-0\(1 + $0.id % 9)-15\n" }.joined()
    }

    @Test(arguments: [2025 as UInt64, 7, 13])
    func randomOldFilesArePlacedAsTheMappingSays(seed: UInt64) throws {
        let oracle = try Oracle()
        let rows = Self.rows(seed: seed, count: 400, oracle: oracle)
        let dir = try InterchangeFixtures.directory("oldplaces\(seed)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try InterchangeFixtures.write(Self.csv(rows), to: dir + "persons.csv")
        try InterchangeFixtures.write("person_id,date,kind,outcome\n" + rows.filter { $0.id % 3 == 0 }.map { "\($0.id),2024-10-02,test_result,positive\n" }.joined(), to: dir + "person_events.csv")
        let expected = rows.map { oracle.expect(code: $0.code, district: $0.district, assigned: $0.assigned, province: 20) }
        #expect(expected.contains { if case .placed(_, _, .primary) = $0 { true } else { false } }, "seed \(seed): no split commune drawn")
        #expect(expected.contains(.rejected(field: "commune_code")) && expected.contains(.rejected(field: "district_code")), "seed \(seed)")

        // The reader alone: every row placed or rejected in the field the brute force names.
        let (records, errors) = InterchangeFixtures.readAll(try ImportReader.persons(at: dir + "persons.csv", format: .csv, provinceCode: 20, places: .before2025))
        var got: [Int: Expected] = [:]
        for (p, line) in records {
            guard let n = p.namedPlace else { Issue.record("seed \(seed), line \(line): no named place"); continue }
            got[line] = .placed(commune: p.commune.commune, named: n.commune, by: n.placedBy)
        }
        for e in errors where e.file.hasSuffix("persons.csv") { got[e.line] = .rejected(field: e.field ?? "") }
        for (i, row) in rows.enumerated() {
            #expect(got[i + 2] == expected[i], "seed \(seed), line \(i + 2) \(row): \(String(describing: got[i + 2])) ≠ \(expected[i])")
        }

        // The import into a 2025 tenant: the loaded files, their communes, the review list, the counts.
        let store = try temporaryStore(ManualClock(Day(year: 2025, month: 12, day: 10)!), name: "oldplaces\(seed)")
        let data = try SyntheticProvince(provinceCode: 20, persons: 1, events: 1, seed: seed)
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        let summary = try TableTransfer.importFile(dir + "persons.csv", table: .persons, into: program, places: .before2025)
        let placed = rows.indices.compactMap { i -> (RecordID, Int32, CommuneRef, NamedPlace.PlacedBy)? in
            if case let .placed(c, n, by) = expected[i] { return (rows[i].id, c, n, by) } else { return nil }
        }
        // A rejected person's events are rejected with it (person_events.csv apart).
        let rejectedIDs = Set(rows.map(\.id)).subtracting(placed.map(\.0))
        #expect(summary.loaded == placed.count && summary.rejectsByFile.first { $0.file.hasSuffix("/persons.csv") }?.rows == rejectedIDs.count
                && summary.rejected == rejectedIDs.count + rejectedIDs.filter { $0 % 3 == 0 }.count, "seed \(seed): \(summary.text)")
        let primaries = placed.filter { $0.3 == .primary }.map(\.0)
        #expect(summary.placedThroughSplit.map(\.id) == primaries, "seed \(seed)")
        #expect(try program.placementReviews().map(\.record) == primaries.map { .person($0) }, "seed \(seed)")
        var perCommune: [Int32: Int] = [:]
        try program.read { q in
            for (id, commune, named, by) in placed {
                let p = try #require(try q.person(id: id))
                #expect(p.commune.commune == commune && p.namedPlace == NamedPlace(commune: named, placedBy: by), "seed \(seed), person \(id)")
                perCommune[commune, default: 0] += 1
            }
            for c in program.settings.communes {
                #expect(try q.currentCounts(in: .commune(c.ref)).values.reduce(0, +) == perCommune[c.ref.commune, default: 0], "seed \(seed), commune \(c.ref)")
            }
        }

        // Officers' assignments: a commune that is not a successor is refused, one that is moves the file.
        var rng = SplitMix64(seed: seed ^ 0x5eed)
        for review in try program.placementReviews() {
            guard case .person(let id) = review.record else { continue }
            #expect(throws: ProgramError.self) { try program.assignPlace(person: id, to: 99_999) }
            let other = review.among.randomElement(using: &rng)!
            let p = try program.assignPlace(person: id, to: other)
            #expect(p.commune.commune == other && p.namedPlace?.placedBy == .officer && p.namedPlace?.commune == review.named, "seed \(seed)")
            let fact = try #require(try program.tenant.changes(after: 0, limit: 1_000_000).last { $0.operation != .read })
            #expect(fact.operation == .update && fact.recordType == "person" && fact.recordIDs == [id] && fact.actor == program.tenant.principal.name,
                    "seed \(seed): the assignment is a logged update: \(fact)")
        }
        #expect(try program.placementReviews().isEmpty, "seed \(seed)")
        if let whole = placed.first(where: { $0.3 == .whole }) {
            #expect(throws: ProgramError.self) { try program.assignPlace(person: whole.0, to: whole.1) }
        }
        #expect(try program.verify().isConsistent, "seed \(seed): the indexes differ from a rebuild")
    }

    @Test func aFileOf2025CommunesRefusesTheOldColumns() throws {
        let dir = try InterchangeFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try InterchangeFixtures.write("id,full_name,commune_code,district_code,assigned_commune_code,file_opened\n1,A,6079,181,,2024-01-01\n2,B,6079,,6184,2024-01-01\n3,C,6079,,,2024-01-01\n", to: dir + "persons.csv")
        try InterchangeFixtures.write("person_id,date,kind\n", to: dir + "person_events.csv")
        let (records, errors) = InterchangeFixtures.readAll(try ImportReader.persons(at: dir + "persons.csv", format: .csv, provinceCode: 20))
        #expect(records.map(\.value.id) == [3] && records[0].value.namedPlace == nil && records[0].value.commune.commune == 6079)
        #expect(errors.map(\.field) == ["district_code", "assigned_commune_code"] && errors.allSatisfy { $0.reason.contains("--places before2025") }, "\(errors)")
    }

    @Test func caseEventsNamingOldCommunesArePlacedToo() throws {
        let dir = try InterchangeFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try InterchangeFixtures.write("id,kind,commune_code,district_code,assigned_commune_code,date\n1,tip,5971,178,,2024-03-01\n2,tip,6079,,,2024-03-01\n3,tip,6079,,6184,2024-03-01\n4,tip,6616,,,2024-03-01\n", to: dir + "events.csv")
        let (records, errors) = InterchangeFixtures.readAll(try ImportReader.caseEvents(at: dir + "events.csv", format: .csv, provinceCode: 20, places: .before2025))
        #expect(records.map { [$0.value.commune.commune, $0.value.namedPlace!.commune.commune] } == [[6187, 5971], [6079, 6079], [6184, 6079]])
        #expect(records.map(\.value.namedPlace!.placedBy) == [.whole, .primary, .file])
        #expect(errors.map(\.line) == [5] && errors[0].field == "commune_code" && errors[0].reason.contains("6616") && errors[0].reason.contains("assigned_commune_code"), "\(errors)")
    }

    /// The brute force of ``ProgramSnapshot/currentCountsByPlaces(on:in:)``: every file read,
    /// counted in the old commune it named (while still in the commune it was placed in), else in
    /// the only old commune its 2025 commune took over, else under its 2025 commune.
    static func bruteForce(_ persons: [Person], on day: Day, today: Day, places: PlaceHistory) -> [PlaceAsOf: [Status: Int]] {
        var out: [PlaceAsOf: [Status: Int]] = [:]
        for p in persons {
            let place = p.commune(on: today), status = p.status(on: today)
            let key: PlaceAsOf
            if day >= PlaceHistory.reformDay {
                key = PlaceAsOf(commune: place, hierarchy: .since2025)
            } else if let n = p.namedPlace, place == p.commune {
                key = PlaceAsOf(commune: n.commune, hierarchy: .before2025)
            } else if places.mapping.rows.filter({ $0.newCommuneCode == place.commune }).count == 1,
                      let row = places.mapping.rows.first(where: { $0.newCommuneCode == place.commune }) {
                key = PlaceAsOf(commune: CommuneRef(province: row.oldProvinceCode, district: row.oldDistrictCode, commune: row.oldCommuneCode), hierarchy: .before2025)
            } else {
                key = PlaceAsOf(commune: place, hierarchy: .since2025)
            }
            out[key, default: [:]][status, default: 0] += 1
        }
        return out
    }

    static func nonZero<K>(_ d: [PlaceAsOf: [K: Int]]) -> [PlaceAsOf: [K: Int]] {
        d.mapValues { $0.filter { $0.value != 0 } }.filter { !$0.value.isEmpty }
    }

    @Test(arguments: [2025 as UInt64, 11])
    func countsByEitherHierarchyEqualABruteForce(seed: UInt64) throws {
        let oracle = try Oracle()
        let places = try PlaceHistory.official()
        let today = Day(year: 2025, month: 12, day: 10)!
        let rows = Self.rows(seed: seed, count: 300, oracle: oracle)
        let dir = try InterchangeFixtures.directory("bothways\(seed)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try InterchangeFixtures.write(Self.csv(rows), to: dir + "persons.csv")
        // Decisions in 2024 and 2025: some terms still run on the day asked, some ended.
        try InterchangeFixtures.write("person_id,date,kind,outcome\n" + rows.filter { $0.id % 2 == 0 }.map {
            "\($0.id),\($0.id % 4 == 0 ? "2025" : "2024")-10-02,test_result,positive\n\($0.id),\($0.id % 4 == 0 ? "2025" : "2024")-10-03,management_decision,\n"
        }.joined(), to: dir + "person_events.csv")
        let store = try temporaryStore(ManualClock(today), name: "bothways\(seed)")
        // 2025 files beside the old ones: moves, several statuses, communes that took over several old ones.
        let data = try SyntheticProvince(provinceCode: 20, persons: 250, events: 1, seed: seed, through: Day(year: 2025, month: 12, day: 1)!)
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        try program.load(persons: data.persons().map { var p = $0; p.id += 10_000; return p }, events: [CaseEvent]())
        _ = try TableTransfer.importFile(dir + "persons.csv", table: .persons, into: program, places: .before2025)
        func check(_ context: String) throws {
            var all: [Person] = []
            _ = try program.read { q in try q.allPersons { all.append($0); return true } }
            #expect(all.contains { $0.namedPlace != nil } && all.contains { $0.namedPlace == nil }, "seed \(seed)")
            for day in [Day(year: 2025, month: 3, day: 1)!, Day(year: 2024, month: 12, day: 10)!, PlaceHistory.reformDay, today] {
                let got = Self.nonZero(try program.currentCountsByPlaces(on: day, in: .province(20)))
                let want = Self.nonZero(Self.bruteForce(all, on: day, today: today, places: places))
                let same = got == want
                #expect(same, "seed \(seed), \(context), by the communes of \(day): \(got.count) places ≠ \(want.count); first difference: \(String(describing: want.first { got[$0.key] != $0.value }))")
                #expect(got.values.flatMap(\.values).reduce(0, +) == all.count, "seed \(seed), \(context): every file counted once")
            }
            if let c = program.settings.communes.first(where: { places.predecessors(ofNewCommune: $0.ref.commune).count > 1 }) {
                let one = Self.nonZero(try program.currentCountsByPlaces(on: Day(year: 2025, month: 3, day: 1)!, in: .commune(c.ref)))
                let want = Self.nonZero(Self.bruteForce(all.filter { $0.commune(on: today) == c.ref }, on: Day(year: 2025, month: 3, day: 1)!, today: today, places: places))
                let same = one == want
                #expect(same, "seed \(seed), \(context), commune \(c.ref)")
            }
        }
        try check("after the import")
        var rng = SplitMix64(seed: seed)
        for review in try program.placementReviews() {
            if case .person(let id) = review.record { try program.assignPlace(person: id, to: review.among.randomElement(using: &rng)!) }
        }
        // A file imported from old data that moves away no longer counts in its old commune.
        if let moved = try program.read({ q -> Person? in var f: Person?; _ = try q.allPersons { if $0.namedPlace != nil { f = $0; return false }; return true }; return f }),
           let other = program.settings.communes.first(where: { $0.ref != moved.commune }) {
            try program.record(PersonEvent(date: Day(year: 2025, month: 11, day: 1)!, kind: .moveOut, commune: other.ref), for: moved.id)
        }
        try check("after assignments and a move")
        #expect(try program.verify().isConsistent, "seed \(seed): the indexes differ from a rebuild")
    }

    /// The brute force of ``ProgramSnapshot/countPersonsByPlaces(on:placesAsOf:in:)``: every
    /// file read, its status and commune on `day` taken from its history, counted in the old
    /// commune it named while in the commune it was placed in, else in the only old commune its
    /// commune of `day` took over (the mapping's rows), else under that 2025 commune.
    static func bruteForce(_ persons: [Person], on day: Day, placesAsOf: Day, places: PlaceHistory) -> [PlaceAsOf: [Status: Int]] {
        var out: [PlaceAsOf: [Status: Int]] = [:]
        for p in persons {
            guard let interval = p.history.last(where: { $0.contains(day) }) else { continue }
            let place = interval.commune
            let key: PlaceAsOf
            let rows = places.mapping.rows.filter { $0.newCommuneCode == place.commune }
            if placesAsOf >= PlaceHistory.reformDay {
                key = PlaceAsOf(commune: place, hierarchy: .since2025)
            } else if let n = p.namedPlace, place == p.commune {
                key = PlaceAsOf(commune: n.commune, hierarchy: .before2025)
            } else if rows.count == 1 {
                key = PlaceAsOf(commune: CommuneRef(province: rows[0].oldProvinceCode, district: rows[0].oldDistrictCode, commune: rows[0].oldCommuneCode), hierarchy: .before2025)
            } else {
                key = PlaceAsOf(commune: place, hierarchy: .since2025)
            }
            out[key, default: [:]][interval.status, default: 0] += 1
        }
        return out
    }

    /// The brute force of ``ProgramSnapshot/countStatusChangesByPlaces(during:placesAsOf:in:)``:
    /// every file's changes in `range` (each in its commune, every move counted), placed as
    /// the stretches they begin or end are.
    static func bruteForce(changesOf persons: [Person], during range: DayRange, placesAsOf: Day, places: PlaceHistory) -> [PlaceAsOf: [StatusChangeKey: Int]] {
        var out: [PlaceAsOf: [StatusChangeKey: Int]] = [:]
        for p in persons {
            for c in p.statusChanges where c.date >= range.start && c.date < range.end {
                let rows = places.mapping.rows.filter { $0.newCommuneCode == c.commune.commune }
                let key: PlaceAsOf
                if placesAsOf >= PlaceHistory.reformDay {
                    key = PlaceAsOf(commune: c.commune, hierarchy: .since2025)
                } else if let n = p.namedPlace, c.commune == p.commune {
                    key = PlaceAsOf(commune: n.commune, hierarchy: .before2025)
                } else if rows.count == 1 {
                    key = PlaceAsOf(commune: CommuneRef(province: rows[0].oldProvinceCode, district: rows[0].oldDistrictCode, commune: rows[0].oldCommuneCode), hierarchy: .before2025)
                } else {
                    key = PlaceAsOf(commune: c.commune, hierarchy: .since2025)
                }
                out[key, default: [:]][StatusChangeKey(status: c.status, direction: c.direction, cause: c.cause, event: c.event), default: 0] += 1
            }
        }
        return out
    }

    /// Persons in a status on a day by the communes as they were, from the running count
    /// indexes `commune_flow` and `named_flow`: random pre-2025 files (moves between old
    /// communes, split communes, unmapped ones assigned) imported beside 2025 files, asked on
    /// random days before and after the reform by either tree, against the brute force over the
    /// records; again after officers' assignments, moves away and back, backdated events and
    /// corrections voiding old events; and the indexes equal a rebuild.
    @Test(arguments: [2024 as UInt64, 31])
    func asOfCountsByTheOldCommunesEqualABruteForce(seed: UInt64) throws {
        let places = try PlaceHistory.official()
        let today = Day(year: 2025, month: 12, day: 10)!
        let store = try temporaryStore(ManualClock(today), name: "asofplaces\(seed)")
        let data = try SyntheticProvince(provinceCode: 20, persons: 200, events: 1, seed: seed, through: Day(year: 2025, month: 12, day: 1)!)
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        try program.load(persons: data.persons().map { var p = $0; p.id += 10_000; p.nationalID = nil; return p }, events: [CaseEvent]())
        let dir = try InterchangeFixtures.directory("asofplaces\(seed)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let old = try SyntheticOldProvince(provinceCode: 20, persons: 300, seed: seed)
        let summary = try TableTransfer.importFile(try old.write(to: dir), table: .persons, into: program, places: .before2025)
        #expect(summary.rejected == 0, "seed \(seed): \(summary.text)")
        var rng = SplitMix64(seed: seed)
        let first = Day(year: 2022, month: 6, day: 1)!
        var days = [Day(year: 2024, month: 12, day: 10)!, Day(year: 2025, month: 6, day: 30)!, PlaceHistory.reformDay, today]
        days += (0..<14).map { _ in Day(rawValue: Int32.random(in: first.rawValue...today.rawValue, using: &rng)) }

        func check(_ context: String) throws {
            var all: [Person] = []
            _ = try program.read { q in try q.allPersons { all.append($0); return true } }
            let named = all.filter { $0.namedPlace != nil }
            #expect(named.contains { p in p.history.contains { $0.commune != p.commune } }, "seed \(seed), \(context): a named file moved")
            for day in days {
                for placesAsOf in [day, Day(year: 2025, month: 3, day: 1)!, PlaceHistory.reformDay] {
                    let got = Self.nonZero(try program.countPersonsByPlaces(on: day, placesAsOf: placesAsOf, in: .province(20)))
                    let want = Self.nonZero(Self.bruteForce(all, on: day, placesAsOf: placesAsOf, places: places))
                    let same = got == want
                    #expect(same, "seed \(seed), \(context), on \(day) by the communes of \(placesAsOf): \(got.count) places ≠ \(want.count); first difference: \(String(describing: want.first { got[$0.key] != $0.value } ?? got.first { want[$0.key] != $0.value }))")
                    if placesAsOf < PlaceHistory.reformDay && day < PlaceHistory.reformDay && day > Day(year: 2023, month: 1, day: 1)! {
                        #expect(want.keys.contains { $0.hierarchy == .before2025 } && want.keys.contains { $0.hierarchy == .since2025 }, "seed \(seed), \(context), on \(day): both kinds of places asked")
                    }
                }
            }
            // Status changes over random periods, by either tree.
            for (k, start) in days.enumerated() where k % 2 == 0 {
                let range = DayRange(start, start.adding(days: 1 + k * 37))
                for placesAsOf in [Day(year: 2025, month: 3, day: 1)!, PlaceHistory.reformDay] {
                    let got = try program.countStatusChangesByPlaces(during: range, placesAsOf: placesAsOf, in: .province(20)).mapValues(\.counts)
                    let want = Self.nonZero(Self.bruteForce(changesOf: all, during: range, placesAsOf: placesAsOf, places: places))
                    let same = got == want
                    #expect(same, "seed \(seed), \(context), changes \(range) by the communes of \(placesAsOf): \(got.count) places ≠ \(want.count); first difference: \(String(describing: want.first { got[$0.key] != $0.value } ?? got.first { want[$0.key] != $0.value }))")
                }
            }
            // One commune that took over several old ones, asked alone.
            let day = Day(year: 2025, month: 2, day: 1)!
            for c in program.settings.communes.filter({ places.predecessors(ofNewCommune: $0.ref.commune).count > 1 }).prefix(3) {
                let one = Self.nonZero(try program.countPersonsByPlaces(on: day, in: .commune(c.ref)))
                let want = Self.nonZero(Self.bruteForce(all.filter { p in p.history.last { $0.contains(day) }?.commune == c.ref }, on: day, placesAsOf: day, places: places))
                let same = one == want
                #expect(same, "seed \(seed), \(context), commune \(c.ref)")
            }
        }
        try check("after the import")

        for review in try program.placementReviews() {
            if case .person(let id) = review.record { try program.assignPlace(person: id, to: review.among.randomElement(using: &rng)!) }
        }
        var all: [Person] = []
        _ = try program.read { q in try q.allPersons { all.append($0); return true } }
        let named = all.filter { $0.namedPlace != nil }.shuffled(using: &rng)
        var changed = (moves: 0, backdated: 0, corrections: 0)
        for p in named.prefix(30) {
            // Away to another commune before the reform, and for some back to the one it was placed in.
            guard let other = program.settings.communes.filter({ $0.ref != p.commune }).randomElement(using: &rng) else { continue }
            let away = Day(year: 2024, month: Int.random(in: 1...12, using: &rng), day: 15)!
            guard (try? program.record(PersonEvent(date: away, kind: .moveOut, commune: other.ref), for: p.id)) != nil else { continue }
            changed.moves += 1
            if Bool.random(using: &rng) {
                _ = try? program.record(PersonEvent(date: away.adding(days: Int.random(in: 20...300, using: &rng)), kind: .moveOut, commune: p.commune), for: p.id)
            }
        }
        for p in named.dropFirst(30).prefix(30) {
            // A decision recorded now, dated in the past.
            let day = Day(year: 2024, month: Int.random(in: 1...12, using: &rng), day: 3)!
            if (try? program.record(PersonEvent(date: day, kind: .testResult, outcome: .positive), for: p.id)) != nil,
               (try? program.record(PersonEvent(date: day, kind: .managementDecision), for: p.id)) != nil { changed.backdated += 1 }
        }
        for p in named.dropFirst(60).prefix(30) {
            // A correction voiding the file's first event.
            guard let e = p.events.first, e.kind != .correction else { continue }
            if (try? program.record(PersonEvent(date: today, kind: .correction, voids: e.sequence), for: p.id)) != nil { changed.corrections += 1 }
        }
        #expect(changed.moves > 10 && changed.backdated > 10 && changed.corrections > 10, "seed \(seed): \(changed)")
        try check("after assignments, moves, backdated events and corrections")
        #expect(try program.verify().isConsistent, "seed \(seed): the indexes differ from a rebuild")
    }

    /// The brute force of ``ProgramSnapshot/countEventsByPlaces(during:placesAsOf:in:)``: every
    /// event of the range read, counted in the old commune it named, else in the only old
    /// commune its commune took over (the mapping's rows), else under its 2025 commune.
    static func bruteForce(_ events: [CaseEvent], during range: DayRange, placesAsOf: Day, places: PlaceHistory) -> [PlaceAsOf: [CaseEvent.Kind: Int]] {
        placed(events, during: range, placesAsOf: placesAsOf, places: places).mapValues { events in
            events.reduce(into: [:]) { $0[$1.kind, default: 0] += 1 }
        }
    }

    /// The events of `range` by their place of `placesAsOf` (the brute force's placing).
    static func placed(_ events: [CaseEvent], during range: DayRange, placesAsOf: Day, places: PlaceHistory) -> [PlaceAsOf: [CaseEvent]] {
        var out: [PlaceAsOf: [CaseEvent]] = [:]
        for e in events where e.date >= range.start && e.date < range.end {
            let rows = places.mapping.rows.filter { $0.newCommuneCode == e.commune.commune }
            let key: PlaceAsOf
            if placesAsOf >= PlaceHistory.reformDay {
                key = PlaceAsOf(commune: e.commune, hierarchy: .since2025)
            } else if let n = e.namedPlace {
                key = PlaceAsOf(commune: n.commune, hierarchy: .before2025)
            } else if rows.count == 1 {
                key = PlaceAsOf(commune: CommuneRef(province: rows[0].oldProvinceCode, district: rows[0].oldDistrictCode, commune: rows[0].oldCommuneCode), hierarchy: .before2025)
            } else {
                key = PlaceAsOf(commune: e.commune, hierarchy: .since2025)
            }
            out[key, default: []].append(e)
        }
        return out
    }

    /// Case events per kind in a period by the communes as they were, from the dated count
    /// indexes (`area_per_month`, `commune_kind_date` for days inside months, `named_per_day`):
    /// random events naming old communes (whole, split, unmapped and assigned, with and without
    /// district) imported beside 2025 events, asked over random periods (single days, partial
    /// months, years) by either tree, against the brute force; again after officers' assignments.
    @Test(arguments: [2024 as UInt64, 5])
    func eventCountsByTheOldCommunesEqualABruteForce(seed: UInt64) throws {
        let oracle = try Oracle()
        let places = try PlaceHistory.official()
        let today = Day(year: 2025, month: 12, day: 10)!
        let store = try temporaryStore(ManualClock(today), name: "eventplaces\(seed)")
        let data = try SyntheticProvince(provinceCode: 20, persons: 100, events: 300, seed: seed, through: Day(year: 2025, month: 12, day: 1)!)
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        try program.load(persons: data.persons(), events: data.events())
        var rng = SplitMix64(seed: seed)
        let langSon = oracle.old.filter { $0.value.province == 20 }.keys.sorted()
        let special = langSon.filter { (oracle.successors[$0]?.count ?? 0) != 1 }
        let newCommunes = Set(program.settings.communes.map(\.ref.commune)).sorted()
        let kinds = ["tip", "drug_case", "hotspot", "propaganda", "training", "cultivation"]
        let first = Day(year: 2023, month: 1, day: 1)!, last = Day(year: 2025, month: 6, day: 30)!
        var csv = "id,kind,commune_code,district_code,assigned_commune_code,date,plants,area_m2,quantity\n"
        for id in 1...400 {
            let code = Double.random(in: 0..<1, using: &rng) < 0.35 ? special.randomElement(using: &rng)! : langSon.randomElement(using: &rng)!
            let successors = oracle.successors[code]?.map(\.code) ?? []
            let assigned: Int32? = successors.isEmpty ? newCommunes.randomElement(using: &rng)!
                : successors.count > 1 && Bool.random(using: &rng) ? successors.randomElement(using: &rng)! : nil
            let district = Bool.random(using: &rng) ? String(oracle.old[code]!.district) : ""
            let day = Day(rawValue: Int32.random(in: first.rawValue...last.rawValue, using: &rng))
            let kind = kinds.randomElement(using: &rng)!
            let amounts = kind == "cultivation" ? "\(Int.random(in: 1...500, using: &rng)),\(Int.random(in: 1...90, using: &rng))," : kind == "propaganda" ? ",,\(Int.random(in: 5...80, using: &rng))" : ",,"
            csv += "\(100_000 + id),\(kind),\(code),\(district),\(assigned.map(String.init) ?? ""),\(day),\(amounts)\n"
        }
        let dir = try InterchangeFixtures.directory("eventplaces\(seed)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try InterchangeFixtures.write(csv, to: dir + "events.csv")
        let summary = try TableTransfer.importFile(dir + "events.csv", table: .events, into: program, places: .before2025)
        #expect(summary.loaded == 400, "seed \(seed): \(summary.text)")
        var ranges = [Period.year(2024).range(), Period.month(year: 2024, month: 12).range(), DayRange(from: Day(year: 2024, month: 5, day: 2)!, through: Day(year: 2024, month: 5, day: 2)!)]
        for _ in 0..<16 {
            let a = Day(rawValue: Int32.random(in: Day(year: 2022, month: 6, day: 1)!.rawValue...today.rawValue, using: &rng))
            ranges.append(DayRange(a, a.adding(days: Int.random(in: 1...500, using: &rng))))
        }

        func check(_ context: String) throws {
            var all: [CaseEvent] = []
            _ = try program.read { q in try q.allEvents { all.append($0); return true } }
            #expect(all.contains { $0.namedPlace != nil } && all.contains { $0.namedPlace == nil }, "seed \(seed)")
            for range in ranges {
                for placesAsOf in [Day(year: 2025, month: 3, day: 1)!, PlaceHistory.reformDay] {
                    let got = Self.nonZero(try program.countEventsByPlaces(during: range, placesAsOf: placesAsOf, in: .province(20)))
                    let want = Self.nonZero(Self.bruteForce(all, during: range, placesAsOf: placesAsOf, places: places))
                    let same = got == want
                    #expect(same, "seed \(seed), \(context), \(range) by the communes of \(placesAsOf): \(got.count) places ≠ \(want.count); first difference: \(String(describing: want.first { got[$0.key] != $0.value } ?? got.first { want[$0.key] != $0.value }))")
                    for (measure, kind) in [(CaseEvent.Measure.plants, CaseEvent.Kind.cultivation), (.areaM2, .cultivation), (.quantity, .propaganda)] {
                        let sums = try program.read { try $0.sumEventsByPlaces(measure, kind: kind, during: range, placesAsOf: placesAsOf, in: .province(20)) }
                        var want: [PlaceAsOf: Int] = [:]
                        for (place, events) in Self.placed(all.filter { $0.kind == kind }, during: range, placesAsOf: placesAsOf, places: places) {
                            let n = events.reduce(0) { $0 + $1.amount(measure) }
                            if n != 0 { want[place] = n }
                        }
                        #expect(sums == want, "seed \(seed), \(context), \(range), \(measure) of \(kind) by the communes of \(placesAsOf)")
                    }
                }
            }
            #expect(all.contains { $0.namedPlace != nil && $0.plants > 0 } && all.contains { $0.namedPlace != nil && $0.quantity > 0 }, "seed \(seed): amounts asked")
            let year = Period.year(2024).range()
            #expect(Self.bruteForce(all, during: year, placesAsOf: last, places: places).keys.contains { $0.hierarchy == .since2025 }, "seed \(seed): 2025 communes not placed back asked")
            for c in program.settings.communes.filter({ places.predecessors(ofNewCommune: $0.ref.commune).count > 1 }).prefix(3) {
                let one = Self.nonZero(try program.countEventsByPlaces(during: year, placesAsOf: last, in: .commune(c.ref)))
                let want = Self.nonZero(Self.bruteForce(all.filter { $0.commune == c.ref }, during: year, placesAsOf: last, places: places))
                let same = one == want
                #expect(same, "seed \(seed), \(context), commune \(c.ref)")
            }
        }
        try check("after the import")
        var assigned = 0
        for review in try program.placementReviews() {
            if case .event(let id) = review.record { try program.assignPlace(event: id, to: review.among.randomElement(using: &rng)!); assigned += 1 }
        }
        #expect(assigned > 10, "seed \(seed): \(assigned) events assigned")
        try check("after assignments")
        #expect(try program.verify().isConsistent, "seed \(seed): the indexes differ from a rebuild")
    }

    @Test(arguments: [InterchangeFormat.csv, .ndjson])
    func anExportOfOldDataImportsAsItWas(format: InterchangeFormat) throws {
        let oracle = try Oracle()
        let rows = Self.rows(seed: 99, count: 200, oracle: oracle)
        let dir = try InterchangeFixtures.directory("roundtrip\(format)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try InterchangeFixtures.write(Self.csv(rows), to: dir + "persons.csv")
        try InterchangeFixtures.write("person_id,date,kind,outcome\n", to: dir + "person_events.csv")
        try InterchangeFixtures.write("id,kind,commune_code,district_code,assigned_commune_code,date\n1,tip,5971,178,,2024-03-01\n2,tip,6079,,,2024-03-01\n3,tip,6079,,6184,2024-03-01\n", to: dir + "events.csv")
        let data = try SyntheticProvince(provinceCode: 20, persons: 1, events: 1, seed: 99)
        func tenant(_ name: String) throws -> ProgramTenant {
            let store = try temporaryStore(ManualClock(Day(year: 2025, month: 12, day: 10)!), name: name)
            return try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        }
        let first = try tenant("roundtripA\(format)")
        _ = try TableTransfer.importFile(dir + "persons.csv", table: .persons, into: first, places: .before2025)
        _ = try TableTransfer.importFile(dir + "events.csv", table: .events, into: first, places: .before2025)
        if let r = try first.placementReviews().first, case .person(let id) = r.record { try first.assignPlace(person: id, to: r.among.last!) }
        let ext = format == .csv ? "csv" : "ndjson"
        try FileManager.default.createDirectory(atPath: dir + "out", withIntermediateDirectories: true)
        try TableTransfer.exportTable(.persons, to: dir + "out/persons.\(ext)", from: first)
        try TableTransfer.exportTable(.events, to: dir + "out/events.\(ext)", from: first)
        let second = try tenant("roundtripB\(format)")
        let p = try TableTransfer.importFile(dir + "out/persons.\(ext)", table: .persons, into: second)
        let e = try TableTransfer.importFile(dir + "out/events.\(ext)", table: .events, into: second)
        #expect(p.rejected == 0 && e.rejected == 0, "\(p.text) \(e.text)")
        var a: [Person] = [], b: [Person] = []
        _ = try first.read { q in try q.allPersons { a.append($0); return true } }
        _ = try second.read { q in try q.allPersons { b.append($0); return true } }
        #expect(a.count == b.count && a.contains { $0.namedPlace?.placedBy == .officer })
        for (x, y) in zip(a, b) { #expect(personDifferences(x, y).isEmpty, "\(format), person \(x.id): \(personDifferences(x, y))") }
        var ea: [CaseEvent] = [], eb: [CaseEvent] = []
        _ = try first.read { q in try q.allEvents { ea.append($0); return true } }
        _ = try second.read { q in try q.allEvents { eb.append($0); return true } }
        #expect(ea == eb && ea.count == 3, "\(format)")
        #expect(try first.placementReviews() == second.placementReviews())
        #expect(try first.currentCountsByPlaces(on: Day(year: 2025, month: 3, day: 1)!, in: .province(20)) == second.currentCountsByPlaces(on: Day(year: 2025, month: 3, day: 1)!, in: .province(20)))
        // A named commune that is not an old one, or a district that is not its own, is refused.
        try InterchangeFixtures.write("id,kind,commune_code,date,named_commune_code,named_district_code,placed_by\n7,tip,6079,2024-03-01,99999,,whole\n8,tip,6079,2024-03-01,6079,178,primary\n9,tip,6079,2024-03-01,,,primary\n", to: dir + "bad.csv")
        let (_, errors) = InterchangeFixtures.readAll(try ImportReader.caseEvents(at: dir + "bad.csv", format: .csv, provinceCode: 20))
        #expect(errors.map(\.field) == ["named_commune_code", "named_district_code", "named_commune_code"], "\(errors)")
    }
}
