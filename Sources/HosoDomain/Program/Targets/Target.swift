import HosoStore

/// A target of a plan as data (DOMAIN.md, "Targets the plans track"): how many communes reach
/// a class, or a bound on an indicator or on its growth, for a period.
///
/// ```text
/// [target lang-son-2026]
/// province = 20
/// kind = communes_in_class
/// rule_set = qd28-2025
/// class = drug_free
/// year = 2026
/// target = 17
/// ```
///
/// Kinds: `communes_in_class` (`rule_set`, `class`, optionally `communes` = codes; `target` a
/// count or a share such as `20%`), `indicator` (`indicator`, `op`, `target`; `commune` for one
/// commune, else the whole tenant) and `growth` (the indicator's change on the previous year,
/// `op`, `target` such as `1%`). The period is `year` (the tenant's reporting year) or `from` …
/// `through`. `province` limits a bundled target to the tenants of that province.
public struct Target: Sendable, Hashable {
    /// Kinds of target.
    public enum Kind: String, Sendable, CaseIterable { case communesInClass = "communes_in_class", indicator, growth }

    public var name: String
    public var label: String
    public var kind: Kind
    /// The province whose tenants the target applies to (nil: any).
    public var province: Int32?
    /// The reporting year, or nil when ``from`` / ``through`` give the period.
    public var year: Int?
    public var from: Day?
    public var through: Day?
    /// `communes_in_class`: the rule set and class.
    public var ruleSet: String?
    public var classCode: String?
    /// `communes_in_class`: the communes named by the plan (empty: all).
    public var communes: [Int32] = []
    /// `indicator`, `growth`: the indicator, and the commune (nil: the tenant's area).
    public var indicator: String?
    public var commune: Int32?
    /// The comparison (`>=` for communes_in_class).
    public var op: RuleSet.Term.Op = .ge
    /// The threshold, and how it was written (`16`, `20%`).
    public var threshold: Double
    public var written: String

    /// The period in `calendar`.
    public func period(in calendar: ReportingCalendar) -> DayRange {
        if let year { return calendar.year(year) }
        return DayRange(from: from!, through: through!)
    }

    /// Whether the target applies to a tenant of `province`.
    public func applies(toProvince p: Int32?) -> Bool { province == nil || province == p }
}

/// Targets of a tenant (bundled ones and its own).
public struct TargetBook: Sendable, Hashable {
    public private(set) var targets: [Target]

    /// Creates a book.
    public init(_ targets: [Target] = []) { self.targets = targets }

    public subscript(name: String) -> Target? { targets.first { $0.name == name } }

    /// Adds or replaces targets by name.
    public func merging(_ other: TargetBook) -> TargetBook {
        var out = self
        for t in other.targets {
            if let i = out.targets.firstIndex(where: { $0.name == t.name }) { out.targets[i] = t } else { out.targets.append(t) }
        }
        return out
    }

    /// The bundled targets of the plans (`Resources/targets.hoso`).
    public static func bundled(indicators: IndicatorSet, rules: RuleBook) throws(ProgramFileError) -> TargetBook {
        try parse(try ProgramText.bundled("targets.hoso"), file: "targets.hoso", indicators: indicators, rules: rules)
    }

