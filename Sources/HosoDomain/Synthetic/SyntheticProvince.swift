import HosoStore

/// A deterministic synthetic data set for one province: persons with status histories over
/// 2023–2026 following the rules of DOMAIN.md, case events of every kind at plausible rates
/// per commune, Vietnamese names with diacritics, national IDs and commune populations.
/// No real person is in it: everything comes from the seed.
///
/// Each record is generated from its own id and the seed, so records can be produced in any
/// order, streamed without memory growth, and regenerated identically on any machine.
///
/// ```swift
/// let data = try SyntheticProvince(provinceCode: 20, persons: 100, events: 500, seed: 2025)
/// try program.load(persons: data.persons(), events: data.events())
/// print(try program.personCount(), try program.eventCount())   // 100 500
/// ```
public struct SyntheticProvince: Sendable {
    /// How the data is spread.
    public enum Profile: String, Sendable, CaseIterable {
        /// The benchmark's data (the sizes given, every commune active; what `Benchmarks/` and
        /// the tests build): unchanged across versions for a seed.
        case benchmark
        /// A province resembling a real one (``realistic(provinceCode:seed:)``): Lạng Sơn's 16
        /// target communes see no person, case, hotspot or cultivation, and run one prevention
        /// model a year; the other communes spread from quiet to key complex.
        case realistic
    }

    /// The province.
    public let provinceCode: Int32
    /// How many persons and events.
    public let personCount: Int, eventCount: Int
    /// The seed.
    public let seed: UInt64
    /// The communes, with their relative weight (how much drug activity they see).
    public let communes: [CommuneEntry]
    let weights: [Double]
    let cumulative: [Double]
    /// First and last day of generated histories.
    public let firstDay: Day, lastDay: Day
    /// How the data is spread.
    public let profile: Profile
    /// Indexes (into ``communes``) of the communes with activity (all but the quiet targets in
    /// the realistic profile).
    let active: [Int]
    /// The quiet communes of the realistic profile.
    public let quietCommunes: [CommuneRef]

    /// Communes that Lạng Sơn's plan 214/KH-UBND names as drug-free targets for 2025; they get
    /// little activity in the demo data.
    public static let langSonTargets2025 = ["Công Sơn", "Lợi Bác", "Thống Nhất", "Xuân Dương", "Châu Sơn", "Thái Bình", "Chiến Thắng",
                                            "Nhân Lý", "Hồng Phong", "Quý Hòa", "Thiện Hòa", "Thiện Thuật", "Thiện Long", "Tân Tiến",
                                            "Kháng Chiến", "Đoàn Kết"]

    /// Prepares a data set for a province of the 2025 gazetteer.
    public init(provinceCode: Int32 = 20, persons: Int, events: Int, seed: UInt64 = 2025,
                from firstDay: Day = Day(year: 2023, month: 1, day: 1)!, through lastDay: Day = Day(year: 2026, month: 11, day: 30)!,
                profile: Profile = .benchmark) throws {
        let gazetteer = try Gazetteer.official2025()
        let list = gazetteer.communes(inProvince: provinceCode)
        guard !list.isEmpty else {
            throw HosoError.invalidField(record: "synthetic data", field: "province", value: String(provinceCode),
                                         reason: "has no communes in the 2025 gazetteer")
        }
        self.provinceCode = provinceCode; personCount = persons; eventCount = events; self.seed = seed
        self.firstDay = firstDay; self.lastDay = lastDay; self.profile = profile
        communes = list.map { CommuneEntry(ref: CommuneRef(province: provinceCode, commune: $0.code), name: $0.name, type: $0.type) }
        var rng = SplitMix64(seed: seed)
        let targets = Set(Self.langSonTargets2025)
        weights = list.map { c in
            let bare = c.name.replacingOccurrences(of: "Xã ", with: "").replacingOccurrences(of: "Phường ", with: "")
            if targets.contains(bare) { return profile == .realistic ? 0 : 0.08 }
            // A few communes (border gates, towns) carry most of the activity.
            return pow(Double.random(in: 0.05...1, using: &rng), 2.2) + (c.type == "phường" ? 0.6 : 0)
        }
        var sum = 0.0
        cumulative = weights.map { sum += $0; return sum }
        let w = weights
        active = communes.indices.filter { w[$0] > 0 }
        let all = communes
        quietCommunes = profile == .realistic ? all.indices.filter { w[$0] == 0 }.map { all[$0].ref } : []
    }

