import Foundation
@testable import HosoDomain
import HosoStore

/// A brute force over the generated records (every person's history and status changes, every
/// event), independent of the indexes: what each indicator, class and target should be.
struct IndicatorOracle {
    let set: IndicatorSet
    let program: ProgramTenant
    let inputs: CommuneInputs
    let allPersons: [Person]
    let allEvents: [CaseEvent]
    /// Persons with an interval or a change in a commune, and events of a commune, by code.
    let personsIn: [Int32: [Person]]
    let eventsIn: [Int32: [CaseEvent]]
    final class Memo { var values: [String: Double?] = [:] }
    let memo = Memo()

    init(program: ProgramTenant) throws {
        self.program = program
        set = try program.indicators()
        inputs = try program.inputs()
        var ps: [Person] = [], es: [CaseEvent] = []
        try program.read { q in
            try q.allPersons { ps.append($0); return true }
            try q.allEvents { es.append($0); return true }
        }
        allPersons = ps; allEvents = es
        var pi: [Int32: [Person]] = [:], ei: [Int32: [CaseEvent]] = [:]
        for p in ps {
            for c in Set(p.history.map(\.commune.commune) + p.statusChanges.map(\.commune.commune)) { pi[c, default: []].append(p) }
        }
        for e in es { ei[e.commune.commune, default: []].append(e) }
        personsIn = pi; eventsIn = ei
    }

    static func inArea(_ c: CommuneRef, _ a: Area) -> Bool { c.path.starts(with: a.path) }

    func communes(_ a: Area) -> [CommuneRef] { program.settings.communes.map(\.ref).filter { Self.inArea($0, a) } }

    func year(_ period: DayRange) -> Int { program.calendar.yearLabel(containing: period.last!) }

    /// The indicator's value (nil: a ratio over nothing or an unknown population).
    func value(_ name: String, _ area: Area, _ period: DayRange, _ r: IndicatorReadings) -> Double? {
        let key = "\(name)|\(area)|\(period)|\(r)"
        if let v = memo.values[key] { return v }
        let v = compute(name, area, period, r)
        memo.values[key] = v
        return v
    }

    func compute(_ name: String, _ area: Area, _ period: DayRange, _ r: IndicatorReadings) -> Double? {
        let d = set[name]!
        let persons: [Person], events: [CaseEvent]
        if case .commune(let c) = area { persons = personsIn[c.commune] ?? []; events = eventsIn[c.commune] ?? [] }
        else { persons = allPersons; events = allEvents }
        let day = period.last!
        var n = 0.0
        switch d.source {
        case .personsOnDay:
            var sts = Set(d.statuses)
            if d.atLarge && !r.compulsoryRehabAtLarge { sts.remove(.compulsoryRehab) }
            let counted = d.counted == .ruleSet ? r.personsCounted : d.counted
            for p in persons {
                if let m = d.minMonths {
                    guard let k = p.history.indices.first(where: { p.history[$0].contains(day) && sts.contains(p.history[$0].status)
                        && Self.inArea(p.history[$0].commune, area) }) else { continue }
                    var first = k
                    while first > 0 && p.history[first - 1].status == p.history[k].status && p.history[first - 1].end == p.history[first].start { first -= 1 }
                    let start = p.history[first].start
                    var months = 0
                    while start.adding(months: months + 1) <= day { months += 1 }
                    let exact = start.adding(months: months) == day
                    let long = r.minMonthsStrict ? (months > m || (months == m && !exact)) : months >= m
                    let positive = p.events.contains { $0.kind == .testResult && $0.outcome == .positive && $0.date >= start && $0.date <= day }
                    if long && !(d.noPositiveTest && positive) { n += 1 }
                } else if counted == .anyTime {
                    if p.history.contains(where: { sts.contains($0.status) && Self.inArea($0.commune, area)
                        && $0.start < period.end && ($0.end.map { $0 > period.start } ?? true) }) { n += 1 }
                } else {
                    n += Double(p.history.filter { sts.contains($0.status) && Self.inArea($0.commune, area) && $0.contains(day) }.count)
                }
            }
        case .personsEntering, .personsLeaving:
            let depth = area.path.count
            for p in persons {
                for (k, i) in p.history.enumerated() where d.statuses.contains(i.status) && Self.inArea(i.commune, area) {
                    if d.source == .personsEntering {
                        guard period.contains(i.start) else { continue }
                        if k > 0, p.history[k - 1].end == i.start, p.history[k - 1].status == i.status,
                           p.history[k - 1].commune.path.prefix(depth) == i.commune.path.prefix(depth) { continue }
                        n += 1
                    } else {
                        guard let end = i.end, period.contains(end) else { continue }
                        if k + 1 < p.history.count, p.history[k + 1].start == end, p.history[k + 1].status == i.status,
                           p.history[k + 1].commune.path.prefix(depth) == i.commune.path.prefix(depth) { continue }
                        n += 1
                    }
                }
            }
        case .statusChanges:
            for p in persons {
                for c in p.statusChanges where period.contains(c.date) && Self.inArea(c.commune, area) && c.counts(atDepth: area.path.count)
                    && d.statuses.contains(c.status) && c.direction == d.direction && d.causes.contains(c.cause) { n += 1 }
            }
        case .lifecycle:
            for e in events where e.kind == d.kind && Self.inArea(e.commune, area) {
                let resolvedIn = e.resolvedDate.map(period.contains) ?? false
                let openOn = e.date <= day && (e.resolvedDate.map { $0 > day } ?? true)
                let hit: Bool = switch d.milestone {
                case .opened: period.contains(e.date)
                case .resolved: resolvedIn
                case .resolvedInTime: resolvedIn && e.resolvedDate! <= e.deadline!
                case .resolvedLate: resolvedIn && e.resolvedDate! > e.deadline!
                case .reformed: period.contains(e.date) && e.reforms != nil
                case .openOnDay: openOn
                case .overdueOnDay: openOn && e.deadline! < day
                case .existing: r.clearedHotspotsCount ? e.date <= day && (e.resolvedDate.map { $0 >= period.start } ?? true) : openOn
                }
                if hit { n += 1 }
            }
        case .events:
            var ids = Set<RecordID>()
            for e in events where e.kind == d.kind && Self.inArea(e.commune, area) {
                let openOn = e.date <= day && (e.resolvedDate.map { $0 > day } ?? true)
                let when: Bool = switch d.when {
                case .inPeriod: period.contains(e.date)
                case .resolvedInPeriod: e.date <= day && (e.resolvedDate.map(period.contains) ?? false)
                case .openOnDay: openOn
                case .existing: r.clearedHotspotsCount ? e.date <= day && (e.resolvedDate.map { $0 >= period.start } ?? true) : openOn
                }
                guard when, d.filter.allSatisfy({ Self.passes(e, $0) }) else { continue }
                switch d.aggregate {
                case .count: n += 1
                case .sum(let m): n += Double(m == .arrested ? e.arrested : m == .areaM2 ? e.areaM2 : m == .plants ? e.plants : e.quantity)
                case .distinctPersons: ids.formUnion(e.personIDs)
                }
            }
            if d.aggregate == .distinctPersons { n = Double(ids.count) }
        case .expression:
            for t in d.terms { n += Double(t.sign) * (Double(t.term) ?? value(t.term, area, period, r) ?? 0) }
        case .population:
            n = Double(communes(area).compactMap { program.settings.populations[year(period)]?[$0.commune] }.reduce(0, +))
        case .input:
            n = communes(area).compactMap { inputs.current(d.input!, commune: $0.commune, year: year(period))?.value }.reduce(0, +)
        }
        switch d.per {
        case nil: return n
        case .population?:
            let pops = communes(area).map { program.settings.populations[year(period)]?[$0.commune] }
            guard !pops.contains(where: { $0 == nil }) else { return nil }
            let total = pops.map { $0! }.reduce(0, +)
            return total > 0 ? n / Double(total) : nil
        case .indicator(let other)?:
            guard let den = value(other, area, period, r), den != 0 else { return nil }
            return n / den
        }
    }

