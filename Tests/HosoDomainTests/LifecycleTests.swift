import Foundation
import Testing
@testable import HosoDomain
import HosoStore

/// Tips and hotspots: deadlines, overdue lists, on-time shares and hotspot counts, against a
/// brute force over random events (deadlines computed here from the law's figures, not read
/// from the records).
@Suite struct LifecycleTests {
    static let province: Int32 = 20

    /// The last day on time, as the law counts it (20 days; 2 months; 2 + 2 months; hotspots 2 months).
    static func due(_ e: CaseEvent) -> Day? {
        switch e.kind {
        case .tip: [e.date.adding(days: 20), e.date.adding(months: 2), e.date.adding(months: 4)][e.extensions]
        case .hotspot: e.date.adding(months: 2)
        default: nil
        }
    }

    @Test func deadlinesFollowTheRulesAndTheExtensions() throws {
        let store = try temporaryStore(ManualClock(d("2025-12-31")))
        var rules = TermRules.national2021
        let program = try ProgramTenant.create(in: store, name: "t", provinceCode: Self.province)
        let c = program.settings.communes[0].ref
        var tip = CaseEvent(id: 1, kind: .tip, commune: c, date: d("2025-03-01"))
        #expect(try program.prepare(tip).deadline == d("2025-03-21"))
        tip.extensions = 1
        #expect(try program.prepare(tip).deadline == d("2025-05-01"))
        tip.extensions = 2
        #expect(try program.prepare(tip).deadline == d("2025-07-01"))
        tip.extensions = 3
        #expect(throws: HosoError.self) { try program.prepare(tip) }
        var hotspot = CaseEvent(id: 2, kind: .hotspot, commune: c, date: d("2025-01-31"))
        #expect(try program.prepare(hotspot).deadline == d("2025-03-31"))
        hotspot.extensions = 1
        #expect(throws: HosoError.self) { try program.prepare(hotspot) }
        hotspot.extensions = 0; hotspot.reforms = 2
        #expect(throws: HosoError.self) { try program.prepare(hotspot) }
        #expect(try program.prepare(CaseEvent(id: 3, kind: .drugCase, commune: c, date: d("2025-01-31"))).deadline == nil)
        // Thresholds are tenant data: a tenant deciding tips in 15 days, from 2025.
        rules.effectiveFrom = d("2025-01-01"); rules.tipDecisionDays = 15
        try program.addEvent(CaseEvent(id: 4, kind: .tip, commune: c, date: d("2025-06-01")))
        var s = program.settings
        s.rules.add(rules)
        let updated = try program.updateSettings(s)
        #expect(try updated.read { try $0.event(id: 4) }?.deadline == d("2025-06-16"))
        #expect(try updated.overdue(.tip, in: .province(Self.province), on: d("2025-06-17")).map(\.id) == [4])
        #expect(try updated.overdue(.tip, in: .province(Self.province), on: d("2025-06-16")).isEmpty)
        #expect(try updated.verify().isConsistent)
    }

