import HosoStore

/// The readings of the open points that change what an indicator counts (DOMAIN.md,
/// "Classifying communes"); a rule set carries its own (``RuleSet/readings``).
public struct IndicatorReadings: Sendable, Hashable {
    /// Persons are counted on the period's last day (`period_end`) or at any time in it (`any_time`).
    public var personsCounted: IndicatorDefinition.Counted = .periodEnd
    /// Persons in compulsory rehab count as "at large" (ngoài xã hội).
    public var compulsoryRehabAtLarge = false
    /// A hotspot cleared during the period still counts as existing in it.
    public var clearedHotspotsCount = true
    /// "Over N months" is strictly more than N months (else N months or more).
    public var minMonthsStrict = true

    /// The default readings.
    public init() {}

    /// Creates readings.
    public init(personsCounted: IndicatorDefinition.Counted, compulsoryRehabAtLarge: Bool, clearedHotspotsCount: Bool, minMonthsStrict: Bool) {
        self.personsCounted = personsCounted; self.compulsoryRehabAtLarge = compulsoryRehabAtLarge
        self.clearedHotspotsCount = clearedHotspotsCount; self.minMonthsStrict = minMonthsStrict
    }
}

/// The value of an indicator for an area and period: a row of the `indicators` table.
public struct IndicatorValue: Sendable, Hashable {
    /// The indicator's name.
    public var indicator: String
    /// The area (a commune or the province).
    public var area: Area
    /// The period.
    public var period: DayRange
    /// The day persons are counted on and events judged open on (the period's last day unless asked for another).
    public var day: Day
    /// The count, sum or expression value.
    public var numerator: Double
    /// The denominator of a ratio (population or another indicator).
    public var denominator: Double?
    /// `numerator / denominator` for a ratio, else the numerator; nil when the denominator is 0 or unknown.
    public var value: Double?
    /// Readings and missing data the value depends on (e.g. "persons counted on the period's last day").
    public var notes: [String]
    /// Which index answered.
    public var answeredBy: String
}

extension ProgramSnapshot {
    /// Evaluates indicator `name` of `set` for `area` over `period` from the indexes: persons
    /// from the dated flow and interval indexes, events from the dated count and sum indexes
    /// (or, with a filter or a resolution date, the events of the kind in each commune from the
    /// commune/kind/date index), status changes and lifecycles from their dated indexes,
    /// populations and officer inputs (`inputs`, read from the snapshot when nil) from the
    /// tenant's data.
    ///
    /// ```swift
    /// let set = try IndicatorSet.bundled()
    /// let v = try q.evaluate("new_addicts", in: set, area: .province(20), period: Period.year(2025).range())
    /// print(v.numerator)   // 0.0
    /// ```
    public func evaluate(_ name: String, in set: IndicatorSet, area: Area, period: DayRange, on day: Day? = nil,
                         readings: IndicatorReadings = IndicatorReadings(), inputs: CommuneInputs? = nil) throws -> IndicatorValue {
        guard let d = set[name] else {
            throw HosoError.invalidField(record: "indicator", field: "name", value: name,
                                         reason: "is not defined; known: \(set.definitions.map(\.name).joined(separator: ", "))")
        }
        let inputs = try inputs ?? CommuneInputs.stored(in: txn)
        return try evaluate(d, set, area, period, day ?? period.last ?? period.start, readings, inputs)
    }

    /// The officer inputs on this snapshot (pass them to ``evaluate(_:in:area:period:on:readings:inputs:)``
    /// when evaluating many indicators, so that they are read once).
    public func inputs() throws -> CommuneInputs { try CommuneInputs.stored(in: txn) }