    /// A province like Lạng Sơn as its plans describe it: a few thousand files, a few hundred
    /// drug cases a year, about 800,000 residents over its communes (``Profile/realistic``).
    ///
    /// ```swift
    /// let data = try SyntheticProvince.realistic()
    /// print(data.personCount, data.quietCommunes.count)   // 3000 16
    /// ```
    public static func realistic(provinceCode: Int32 = 20, seed: UInt64 = 2025) throws -> SyntheticProvince {
        try SyntheticProvince(provinceCode: provinceCode, persons: 3_000, events: 9_000, seed: seed, profile: .realistic)
    }

    /// Officer inputs of the realistic profile for 2024–2026: every commune's `offender_group`,
    /// `trafficking_route` and `unfiled_present`, the six busiest communes on a trafficking
    /// route and the three busiest with an offender group (none for the benchmark profile).
    public func officerInputs() -> [CommuneInput] {
        guard profile == .realistic else { return [] }
        let busiest = communes.indices.sorted { (weights[$0], $0) > (weights[$1], $1) }
        var out: [CommuneInput] = []
        for year in 2024...2026 {
            for (rank, i) in busiest.enumerated() {
                let c = communes[i].ref.commune
                let on = Day(year: year, month: 11, day: 20)!
                out.append(CommuneInput(name: "trafficking_route", commune: c, year: year, value: rank < 6 ? 1 : 0, recordedBy: "demo (PC04)", recordedOn: on))
                out.append(CommuneInput(name: "offender_group", commune: c, year: year, value: rank < 3 ? 1 : 0, recordedBy: "demo (PC04)", recordedOn: on))
                out.append(CommuneInput(name: "unfiled_present", commune: c, year: year, value: 0, recordedBy: "demo (công an xã)", recordedOn: on))
            }
        }
        return out
    }

    /// The realistic profile's reserved events: one prevention model per quiet commune and year.
    var reservedEvents: Int { quietCommunes.count * (lastDay.year - firstDay.year + 1) }

    /// Synthetic populations per commune for each year of the data (about 3,000–25,000).
    public func populations() -> [Int: [Int32: Int]] {
        var out: [Int: [Int32: Int]] = [:]
        for (i, c) in communes.enumerated() {
            var rng = SplitMix64(seed: seed ^ 0xC0FFEE ^ UInt64(i))
            let base = profile == .realistic ? Int.random(in: 4_000...20_000, using: &rng) : Int.random(in: 3_000...25_000, using: &rng)
            for year in firstDay.year...lastDay.year {
                out[year, default: [:]][c.ref.commune] = base + (year - firstDay.year) * Int.random(in: 0...150, using: &rng)
            }
        }
        return out
    }

    /// Settings for a program tenant holding this data, in the province's communes.
    ///
    /// ```swift
    /// let data = try SyntheticProvince(provinceCode: 20, persons: 10, events: 10)
    /// let settings = data.settings(calendar: try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10))
    /// print(settings.province ?? 0)   // 20
    /// ```
    public func settings(rules: TermRuleBook = TermRuleBook(), calendar: ReportingCalendar = .gregorian) -> ProgramSettings {
        ProgramSettings(communes: communes, populations: populations(), rules: rules, province: provinceCode, calendar: calendar)
    }

    func rng(_ stream: UInt64, _ id: RecordID) -> SplitMix64 {
        var mix = SplitMix64(seed: seed ^ (stream &* 0xD6E8_FEB8_6659_FD93) ^ (id &* 0x9E37_79B9_7F4A_7C15))
        return SplitMix64(seed: mix.next())
    }