    /// Rules written before the lifecycle thresholds existed (fields 1–7) read with the defaults.
    @Test func olderRulesReadWithTheDefaultThresholds() throws {
        var custom = TermRules.national2021
        custom.tipDecisionDays = 15; custom.hotspotClearMonths = 1; custom.releasedPrisonerMonths = 6
        var w = RecordWriter(formatVersion: 1)
        custom.write(to: &w)
        // As TermRules.write wrote them before fields 8–11.
        var older = RecordWriter(formatVersion: 1)
        older.write(1, Int64(custom.effectiveFrom.rawValue)); older.write(2, custom.illegalUseMonths)
        older.write(3, custom.postRehabVoluntaryMonths); older.write(4, custom.postRehabMethadoneMonths)
        older.write(5, custom.postRehabCompulsoryAdultMonths); older.write(6, custom.postRehabCompulsoryMinorMonths)
        older.write(7, custom.releasedPrisonerMonths)
        func read(_ bytes: [UInt8]) throws -> TermRules {
            try bytes.withUnsafeBytes { raw in var r = try RecordReader(raw, recordType: "term rules"); return try TermRules.read(&r) }
        }
        let now = try read(w.bytes), before = try read(older.bytes)
        #expect(now == custom)
        #expect(before.releasedPrisonerMonths == 6 && before.tipDecisionDays == 20 && before.tipExtendedMonths == 2
                && before.tipSecondExtensionMonths == 2 && before.hotspotClearMonths == 2)
    }

    @Test(arguments: [UInt64(31), 32])
    func overdueListsAndCountsMatchABruteForce(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let store = try temporaryStore(ManualClock(d("2026-06-30")), name: "lifecycle\(seed)")
        let program = try ProgramTenant.create(in: store, name: "t", provinceCode: Self.province)
        let communes = Array(program.settings.communes.prefix(4).map(\.ref))
        var world: [RecordID: CaseEvent] = [:]
        func random(_ id: RecordID) -> CaseEvent {
            let kind: CaseEvent.Kind = [.tip, .tip, .hotspot, .drugCase].randomElement(using: &rng)!
            var e = CaseEvent(id: id, kind: kind, commune: communes.randomElement(using: &rng)!,
                              date: d("2024-01-01").adding(days: Int.random(in: 0..<800, using: &rng)))
            if kind == .tip { e.extensions = [0, 0, 0, 1, 2].randomElement(using: &rng)! }
            if Int.random(in: 0..<4, using: &rng) != 0 { e.resolvedDate = e.date.adding(days: Int.random(in: 0..<150, using: &rng)) }
            if kind == .tip, e.resolvedDate != nil { e.tipOutcome = [.prosecute, .notProsecute, .suspend].randomElement(using: &rng) }
            if kind == .hotspot, let old = world.values.filter({ $0.kind == .hotspot && $0.resolvedDate != nil }).randomElement(using: &rng),
               Bool.random(using: &rng) { e.reforms = old.id }
            return e
        }
        for id in RecordID(1)...RecordID(300) {
            let e = random(id)
            try program.addEvent(e)
            world[id] = e
        }
        try compare(program, world, communes, &rng, seed: seed, context: "loaded")
        // Decisions recorded later, extensions granted, events deleted.
        for step in 0..<80 {
            guard let id = world.keys.randomElement(using: &rng), var e = world[id] else { continue }
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: e.resolvedDate = e.date.adding(days: Int.random(in: 0..<200, using: &rng))
            case 1: e.resolvedDate = nil
            case 2: if e.kind == .tip { e.extensions = Int.random(in: 0...2, using: &rng) }
            default:
                #expect(try program.deleteEvent(id: id), "seed \(seed) step \(step)")
                world[id] = nil
                continue
            }
            try program.updateEvent(e)
            world[id] = e
        }
        try compare(program, world, communes, &rng, seed: seed, context: "after updates")
        #expect(try program.verify().isConsistent, "seed \(seed): the indexes differ from a rebuild")
    }

    func compare(_ program: ProgramTenant, _ world: [RecordID: CaseEvent], _ communes: [CommuneRef], _ rng: inout SplitMix64,
                 seed: UInt64, context: String) throws {
        let areas: [Area] = [.province(Self.province)] + communes.map { .commune($0) }
        var days = [d("2024-03-01"), d("2025-12-31")]
        for _ in 0..<25 { days.append(d("2024-01-01").adding(days: Int.random(in: 0..<1000, using: &rng))) }
        var ranges = [Period.year(2024).range(), Period.year(2025).range(), Period.quarter(year: 2025, quarter: 2).range()]
        for _ in 0..<5 {
            let a = d("2024-01-01").adding(days: Int.random(in: 0..<900, using: &rng))
            ranges.append(DayRange(a, a.adding(days: Int.random(in: 1..<300, using: &rng))))
        }
        try program.read { q in try check(q, world, areas: areas, days: days, ranges: ranges, seed: seed, context: context) }
    }

    func check(_ q: borrowing ProgramSnapshot, _ world: [RecordID: CaseEvent], areas: [Area], days: [Day], ranges: [DayRange],
               seed: UInt64, context: String) throws {
            for kind in [CaseEvent.Kind.tip, .hotspot] {
                let all = world.values.filter { $0.kind == kind }
                for area in areas {
                    let here = all.filter { $0.commune.path.starts(with: area.path) }
                    for day in days {
                        let late = here.filter { e in
                            let due = Self.due(e)!
                            return day > due && e.date <= day && (e.resolvedDate.map { day < $0 } ?? true)
                        }
                        var listed: [CaseEvent] = []
                        try q.overdue(kind, in: area, on: day) { listed.append($0); return true }
                        #expect(listed.map(\.id).sorted() == late.map(\.id).sorted(), "seed \(seed) \(context): overdue \(kind) \(area) \(day)")
                        #expect(listed.allSatisfy { $0.isOverdue(on: day) }, "seed \(seed) \(context): isOverdue \(day)")
                        #expect(try q.overdueCount(kind, in: area, on: day) == late.count, "seed \(seed) \(context): overdue count \(day)")
                        let open = here.filter { $0.date <= day && ($0.resolvedDate.map { day < $0 } ?? true) }.count
                        #expect(try q.openCount(kind, in: area, on: day) == open, "seed \(seed) \(context): open \(kind) \(area) \(day)")
                    }
                    for r in ranges {
                        let resolved = here.filter { $0.resolvedDate.map(r.contains) ?? false }
                        let expected = LifecycleCounts(
                            opened: here.filter { r.contains($0.date) }.count, resolved: resolved.count,
                            resolvedInTime: resolved.filter { $0.resolvedDate! <= Self.due($0)! }.count,
                            resolvedLate: resolved.filter { $0.resolvedDate! > Self.due($0)! }.count,
                            reformed: here.filter { r.contains($0.date) && $0.reforms != nil }.count)
                        #expect(try q.lifecycle(kind, in: area, during: r) == expected, "seed \(seed) \(context): \(kind) \(area) \(r)")
                    }
                }
            }
    }
}
