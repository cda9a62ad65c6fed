import HosoDomain

// The program as SQL tables: indicator values, classifications and their criteria, target
// progress. Each row is what the domain's program API answers (ProgramSnapshot.evaluate,
// classify, progress), read on the statement's snapshot.

extension SQLTables {
    /// The period an `=` constraint on `period` names, parsed in the tenant's calendar; an error
    /// naming the table and column when it is missing or not a period.
    static func period(_ r: VirtualRequest, table: String, _ scope: SQLScope) throws -> (label: String, range: DayRange) {
        let example = "add WHERE period = '2025' (a reporting year; or '2025-H1', '2025-Q3', '2025-06', 'first..last')"
        guard r.access != nil, let v = r.equal("period") else {
            throw QueryError("\(table) needs its period: \(example)", location: nil)
        }
        let text: String
        switch v {
        case .text(let s): text = s
        case .int(let year): text = String(year)   // period = 2025 (the column's TEXT affinity makes it '2025')
        default: throw QueryError("\(table).period = \(v): a period is text: \(example)", location: nil)
        }
        do { return (text, try Period.parse(text).range(in: scope.context.calendar)) } catch {
            throw QueryError("\(table).period = '\(text)': \(error)", location: nil)
        }
    }

    /// The label of a target's period: its reporting year, or `first..last`.
    static func periodLabel(_ t: Target, _ range: DayRange) -> String {
        t.year.map(String.init) ?? Period.span(range).description
    }

    static func real(_ v: Double?) -> Value { v.map { .real($0) } ?? .null }

    /// The province row's commune name in the `indicators` table.
    public static let provinceName = "(province)"

    // MARK: indicators

    /// One row per indicator, area (each commune and the province) and period.
    public static let indicators = VirtualTable("indicators", "one row per indicator, commune (and the province) and period (needs WHERE period = '2025')", columns: [
        VirtualColumn<(IndicatorValue, String, String)>("name", .text, "indicator name") { r, _ in .text(r.0.indicator) },
        VirtualColumn("label", .text, "what it counts") { r, _ in .text(r.1) },
        VirtualColumn("level", .text, "commune or province") { r, _ in
            if case .commune = r.0.area { return .text("commune") }
            return .text("province")
        },
        VirtualColumn("commune", .integer, "commune code (NULL on the province row)") { r, _ in
            if case .commune(let c) = r.0.area { return .int(Int64(c.commune)) }
            return .null
        },
        VirtualColumn("commune_name", .text, "its name ('(province)' on the province row)") { r, s in
            if case .commune(let c) = r.0.area { return name(c, s) }
            return .text(provinceName)
        },
        VirtualColumn("period", .text, "the period asked for ('2025', '2025-H1', '2025-Q3', '2025-06', 'first..last'; the tenant's calendar)") { r, _ in .text(r.2) },
        VirtualColumn("first_day", .text, "the period's first day") { r, _ in .text(r.0.period.start.description) },
        VirtualColumn("last_day", .text, "its last day") { r, _ in SQLScope.text(r.0.period.last) },
        VirtualColumn("counted_on", .text, "the day persons are counted on and events judged open") { r, _ in .text(r.0.day.description) },
        VirtualColumn("value", .real, "numerator / denominator for a ratio, else the numerator (NULL: denominator 0 or unknown)") { r, _ in real(r.0.value) },
        VirtualColumn("numerator", .real, "the count, sum or expression value") { r, _ in .real(r.0.numerator) },
        VirtualColumn("denominator", .real, "the denominator of a ratio (NULL otherwise)") { r, _ in real(r.0.denominator) },
        VirtualColumn("answered_by", .text, "which index answered") { r, _ in text(r.0.answeredBy) },
        VirtualColumn("notes", .text, "readings and missing data the value depends on, '; '-separated") { r, _ in text(r.0.notes.joined(separator: "; ")) },
    ], accesses: [
        VirtualAccess("program.indicators", keys: [.init("period"), .init("name", required: false), .init("commune", required: false)]) { n, used, s in
            n / 100 / (used["name"] != nil ? 40 : 1) / (used["commune"] != nil ? communeCount(s) : 1)
        },
    ], scanOrder: nil, rowCount: { _, s in (communeCount(s) + 1) * 40 * 100 }) { r, q, scope, body in
        let (label, range) = try period(r, table: "indicators", scope)
        let set = try scope.context.program.indicators()
        var names = set.definitions.map(\.name)
        if let n = r.equalText("name") { names = names.filter { $0 == n } }
        var areas: [Area] = scope.context.communes.entries.map { .commune($0.ref) }
        if r.equal("commune") != nil {
            areas = commune(r, code: "commune", name: "commune_name", scope)?.map { .commune($0) } ?? []
        } else if let p = scope.context.program.province {
            areas.append(.province(p))
        }
        let inputs = try q.inputs()
        for n in names {
            let def = set[n]!
            for a in areas {
                try Interruption.check()
                guard try body((try q.evaluate(n, in: set, area: a, period: range, inputs: inputs), def.label, label)) else { return }
            }
        }
    }