    /// An event filter term, written out again from the file's meaning.
    static func passes(_ e: CaseEvent, _ f: IndicatorDefinition.Filter) -> Bool {
        let text: String?
        switch f.field {
        case .article: text = e.offenceArticle.map(String.init)
        case .stage: text = e.stage?.code
        case .outcome: text = e.tipOutcome?.code
        case .mobileTrial: text = e.mobileTrial ? "yes" : "no"
        case .resolvedDays: text = e.resolvedDate.map { String($0.rawValue - e.date.rawValue) }
        }
        switch f.op {
        case .eq, .isIn: return text.map(f.values.contains) ?? false
        case .ne: return !(text.map(f.values.contains) ?? false)
        default:
            guard let t = text, let v = Double(t), let bound = Double(f.values[0]) else { return false }
            switch f.op {
            case .le: return v <= bound
            case .lt: return v < bound
            case .ge: return v >= bound
            default: return v > bound
            }
        }
    }

    /// A criterion's verdict and a class, from the rule set's text.
    func classify(_ commune: CommuneEntry, _ period: DayRange, _ rs: RuleSet) -> (String, [String: Bool]) {
        var verdicts: [String: Bool] = [:]
        var chosen: String?
        for cls in rs.classes {
            var met = 0
            for c in cls.criteria {
                let ok = c.test.contains { conj in
                    conj.allSatisfy { t in
                        let v: Double?
                        if t.operand.hasPrefix("input.") {
                            v = inputs.current(String(t.operand.dropFirst(6)), commune: commune.ref.commune, year: year(period))?.value ?? 0
                        } else { v = value(t.operand, .commune(commune.ref), period, rs.readings) }
                        if v == nil, t.operand != "input", set[t.operand]?.per == .population || set[t.operand]?.source == .population,
                           communes(.commune(commune.ref)).contains(where: { program.settings.populations[year(period)]?[$0.commune] == nil }) { return false }
                        guard let v else { return rs.undefinedShareMet }
                        if c.under && (t.op == .lt || t.op == .le) && v == 0 { return rs.underThresholdIncludesNone }
                        switch t.op {
                        case .eq: return abs(v - t.threshold) < 1e-9
                        case .ne: return abs(v - t.threshold) >= 1e-9
                        case .lt: return v < t.threshold - 1e-9
                        case .le: return v <= t.threshold + 1e-9
                        case .gt: return v > t.threshold + 1e-9
                        case .ge: return v >= t.threshold - 1e-9
                        }
                    }
                }
                verdicts[c.name] = ok
                if ok { met += 1 }
            }
            let holds: Bool = switch cls.combine {
            case .all: met == cls.criteria.count
            case .any: met > 0
            case .atLeast(let k): met >= k
            case .bands: rs.keyComplexBandsAll ? met == cls.criteria.count : met > 0
            }
            if holds && chosen == nil { chosen = cls.code }
        }
        return (chosen ?? rs.noTriggerClass, verdicts)
    }
}
