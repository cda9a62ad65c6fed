import HosoStore

/// One criterion of a commune's classification: its value, threshold and verdict, and the
/// readings it used. A row of the `classification` table (with its commune, period and class).
public struct CriterionVerdict: Sendable, Hashable {
    /// The class the criterion belongs to.
    public var classCode: String
    /// `class.name`.
    public var criterion: String
    public var label: String
    /// The test as written (`addicts_and_users_share >= 0.5%`): the threshold.
    public var test: String
    /// The value of each operand, in test order (nil: a share of nothing).
    public var values: [(operand: String, value: Double?)]
    /// Whether the test holds.
    public var met: Bool
    /// The readings of the open points it used, and missing data.
    public var readings: [String]

    /// The first operand's value.
    public var value: Double? { values.first?.value ?? nil }

    public static func == (a: Self, b: Self) -> Bool {
        a.classCode == b.classCode && a.criterion == b.criterion && a.met == b.met && a.test == b.test
            && a.values.map(\.operand) == b.values.map(\.operand) && a.values.map(\.value) == b.values.map(\.value) && a.readings == b.readings
    }
    public func hash(into h: inout Hasher) { h.combine(criterion); h.combine(met) }
}

/// A commune's class for a period under a rule set, with every criterion's value and verdict.
public struct CommuneClassification: Sendable, Hashable {
    public var commune: CommuneEntry
    public var period: DayRange
    public var ruleSet: String
    /// The class code (`drug_free`, `has_drug_problems`, `key_complex`, `key_complex_1`…).
    public var classCode: String
    /// Why: the first class whose criteria held, or the no-trigger setting.
    public var reason: String
    /// Every criterion of every class, in rule-set order.
    public var criteria: [CriterionVerdict]
}

extension ProgramSnapshot {
    /// Classifies `commune` for `period` under `ruleSet`, evaluating the criteria's indicators of
    /// `indicators` from the indexes.
    ///
    /// ```swift
    /// let indicators = try IndicatorSet.bundled()
    /// let rules = try RuleBook.bundled(indicators: indicators)
    /// let c = try q.classify(program.settings.communes[0], period: Period.year(2025).range(), ruleSet: rules["hung-yen-2024"]!, indicators: indicators)
    /// print(c.classCode)   // has_drug_problems
    /// ```
    public func classify(_ commune: CommuneEntry, period: DayRange, ruleSet: RuleSet, indicators: IndicatorSet) throws -> CommuneClassification {
        let inputs = try CommuneInputs.stored(in: txn)
        return try classify(commune, period, ruleSet, indicators, inputs, cache: nil)
    }

    func classify(_ commune: CommuneEntry, _ period: DayRange, _ rs: RuleSet, _ indicators: IndicatorSet, _ inputs: CommuneInputs,
                  cache: [String: IndicatorValue]?) throws -> CommuneClassification {
        guard let last = period.last, rs.applies(toPeriodEnding: last) else {
            throw HosoError.invalidField(record: "classification", field: "period", value: period.description,
                                         reason: "rule set '\(rs.name)' applies to periods ending on or after \(rs.effectiveFrom)"
                                         + (rs.effectiveUntil.map { " and before \($0)" } ?? ""))
        }
        let year = program.calendar.yearLabel(containing: last)
        var values: [String: IndicatorValue] = cache ?? [:]
        func value(_ operand: String) throws -> (Double?, [String]) {
            if operand.hasPrefix("input.") {
                let name = String(operand.dropFirst(6))
                if let i = inputs.current(name, commune: commune.ref.commune, year: year) {
                    return (i.value, ["\(name) recorded by \(i.recordedBy) on \(i.recordedOn)"])
                }
                return (0, ["\(name) not recorded for \(year): taken as 0"])
            }
            if let v = values[operand] { return (v.value, v.notes) }
            let v = try evaluate(indicators[operand]!, indicators, .commune(commune.ref), period, last, rs.readings, inputs)
            values[operand] = v
            return (v.value, v.notes)
        }
        var verdicts: [CriterionVerdict] = []
        var chosen: (String, String)?
        for cls in rs.classes {
            var metCount = 0
            for c in cls.criteria {
                var pairs: [(operand: String, value: Double?)] = []
                var readings: [String] = []
                var met = false
                for conj in c.test {
                    var all = true
                    for t in conj {
                        let (v, notes) = try value(t.operand)
                        if !pairs.contains(where: { $0.operand == t.operand }) { pairs.append((t.operand, v)) }
                        for n in notes where !readings.contains(n) { readings.append(n) }
                        let holds: Bool
                        if v == nil, let missing = notes.first(where: { $0.hasPrefix("population") }) {
                            holds = false
                            let r = "\(missing): not met"
                            if !readings.contains(r) { readings.append(r) }
                        } else if let v {
                            if c.under, (t.op == .lt || t.op == .le), v == 0 {
                                holds = rs.underThresholdIncludesNone
                                let r = rs.underThresholdIncludesNone ? "under the threshold includes none" : "under the threshold excludes none"
                                if !readings.contains(r) { readings.append(r) }
                            } else {
                                holds = t.holds(v)
                            }
                        } else {
                            holds = rs.undefinedShareMet
                            let r = rs.undefinedShareMet ? "a share of nothing is met" : "a share of nothing is not met"
                            if !readings.contains(r) { readings.append(r) }
                        }
                        if !holds { all = false }
                    }
                    if all { met = true }
                }
                if met { metCount += 1 }
                verdicts.append(CriterionVerdict(classCode: cls.code, criterion: c.name, label: c.label, test: c.testText,
                                                 values: pairs, met: met, readings: readings))
            }
            let n = cls.criteria.count
            let holds: Bool
            var how: String
            switch cls.combine {
            case .all: holds = metCount == n; how = "all \(n) criteria"
            case .any: holds = metCount > 0; how = "any of \(n) criteria"
            case .atLeast(let k): holds = metCount >= k; how = "at least \(k) of \(n) criteria"
            case .bands:
                holds = rs.keyComplexBandsAll ? metCount == n : metCount > 0
                how = rs.keyComplexBandsAll ? "all \(n) bands (key_complex_bands = all)" : "any of \(n) bands (key_complex_bands = any)"
            }
            if holds && chosen == nil { chosen = (cls.code, "\(cls.code): \(metCount) met, needs \(how)") }
        }
        let (code, reason) = chosen ?? (rs.noTriggerClass, "no class held: no_trigger_class = \(rs.noTriggerClass)")
        return CommuneClassification(commune: commune, period: period, ruleSet: rs.name, classCode: code, reason: reason, criteria: verdicts)
    }

    /// Classifies every commune of the tenant for `period` under `ruleSet` (commune order).
    public func classifyAll(period: DayRange, ruleSet: RuleSet, indicators: IndicatorSet) throws -> [CommuneClassification] {
        let inputs = try CommuneInputs.stored(in: txn)
        return try program.settings.communes.map { try classify($0, period, ruleSet, indicators, inputs, cache: nil) }
    }
}