    /// Parses `[target name]` blocks, checking indicators, rule sets and classes exist.
    public static func parse(_ text: String, file: String, indicators: IndicatorSet, rules: RuleBook) throws(ProgramFileError) -> TargetBook {
        var book = TargetBook()
        for st in try ProgramText.parse(text, file: file) {
            var r = StanzaReader(st, file: file)
            guard st.kind == "target" else { throw r.error(nil, "a target file holds [target name] blocks, not [\(st.kind) …]") }
            guard book[st.name] == nil else { throw r.error(nil, "target '\(st.name)' is defined twice") }
            _ = try r.required("kind"); _ = try r.required("target")
            let kind = try r.choice("kind", Target.Kind.allCases.map { ($0.rawValue, $0) })!
            let written = r.optional("target")!
            guard let threshold = ProgramText.number(written) else { throw r.error("target", "'\(written)' is not a number (16, 20%)") }
            var t = Target(name: st.name, label: r.optional("label") ?? st.name, kind: kind, threshold: threshold, written: written)
            t.province = try r.int("province").map(Int32.init)
            t.year = try r.int("year")
            t.from = try r.day("from"); t.through = try r.day("through")
            if t.year == nil {
                guard let f = t.from, let th = t.through else { throw r.error("year", "give 'year = YYYY' or both 'from' and 'through'") }
                guard f <= th else { throw r.error("through", "is before 'from'") }
            } else if t.from != nil || t.through != nil { throw r.error("from", "give either 'year' or 'from' and 'through', not both") }
            t.op = try r.choice("op", RuleSet.Term.Op.allCases.map { ($0.rawValue, $0) }) ?? .ge
            switch kind {
            case .communesInClass:
                let rsName = try r.required("rule_set")
                guard let rs = rules[rsName] else { throw r.error("rule_set", "'\(rsName)' is not a rule set; known: \(rules.ruleSets.map(\.name).joined(separator: ", "))") }
                let cls = try r.required("class")
                guard rs.classes.contains(where: { $0.code == cls }) || rs.noTriggerClass == cls else {
                    throw r.error("class", "'\(cls)' is not a class of rule set '\(rsName)' (\(rs.classes.map(\.code).joined(separator: ", ")))")
                }
                t.ruleSet = rsName; t.classCode = cls
                if let list = r.optional("communes") {
                    for c in r.list(list) {
                        guard let n = Int32(c) else { throw r.error("communes", "'\(c)' is not a commune code") }
                        t.communes.append(n)
                    }
                }
                for key in ["indicator", "commune"] where st.fields.contains(where: { $0.key == key }) {
                    throw r.error(key, "a communes_in_class target counts communes; it takes no \(key)")
                }
            case .indicator, .growth:
                let ind = try r.required("indicator")
                guard indicators[ind] != nil else { throw r.error("indicator", "'\(ind)' is not an indicator of the tenant's set") }
                t.indicator = ind
                t.commune = try r.int("commune").map(Int32.init)
                for key in ["rule_set", "class", "communes"] where st.fields.contains(where: { $0.key == key }) {
                    throw r.error(key, "an \(kind.rawValue) target takes no \(key)")
                }
            }
            try r.finish()
            book.targets.append(t)
        }
        return book
    }

    /// The file text (``parse(_:file:indicators:rules:)`` reads it back to an equal book).
    public func write() -> String {
        ProgramText.write(targets.map { t in
            var f: [(key: String, value: String, line: Int)] = [("label", t.label, 0), ("kind", t.kind.rawValue, 0)]
            if let p = t.province { f.append(("province", String(p), 0)) }
            if let y = t.year { f.append(("year", String(y), 0)) }
            if let d = t.from { f.append(("from", d.description, 0)) }
            if let d = t.through { f.append(("through", d.description, 0)) }
            if let v = t.ruleSet { f.append(("rule_set", v, 0)) }
            if let v = t.classCode { f.append(("class", v, 0)) }
            if !t.communes.isEmpty { f.append(("communes", t.communes.map(String.init).joined(separator: ", "), 0)) }
            if let v = t.indicator { f.append(("indicator", v, 0)) }
            if let v = t.commune { f.append(("commune", String(v), 0)) }
            f.append(("op", t.op.rawValue, 0))
            f.append(("target", t.written, 0))
            return ProgramStanza(kind: "target", name: t.name, fields: f)
        }, header: "Hoso targets: [target name] blocks.")
    }
}

/// A commune that holds a target back, with its figure.
public struct HoldBack: Sendable, Hashable {
    public var commune: CommuneEntry
    /// Its value (the indicator, its growth, or the number of unmet criteria of the class).
    public var value: Double?
    /// What is missing (`3 criteria of drug_free not met: no_hotspot, …`).
    public var detail: String
}

/// A target's progress for its period: a row of the `targets` table.
public struct TargetProgress: Sendable, Hashable {
    public var target: Target
    public var period: DayRange
    /// The value reached (communes in the class, share, indicator value, growth).
    public var value: Double?
    /// Whether it meets the target.
    public var met: Bool
    /// The communes that hold it back, nearest to meeting first.
    public var holdingBack: [HoldBack]
    /// How the value was counted.
    public var detail: String
}