    func evaluate(_ d: IndicatorDefinition, _ set: IndicatorSet, _ area: Area, _ period: DayRange, _ day: Day,
                  _ readings: IndicatorReadings, _ inputs: CommuneInputs) throws -> IndicatorValue {
        var notes: [String] = []
        var answeredBy = ""
        var numerator = 0.0
        let year = program.calendar.yearLabel(containing: period.last ?? period.start)
        switch d.source {
        case .personsOnDay:
            var statuses = d.statuses
            if d.atLarge {
                if readings.compulsoryRehabAtLarge { notes.append("compulsory rehab counted as at large") }
                else { statuses.removeAll { $0 == .compulsoryRehab }; notes.append("compulsory rehab not counted as at large") }
            }
            let counted = d.counted == .ruleSet ? readings.personsCounted : d.counted
            if let months = d.minMonths {
                let ids = try personIDs(statuses, in: [area], on: day)
                var n = 0
                for id in ids {
                    guard let p = try person(id: id) else { continue }
                    if Self.stretch(of: p, statuses: statuses, on: day, months: months, strict: readings.minMonthsStrict, noPositiveTest: d.noPositiveTest) { n += 1 }
                }
                numerator = Double(n)
                notes.append("counted on \(day)")
                notes.append(readings.minMonthsStrict ? "over \(months) months: strictly more" : "over \(months) months: \(months) months or more")
                answeredBy = "interval index person.status_interval on \(day), then the \(ids.count) files found"
            } else if counted == .anyTime {
                var ids = Set(try personIDs(statuses, in: [area], on: period.start))
                ids.formUnion(try personIDs(statuses, .start, in: [area], during: period))
                numerator = Double(ids.count)
                notes.append("persons counted at any time in the period")
                answeredBy = "interval index person.status_interval (on the first day, and entries during the period)"
            } else {
                for s in statuses { numerator += Double(try countPersons(s, in: area, on: day)) }
                notes.append("persons counted on \(day)")
                answeredBy = "dated count index \(ProgramKeys.flowIndex(for: area).name) up to \(day)"
            }
        case .personsEntering, .personsLeaving:
            let edge: IntervalEdge = d.source == .personsEntering ? .start : .end
            for s in d.statuses { numerator += Double(try countFlow(s, edge, in: area, during: period)) }
            answeredBy = "dated count index \(ProgramKeys.flowIndex(for: area).name) (\(edge == .start ? "entries" : "exits"))"
            if case .commune = area { notes.append(edge == .start ? "at commune level a move in is an entry" : "at commune level a move away is an exit") }
        case .statusChanges:
            let tally = try countStatusChanges(in: area, during: period)
            for st in d.statuses { for c in d.causes { numerator += Double(tally.count(st, d.direction, c)) } }
            answeredBy = "dated count index of status changes (\(d.direction.code): \(d.causes.map(\.code).joined(separator: ", ")))"
        case .lifecycle:
            let kind = d.kind!
            switch d.milestone {
            case .openOnDay:
                numerator = Double(try openCount(kind, in: area, on: day))
            case .overdueOnDay:
                numerator = Double(try overdueCount(kind, in: area, on: day))
            case .existing:
                if readings.clearedHotspotsCount {
                    numerator = Double(try openCount(kind, in: area, on: period.start.adding(days: -1)) + lifecycle(kind, in: area, during: period).opened)
                    notes.append("cleared during the period still counts")
                } else {
                    numerator = Double(try openCount(kind, in: area, on: day))
                    notes.append("counted if still open on \(day)")
                }
            default:
                let c = try lifecycle(kind, in: area, during: period)
                let n: Int = switch d.milestone {
                case .opened: c.opened
                case .resolved: c.resolved
                case .resolvedInTime: c.resolvedInTime
                case .resolvedLate: c.resolvedLate
                default: c.reformed
                }
                numerator = Double(n)
            }
            answeredBy = d.milestone == .overdueOnDay ? "interval index event.overdue on \(day)" : "dated count index event.lifecycle"
        case .events:
            let kind = d.kind!
            if d.answeredByCounts {
                switch d.aggregate {
                case .sum(let m):
                    numerator = Double(try sumEvents(m, kind: kind, in: area, during: period))
                    answeredBy = "dated sum index \(ProgramKeys.eventAmountIndex(for: area).name)"
                default:
                    numerator = Double(try countEvents(in: area, during: period)[kind] ?? 0)
                    answeredBy = "dated count index \(ProgramKeys.eventCountIndex(for: area).name)"
                }
            } else {
                let open = d.when == .existing && readings.clearedHotspotsCount
                if d.when == .existing { notes.append(open ? "cleared during the period still counts" : "counted if still open on \(day)") }
                let range = d.when == .inPeriod ? period : DayRange(Day(rawValue: Int32.min + 1), period.end)
                var total = 0, persons = Set<RecordID>()
                for c in program.communes(in: area) {
                    try events(kind, in: c, during: range) { e in
                        let pass: Bool
                        switch d.when {
                        case .inPeriod: pass = true
                        case .resolvedInPeriod: pass = e.resolvedDate.map(period.contains) ?? false
                        case .openOnDay: pass = e.date <= day && (e.resolvedDate.map { $0 > day } ?? true)
                        case .existing:
                            pass = open ? (e.resolvedDate.map { $0 >= period.start } ?? true)
                                        : e.date <= day && (e.resolvedDate.map { $0 > day } ?? true)
                        }
                        if pass && d.filter.allSatisfy({ $0.matches(e) }) {
                            switch d.aggregate {
                            case .count: total += 1
                            case .sum(let m): total += e.amount(m)
                            case .distinctPersons: persons.formUnion(e.personIDs)
                            }
                        }
                        return true
                    }
                }
                numerator = Double(d.aggregate == .distinctPersons ? persons.count : total)
                answeredBy = "index event.commune_kind_date (\(kind.code) events of each commune \(d.when == .inPeriod ? "in the period" : "up to \(day)"))"
            }
        case .expression:
            for t in d.terms {
                if let n = ProgramText.number(t.term) { numerator += Double(t.sign) * n; continue }
                let v = try evaluate(set[t.term]!, set, area, period, day, readings, inputs)
                numerator += Double(t.sign) * (v.value ?? 0)
                for n in v.notes where !notes.contains(n) { notes.append(n) }
            }
            answeredBy = "expression over " + d.references.joined(separator: ", ")
        case .population:
            let (n, missing) = population(area, year)
            numerator = Double(n)
            if !missing.isEmpty { notes.append("population \(year) not set for \(missing.count) commune(s)") }
            answeredBy = "tenant populations \(year)"
        case .input:
            let (n, missing) = inputs.sum(d.input!, communes: program.communes(in: area).map(\.commune), year: year)
            numerator = n
            if missing > 0 { notes.append("input \(d.input!) not recorded for \(missing) commune(s) in \(year): taken as 0") }
            answeredBy = "officer inputs \(year)"
        }
        var denominator: Double?
        var value: Double? = numerator
        switch d.per {
        case .population?:
            let (n, missing) = population(area, year)
            denominator = Double(n)
            if !missing.isEmpty { notes.append("population \(year) not set for \(missing.count) commune(s)"); value = nil }
            else { value = n > 0 ? numerator / Double(n) : nil }
        case .indicator(let other)?:
            let v = try evaluate(set[other]!, set, area, period, day, readings, inputs)
            denominator = v.value
            value = (v.value ?? 0) != 0 ? numerator / v.value! : nil
            for n in v.notes where !notes.contains(n) { notes.append(n) }
        case nil: break
        }
        return IndicatorValue(indicator: d.name, area: area, period: period, day: day, numerator: numerator,
                              denominator: denominator, value: value, notes: notes, answeredBy: answeredBy)
    }

    func population(_ area: Area, _ year: Int) -> (Int, [Int32]) {
        var n = 0
        var missing: [Int32] = []
        for c in program.communes(in: area) {
            if let p = program.settings.populations[year]?[c.commune] { n += p } else { missing.append(c.commune) }
        }
        return (n, missing)
    }

    /// Whether `p` has been in one of `statuses` without a break (moves included) for more than
    /// (`strict`) or at least `months` months on `day`, with no positive test in that stretch.
    static func stretch(of p: Person, statuses: [Status], on day: Day, months: Int, strict: Bool, noPositiveTest: Bool) -> Bool {
        guard var k = p.history.firstIndex(where: { $0.contains(day) && statuses.contains($0.status) }) else { return false }
        let status = p.history[k].status
        while k > 0, p.history[k - 1].status == status, p.history[k - 1].end == p.history[k].start { k -= 1 }
        let start = p.history[k].start
        let threshold = start.adding(months: months)
        guard strict ? threshold < day : threshold <= day else { return false }
        if noPositiveTest, p.events.contains(where: { $0.kind == .testResult && $0.outcome == .positive && $0.date >= start && $0.date <= day }) {
            return false
        }
        return true
    }
}