    // MARK: classification

    /// The classification's rule sets a request asks for, in rule-book order: the one named by
    /// `rule_set = …` (an error when unknown or not in force for the period), else every rule
    /// set in force for the period.
    static func ruleSets(_ r: VirtualRequest, _ range: DayRange, table: String, _ scope: SQLScope) throws -> [RuleSet] {
        let book = try scope.context.program.ruleBook()
        guard let last = range.last else { return [] }
        if let name = r.equalText("rule_set") {
            guard let rs = book[name] else {
                throw QueryError("\(table).rule_set = '\(name)' is not a rule set of the tenant; known: \(book.ruleSets.map(\.name).joined(separator: ", "))", location: nil)
            }
            guard rs.applies(toPeriodEnding: last) else {
                throw QueryError("\(table).rule_set = '\(name)' applies to periods ending on or after \(rs.effectiveFrom)"
                                 + (rs.effectiveUntil.map { " and before \($0)" } ?? "") + "; the period ends on \(last)", location: nil)
            }
            return [rs]
        }
        return book.ruleSets.filter { $0.applies(toPeriodEnding: last) }
    }

    /// The classifications a request asks for (rule sets, then communes in the tenant's order).
    static func classifications(_ r: VirtualRequest, _ q: borrowing ProgramSnapshot, table: String, _ scope: SQLScope,
                                _ body: ((CommuneClassification, String)) throws -> Bool) throws {
        let (label, range) = try period(r, table: table, scope)
        let set = try scope.context.program.indicators()
        var communes = scope.context.program.settings.communes
        if r.equal("commune") != nil || r.equal("commune_name") != nil {
            let chosen = Set(commune(r, code: "commune", name: "commune_name", scope) ?? [])
            communes = communes.filter { chosen.contains($0.ref) }
        }
        for rs in try ruleSets(r, range, table: table, scope) {
            for c in communes {
                try Interruption.check()
                guard try body((try q.classify(c, period: range, ruleSet: rs, indicators: set), label)) else { return }
            }
        }
    }

    static func classificationAccess(_ name: String) -> VirtualAccess {
        VirtualAccess(name, keys: [.init("period"), .init("rule_set", required: false), .init("commune", required: false)]) { n, used, s in
            n / 100 / (used["rule_set"] != nil ? 2 : 1) / (used["commune"] != nil ? communeCount(s) : 1)
        }
    }

    /// One row per rule set in force, commune and period: the commune's class and why.
    public static let classification = VirtualTable("classification", "one row per rule set, commune and period: its class (needs WHERE period = '2025')", columns: [
        VirtualColumn<(CommuneClassification, String)>("rule_set", .text, "rule set (every one in force for the period unless one is asked for)") { r, _ in .text(r.0.ruleSet) },
        VirtualColumn("commune", .integer, "commune code") { r, _ in .int(Int64(r.0.commune.ref.commune)) },
        VirtualColumn("commune_name", .text, "its name") { r, _ in .text(r.0.commune.name) },
        VirtualColumn("period", .text, "the period asked for (the tenant's calendar)") { r, _ in .text(r.1) },
        VirtualColumn("class", .text, "class code (drug_free, has_drug_problems, key_complex…)") { r, _ in .text(r.0.classCode) },
        VirtualColumn("reason", .text, "the first class whose criteria held, or the no-trigger setting") { r, _ in .text(r.0.reason) },
        VirtualColumn("criteria_met", .integer, "criteria met, over every class (one row each in classification_criteria)") { r, _ in
            .int(Int64(r.0.criteria.filter(\.met).count))
        },
    ], accesses: [classificationAccess("program.classify")],
    scanOrder: nil, rowCount: { _, s in communeCount(s) * 2 * 100 }) { r, q, scope, body in
        try classifications(r, q, table: "classification", scope, body)
    }