    func pickCommune(_ rng: inout SplitMix64) -> CommuneRef {
        let x = Double.random(in: 0..<cumulative.last!, using: &rng)
        var lo = 0, hi = cumulative.count - 1
        while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] > x { hi = mid } else { lo = mid + 1 } }
        return communes[lo].ref
    }

    func day(_ rng: inout SplitMix64, from: Day? = nil) -> Day {
        let start = from ?? firstDay
        guard start < lastDay else { return lastDay }
        return Day(rawValue: Int32.random(in: start.rawValue...lastDay.rawValue, using: &rng))
    }

    /// The commune person `id` is registered in (cheap: the first draw of its generator).
    public func commune(ofPerson id: RecordID) -> CommuneRef {
        var r = rng(1, id)
        return pickCommune(&r)
    }

    // MARK: Persons

    /// Person `id` (1…``personCount``) with its events; histories are derived when loaded.
    public func person(_ id: RecordID) -> Person {
        var r = rng(1, id)
        let commune = pickCommune(&r)
        let male = Double.random(in: 0..<1, using: &r) < 0.92
        let family = Names.family[Int.random(in: 0..<Names.family.count, using: &r)]
        let middle = male ? Names.middleMale[Int.random(in: 0..<Names.middleMale.count, using: &r)]
                          : Names.middleFemale[Int.random(in: 0..<Names.middleFemale.count, using: &r)]
        let given = male ? Names.givenMale[Int.random(in: 0..<Names.givenMale.count, using: &r)]
                         : Names.givenFemale[Int.random(in: 0..<Names.givenFemale.count, using: &r)]
        let first = day(&r)
        let birth = Day(year: Int.random(in: 1965...2009, using: &r), month: Int.random(in: 1...12, using: &r), day: Int.random(in: 1...28, using: &r))!
        var p = Person(id: id, fullName: "\(family) \(middle) \(given)", commune: commune, fileOpened: max(first, birth.adding(years: 13)))
        p.birthDate = birth
        p.sex = male ? .male : .female
        if Double.random(in: 0..<1, using: &r) < 0.93 { p.nationalID = nationalID(id: id, birth: birth, male: male) }
        p.village = "\(Names.villageKinds[Int.random(in: 0..<Names.villageKinds.count, using: &r)]) \(Int.random(in: 1...12, using: &r))"
        p.occupation = Names.occupations[Int.random(in: 0..<Names.occupations.count, using: &r)]
        p.drugs = [Names.drugs[Int.random(in: 0..<Names.drugs.count, using: &r)]]
        p.notPresent = Double.random(in: 0..<1, using: &r) < 0.04
        p.fromAnotherLocality = Double.random(in: 0..<1, using: &r) < 0.03
        p.events = history(&r, start: p.fileOpened, commune: commune, minor: birth.age(on: p.fileOpened) < 18)
        for i in p.events.indices { p.events[i].sequence = i + 1 }
        return p
    }

    /// National IDs: 0 + province (2 digits) + century/sex digit + 8 digits that are a bijection
    /// of the id (so no two persons share one, up to 100 million persons).
    func nationalID(id: RecordID, birth: Day, male: Bool) -> String {
        let century = (birth.year >= 2000 ? 2 : 0) + (male ? 0 : 1)
        let serial = (id &* 7_919 &+ 4_242_421) % 100_000_000
        return "0" + pad(Int(provinceCode) % 100, 2) + String(century) + pad(Int(serial), 8)
    }

    func pad(_ n: Int, _ width: Int) -> String { let s = String(n); return String(repeating: "0", count: max(0, width - s.count)) + s }

    /// A plausible life of a file: an entry into management, then rehab, relapse, moves, terms.
    func history(_ r: inout SplitMix64, start: Day, commune: CommuneRef, minor: Bool) -> [PersonEvent] {
        var events: [PersonEvent] = []
        var t = start
        func advance(_ lo: Int, _ hi: Int) -> Bool {
            t = t.adding(days: Int.random(in: lo...hi, using: &r))
            return t <= lastDay
        }
        let path = Double.random(in: 0..<1, using: &r)
        if path < 0.38 {
            events.append(PersonEvent(date: t, kind: .testResult, outcome: .positive))
            events.append(PersonEvent(date: t.adding(days: Int.random(in: 3...20, using: &r)), kind: .managementDecision))
            t = events.last!.date
            let next = Double.random(in: 0..<1, using: &r)
            if next < 0.2, advance(90, 330) {
                events.append(PersonEvent(date: t, kind: .managementDecision, note: "tái sử dụng trong thời hạn quản lý"))
            } else if next < 0.35, advance(30, 300) {
                events.append(PersonEvent(date: t, kind: .addictionDetermination, outcome: .addicted))
                rehab(&r, &events, &t, minor: minor)
            } else if next < 0.4, advance(30, 300) {
                events.append(PersonEvent(date: t, kind: .educationMeasure, note: "giáo dục tại xã"))
            }
        } else if path < 0.72 {
            events.append(PersonEvent(date: t, kind: .addictionDetermination, outcome: .addicted))
            rehab(&r, &events, &t, minor: minor)
        } else if path < 0.82 {
            events.append(PersonEvent(date: t, kind: .methadoneStart))
            if Double.random(in: 0..<1, using: &r) < 0.35, advance(180, 700) {
                let outcome: PersonEvent.Outcome = [.completed, .completed, .voluntaryExit, .forcedExit][Int.random(in: 0..<4, using: &r)]
                events.append(PersonEvent(date: t, kind: .methadoneExit, outcome: outcome))
            }
        } else if path < 0.92 {
            events.append(PersonEvent(date: t, kind: .release, note: "chấp hành xong án phạt tù tội phạm ma túy"))
        } else {
            events.append(PersonEvent(date: t, kind: .highRiskSet))
            if Double.random(in: 0..<1, using: &r) < 0.3, advance(60, 400) { events.append(PersonEvent(date: t, kind: .highRiskCleared)) }
        }
        let extra = Double.random(in: 0..<1, using: &r)
        if extra < 0.05, advance(20, 200) {
            var to = commune
            if profile == .realistic {
                while to == commune && active.count > 1 { to = communes[active[Int.random(in: 0..<active.count, using: &r)]].ref }
            } else {
                while to == commune && communes.count > 1 { to = communes[Int.random(in: 0..<communes.count, using: &r)].ref }
            }
            events.append(PersonEvent(date: t, kind: .moveOut, commune: to))
        } else if extra < 0.07, advance(20, 200) {
            events.append(PersonEvent(date: t, kind: .moveOut, note: "chuyển đi tỉnh khác"))
        } else if extra < 0.08, advance(10, 200) {
            events.append(PersonEvent(date: t, kind: .psychosisEpisode))
        } else if extra < 0.095, advance(30, 500) {
            events.append(PersonEvent(date: t, kind: .death))
        }
        return events.filter { $0.date <= lastDay }
    }

    func rehab(_ r: inout SplitMix64, _ events: inout [PersonEvent], _ t: inout Day, minor: Bool) {
        let choice = Double.random(in: 0..<1, using: &r)
        guard choice < 0.75 else { return }
        t = t.adding(days: Int.random(in: 10...120, using: &r))
        if choice < 0.15 {
            events.append(PersonEvent(date: t, kind: .methadoneStart))
            return
        }
        let program: PersonEvent.Program = choice < 0.45 ? .compulsory : (choice < 0.6 ? .voluntaryAtFacility : .voluntaryAtHome)
        let months = program == .compulsory ? (minor ? Int.random(in: 6...12, using: &r) : Int.random(in: 12...24, using: &r)) : Int.random(in: 6...12, using: &r)
        events.append(PersonEvent(date: t.adding(days: -Int.random(in: 3...15, using: &r)), kind: .rehabDecision, program: program, termMonths: months))
        events.append(PersonEvent(date: t, kind: .rehabStart, program: program, termMonths: months))
        let end = t.adding(months: months)
        if Double.random(in: 0..<1, using: &r) < 0.12 && program != .compulsory {
            t = t.adding(days: Int.random(in: 20...120, using: &r))
            events.append(PersonEvent(date: t, kind: .rehabSelfTermination))
            return
        }
        t = end.adding(days: -Int.random(in: 0...10, using: &r))
        events.append(PersonEvent(date: t, kind: .rehabCompletion))
        if Double.random(in: 0..<1, using: &r) < 0.2 {
            t = t.adding(days: Int.random(in: 60...500, using: &r))
            events.append(PersonEvent(date: t, kind: .relapse))
        }
    }

    /// All persons, in id order, generated as the sequence is walked.
    public func persons() -> LazyMapSequence<ClosedRange<RecordID>, Person> {
        (RecordID(1)...RecordID(max(personCount, 1))).lazy.map { self.person($0) }
    }

    // MARK: Case events

    /// Case event `id` (1…``eventCount``).
    public func event(_ id: RecordID) -> CaseEvent {
        if profile == .realistic, id <= reservedEvents {
            let k = Int(id - 1)
            let commune = quietCommunes[k % quietCommunes.count]
            let year = firstDay.year + k / quietCommunes.count
            var r = rng(3, id)
            var date = Day(year: year, month: Int.random(in: 1...10, using: &r), day: Int.random(in: 1...28, using: &r))!
            if date > lastDay { date = lastDay }
            if date < firstDay { date = firstDay }
            var e = CaseEvent(id: id, kind: .preventionModel, commune: commune, date: date)
            e.quantity = 1
            e.note = "mô hình \"xã không ma túy\""
            return e
        }
        var r = rng(2, id)
        let x = Double.random(in: 0..<1, using: &r)
        let kind: CaseEvent.Kind = x < 0.30 ? .propaganda : x < 0.44 ? .commitment : x < 0.58 ? .tip : x < 0.72 ? .drugCase
            : x < 0.80 ? .hotspot : x < 0.83 ? .cultivation : x < 0.87 ? .preventionModel : .training
        var persons: [RecordID] = []
        var commune = pickCommune(&r)
        if profile == .realistic, [.propaganda, .commitment, .training, .preventionModel].contains(kind) {
            commune = communes[Int.random(in: 0..<communes.count, using: &r)].ref
        }
        if (kind == .drugCase || kind == .tip) && personCount > 0 {
            let first = RecordID.random(in: 1...RecordID(personCount), using: &r)
            persons = [first]
            commune = self.commune(ofPerson: first)
            if Double.random(in: 0..<1, using: &r) < 0.3 { persons.append(RecordID.random(in: 1...RecordID(personCount), using: &r)) }
        }
        let date = day(&r)
        var e = CaseEvent(id: id, kind: kind, commune: commune, date: date)
        e.personIDs = persons
        switch kind {
        case .drugCase:
            let a = Double.random(in: 0..<1, using: &r)
            e.offenceArticle = a < 0.40 ? 249 : a < 0.75 ? 251 : a < 0.85 ? 255 : a < 0.93 ? 256 : a < 0.98 ? 250 : 247
            e.stage = CaseEvent.Stage.allCases[Int.random(in: 0..<4, using: &r)]
            e.arrested = Int.random(in: 1...3, using: &r)
            e.mobileTrial = e.stage == .tried && Double.random(in: 0..<1, using: &r) < 0.15
        case .tip:
            let o = Double.random(in: 0..<1, using: &r)
            e.tipOutcome = o < 0.1 ? .pending : o < 0.7 ? .prosecute : o < 0.95 ? .notProsecute : .suspend
            if e.tipOutcome != .pending { e.resolvedDate = date.adding(days: Int.random(in: 2...60, using: &r)) }
        case .hotspot:
            if Double.random(in: 0..<1, using: &r) < 0.8 { e.resolvedDate = date.adding(days: Int.random(in: 5...90, using: &r)) }
            e.quantity = 1
        case .cultivation:
            e.areaM2 = Int.random(in: 10...1_500, using: &r)
            e.plants = e.areaM2 * Int.random(in: 2...6, using: &r)
        case .propaganda: e.quantity = Int.random(in: 20...600, using: &r)
        case .commitment: e.quantity = Int.random(in: 5...200, using: &r)
        case .preventionModel: e.quantity = 1
        case .training: e.quantity = Int.random(in: 10...80, using: &r)
        }
        return e
    }

    /// All case events, in id order, generated as the sequence is walked.
    public func events() -> LazyMapSequence<ClosedRange<RecordID>, CaseEvent> {
        (RecordID(1)...RecordID(max(eventCount, 1))).lazy.map { self.event($0) }
    }
}

import Foundation