extension ProgramSnapshot {
    /// The progress of `target` on the tenant's data.
    ///
    /// ```swift
    /// let indicators = try IndicatorSet.bundled()
    /// let rules = try RuleBook.bundled(indicators: indicators)
    /// let targets = try TargetBook.bundled(indicators: indicators, rules: rules)
    /// let p = try q.progress(of: targets["lang-son-2025"]!, indicators: indicators, rules: rules)
    /// print(p.met, p.holdingBack.count)   // false 16
    /// ```
    public func progress(of t: Target, indicators: IndicatorSet, rules: RuleBook) throws -> TargetProgress {
        var p = try progressOnData(of: t, indicators: indicators, rules: rules)
        let today = try txn.today()
        if p.period.start > today { p.detail += "; the period has not started (today is \(today)): no data yet" }
        else if p.period.end > today { p.detail += "; the period is under way: data up to \(today)" }
        return p
    }

    func progressOnData(of t: Target, indicators: IndicatorSet, rules: RuleBook) throws -> TargetProgress {
        let period = t.period(in: program.calendar)
        let inputs = try CommuneInputs.stored(in: txn)
        let test = RuleSet.Term(operand: t.indicator ?? "communes", op: t.op, threshold: t.threshold, written: t.written)
        switch t.kind {
        case .communesInClass:
            let rs = rules[t.ruleSet!]!
            let entries = t.communes.isEmpty ? program.settings.communes : t.communes.compactMap { program.commune(code: $0) }
            var inClass = 0
            var back: [HoldBack] = []
            for e in entries {
                if let b = try inClassHoldBack(t, e, period, rs, indicators, inputs) { back.append(b) } else { inClass += 1 }
            }
            let missing = t.communes.filter { program.commune(code: $0) == nil }
            let share = t.written.hasSuffix("%")
            let value = share ? Double(inClass) / Double(max(program.settings.communes.count, 1)) : Double(inClass)
            back.sort { ($0.value ?? 0, $0.commune.name) < ($1.value ?? 0, $1.commune.name) }
            var detail = "\(inClass) of \(entries.count) \(t.communes.isEmpty ? "communes" : "named communes") \(t.classCode!) under \(rs.name)"
            if !missing.isEmpty { detail += "; not communes of the tenant: \(missing.map(String.init).joined(separator: ", "))" }
            return TargetProgress(target: t, period: period, value: value, met: test.holds(value) && missing.isEmpty, holdingBack: back, detail: detail)
        case .indicator, .growth:
            let d = indicators[t.indicator!]!
            let area: Area
            if let c = t.commune {
                guard let e = program.commune(code: c) else {
                    return TargetProgress(target: t, period: period, value: nil, met: false, holdingBack: [],
                                          detail: "commune \(c) is not a commune of the tenant")
                }
                area = .commune(e.ref)
            } else if let p = program.settings.province {
                area = .province(p)
            } else {
                return TargetProgress(target: t, period: period, value: nil, met: false, holdingBack: [], detail: "the tenant spans several provinces")
            }
            let previous = DayRange(period.start.adding(years: -1), period.end.adding(years: -1))
            let value = try figure(d, t.kind == .growth, indicators, area, period, previous, inputs)
            var back: [HoldBack] = []
            let communes: [CommuneEntry] = { if case .commune(let r) = area { return program.commune(code: r.commune).map { [$0] } ?? [] }; return program.settings.communes }()
            let bound = t.op == .le || t.op == .lt
            for e in communes {
                if let b = try indicatorHoldBack(t, e, d, test, period, previous, indicators, inputs) { back.append(b) }
            }
            back.sort { bound ? ($0.value ?? 0) > ($1.value ?? 0) : ($0.value ?? 0) < ($1.value ?? 0) }
            let met = value.map(test.holds) ?? false
            let detail = t.kind == .growth ? "\(t.indicator!) change on \(previous)" : "\(t.indicator!) in \(area)"
            return TargetProgress(target: t, period: period, value: value, met: met, holdingBack: back, detail: detail)
        }
    }