    /// One row per criterion verdict of each commune's classification.
    public static let classificationCriteria = VirtualTable("classification_criteria", "one row per criterion of each class tested for a commune (needs WHERE period = '2025')", columns: [
        VirtualColumn<(CommuneClassification, String, CriterionVerdict)>("rule_set", .text, "rule set") { r, _ in .text(r.0.ruleSet) },
        VirtualColumn("commune", .integer, "commune code") { r, _ in .int(Int64(r.0.commune.ref.commune)) },
        VirtualColumn("commune_name", .text, "its name") { r, _ in .text(r.0.commune.name) },
        VirtualColumn("period", .text, "the period asked for (the tenant's calendar)") { r, _ in .text(r.1) },
        VirtualColumn("class", .text, "the class the criterion belongs to") { r, _ in .text(r.2.classCode) },
        VirtualColumn("criterion", .text, "class.name") { r, _ in .text(r.2.criterion) },
        VirtualColumn("label", .text, "what it asks") { r, _ in text(r.2.label) },
        VirtualColumn("value", .real, "the first operand's value (NULL: a share of nothing)") { r, _ in real(r.2.value) },
        VirtualColumn("test", .text, "the test as written, with its threshold") { r, _ in .text(r.2.test) },
        VirtualColumn("met", .integer, "1: the test holds") { r, _ in bool(r.2.met) },
        VirtualColumn("readings", .text, "readings of the open points it used, and missing data, '; '-separated") { r, _ in text(r.2.readings.joined(separator: "; ")) },
    ], accesses: [classificationAccess("program.classify")],
    scanOrder: nil, rowCount: { _, s in communeCount(s) * 2 * 100 * 20 }) { r, q, scope, body in
        try classifications(r, q, table: "classification_criteria", scope) { pair in
            for v in pair.0.criteria where try !body((pair.0, pair.1, v)) { return false }
            return true
        }
    }

    // MARK: targets

    /// One row per target of the tenant, with its progress on the data.
    public static let targets = VirtualTable("targets", "one row per target of the tenant, with its progress", columns: [
        VirtualColumn<TargetProgress>("name", .text, "target name") { p, _ in .text(p.target.name) },
        VirtualColumn("label", .text, "what it aims at") { p, _ in text(p.target.label) },
        VirtualColumn("kind", .text, "communes_in_class, indicator or growth") { p, _ in .text(p.target.kind.rawValue) },
        VirtualColumn("period", .text, "its reporting year, or first..last") { p, _ in .text(periodLabel(p.target, p.period)) },
        VirtualColumn("first_day", .text, "the period's first day") { p, _ in .text(p.period.start.description) },
        VirtualColumn("last_day", .text, "its last day") { p, _ in SQLScope.text(p.period.last) },
        VirtualColumn("value", .real, "the value reached (communes in the class, share, indicator value, growth)") { p, _ in real(p.value) },
        VirtualColumn("target", .text, "the test the value must pass (>= 16, <= 20%)") { p, _ in .text("\(p.target.op.rawValue) \(p.target.written)") },
        VirtualColumn("threshold", .real, "the threshold as a number") { p, _ in .real(p.target.threshold) },
        VirtualColumn("met", .integer, "1: the value meets the target") { p, _ in bool(p.met) },
        VirtualColumn("holding_back", .text, "communes that hold it back, nearest to meeting first, '; '-separated") { p, _ in
            text(p.holdingBack.map(\.commune.name).joined(separator: "; "))
        },
        VirtualColumn("holding_back_count", .integer, "how many") { p, _ in .int(Int64(p.holdingBack.count)) },
        VirtualColumn("detail", .text, "how the value was counted") { p, _ in text(p.detail) },
    ], accesses: [
        VirtualAccess("program.target", keys: [.init("name")]) { _, _, _ in 1 },
    ], scanOrder: nil, rowCount: { _, _ in 10 }) { r, q, scope, body in
        let set = try scope.context.program.indicators()
        let rules = try scope.context.program.ruleBook()
        var targets = try scope.context.program.targetBook().targets
        if r.access != nil, let n = r.equalText("name") { targets = targets.filter { $0.name == n } }
        for t in targets {
            try Interruption.check()
            guard try body(try q.progress(of: t, indicators: set, rules: rules)) else { return }
        }
    }
}