    /// Whether commune `e` holds target `t` back (it is among ``TargetProgress/holdingBack``),
    /// judged from that commune's figures alone: what a commune's report shows to an officer,
    /// who does not read the other communes the target's progress counts. `nil` when the target
    /// does not concern the commune.
    ///
    /// ```swift
    /// let indicators = try IndicatorSet.bundled()
    /// let rules = try RuleBook.bundled(indicators: indicators)
    /// let targets = try TargetBook.bundled(indicators: indicators, rules: rules)
    /// let target = targets["lang-son-2025"]!
    /// let named = program.commune(code: target.communes[0])!
    /// print(try q.holdsBack(target, commune: named, indicators: indicators, rules: rules) ?? false)   // true
    /// ```
    public func holdsBack(_ t: Target, commune e: CommuneEntry, indicators: IndicatorSet, rules: RuleBook) throws -> Bool? {
        let period = t.period(in: program.calendar)
        let inputs = try CommuneInputs.stored(in: txn)
        switch t.kind {
        case .communesInClass:
            guard t.communes.isEmpty || t.communes.contains(e.ref.commune) else { return nil }
            return try inClassHoldBack(t, e, period, rules[t.ruleSet!]!, indicators, inputs) != nil
        case .indicator, .growth:
            if let c = t.commune, c != e.ref.commune { return nil }
            let test = RuleSet.Term(operand: t.indicator ?? "communes", op: t.op, threshold: t.threshold, written: t.written)
            let previous = DayRange(period.start.adding(years: -1), period.end.adding(years: -1))
            return try indicatorHoldBack(t, e, indicators[t.indicator!]!, test, period, previous, indicators, inputs) != nil
        }
    }

    /// The hold-back of commune `e` on a communes-in-class target, nil when it is in the class.
    func inClassHoldBack(_ t: Target, _ e: CommuneEntry, _ period: DayRange, _ rs: RuleSet, _ indicators: IndicatorSet,
                         _ inputs: CommuneInputs) throws -> HoldBack? {
        let c = try classify(e, period, rs, indicators, inputs, cache: nil)
        if c.classCode == t.classCode { return nil }
        let unmet = c.criteria.filter { $0.classCode == t.classCode && !$0.met }
        return HoldBack(commune: e, value: Double(unmet.count),
                        detail: "\(c.classCode); \(t.classCode!) criteria not met: " + unmet.map { $0.criterion.split(separator: ".").last.map(String.init) ?? $0.criterion }.joined(separator: ", "))
    }

    /// The hold-back of commune `e` on an indicator or growth target, nil when it does not fail it.
    func indicatorHoldBack(_ t: Target, _ e: CommuneEntry, _ d: IndicatorDefinition, _ test: RuleSet.Term, _ period: DayRange, _ previous: DayRange,
                           _ indicators: IndicatorSet, _ inputs: CommuneInputs) throws -> HoldBack? {
        guard let v = try figure(d, t.kind == .growth, indicators, .commune(e.ref), period, previous, inputs) else { return nil }
        let bound = t.op == .le || t.op == .lt
        let fails = d.per != nil || t.kind == .growth || t.commune != nil ? !test.holds(v) : bound && v > 0
        return fails ? HoldBack(commune: e, value: v, detail: "\(t.indicator!) \(t.kind == .growth ? "growth " : "")= \(ProgramText.format(v))") : nil
    }

    /// The indicator's value in `area` for `period`, or its growth on `previous`.
    func figure(_ d: IndicatorDefinition, _ growth: Bool, _ indicators: IndicatorSet, _ area: Area, _ period: DayRange,
                _ previous: DayRange, _ inputs: CommuneInputs) throws -> Double? {
        let now = try evaluate(d, indicators, area, period, period.last!, IndicatorReadings(), inputs).value
        guard growth else { return now }
        guard let now, let before = try evaluate(d, indicators, area, previous, previous.last!, IndicatorReadings(), inputs).value,
              before != 0 else { return nil }
        return (now - before) / before
    }
}
