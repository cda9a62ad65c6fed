import HosoStore

/// A program indicator as data (like DHIS2's program indicators): a source, a filter, an
/// expression and an aggregation, evaluated per commune (or the province) and period from the
/// program's indexes (``ProgramSnapshot/evaluate(_:in:period:on:options:)``).
///
/// In a file (``IndicatorSet/parse(_:file:)``):
///
/// ```text
/// [indicator new_addicts]
/// label = Người nghiện mới phát hiện trong kỳ
/// source = persons_entering
/// statuses = addict
/// ```
///
/// Sources and the fields they take:
/// - `persons_on_day`: persons in any of `statuses` on the period's last day (or, with
///   `counted = any_time`, at any time in the period); `min_months` keeps those whose unbroken
///   stretch in the status (moves included) is older than that, `no_positive_test = yes` those
///   with no positive test in it; `at_large = yes` counts compulsory rehab only when the rule
///   set reads it as "at large".
/// - `persons_entering`, `persons_leaving`: entries into (exits from) the statuses in the period
///   (at commune level a move in or out is one; at province level a move inside it is not).
/// - `status_changes`: status changes of `statuses` in the period with a `direction` (`entry`,
///   `exit`) and `cause`s (`new`, `arrived`, `continued`, `moved_away`, `left`), counted at the
///   area's level (a move inside a province is no change of the province).
/// - `lifecycle`: tips or hotspots (`kind`) reaching a `milestone` in the period (`opened`,
///   `resolved`, `resolved_in_time`, `resolved_late`, `reformed`), or `open_on_day`,
///   `overdue_on_day`, `existing` (see ``Milestone``), with the deadlines of the term rules.
/// - `events`: case events of `kind`; `when` = `in_period` (date in the period), `resolved_in_period`,
///   `open_on_day` (found by the period's last day, not resolved by it) or `existing` (open at any
///   time in the period, or only on its last day, as the rule set reads it); `filter` =
///   `field op value` terms joined by `;` over `article`, `stage`, `outcome`, `resolved_days`,
///   `mobile_trial`; `aggregate` = `count`, `sum` (with `measure`) or `distinct_persons`.
/// - `expression`: `expression = a + b - c` over other indicators and numbers.
/// - `population`: the population of the area in the period's year.
/// - `input`: an officer's input `input` for the commune and period (``CommuneInput``).
///
/// Any source may take `per = population` or `per = <indicator>`: the value is then the ratio.
public struct IndicatorDefinition: Sendable, Hashable {
    /// Where the indicator counts.
    public enum Source: String, Sendable, CaseIterable {
        case personsOnDay = "persons_on_day", personsEntering = "persons_entering", personsLeaving = "persons_leaving"
        case statusChanges = "status_changes", lifecycle
        case events, expression, population, input
    }

    /// What a `lifecycle` indicator counts of tips and hotspots (index `event.lifecycle`, `event.overdue`).
    public enum Milestone: String, Sendable, CaseIterable {
        case opened, resolved, resolvedInTime = "resolved_in_time", resolvedLate = "resolved_late", reformed
        /// Open (undecided, not cleared) on the period's last day.
        case openOnDay = "open_on_day"
        /// Open past the deadline on the period's last day.
        case overdueOnDay = "overdue_on_day"
        /// Open at any time in the period, or on its last day only, as the rule set reads it.
        case existing
    }

    /// When a case event counts.
    public enum EventWhen: String, Sendable, CaseIterable {
        case inPeriod = "in_period", resolvedInPeriod = "resolved_in_period", openOnDay = "open_on_day", existing
    }

    /// How events are aggregated.
    public enum Aggregate: Hashable, Sendable {
        case count, sum(CaseEvent.Measure), distinctPersons
    }

    /// When persons are counted for `persons_on_day`.
    public enum Counted: String, Sendable, CaseIterable {
        /// On the period's last day.
        case periodEnd = "period_end"
        /// At any time in the period.
        case anyTime = "any_time"
        /// As the rule set evaluating it reads it (period end outside a rule set).
        case ruleSet = "rule_set"
    }

    /// The denominator of a ratio.
    public enum Per: Hashable, Sendable {
        case population, indicator(String)
    }

    /// One `field op value` term of an event filter.
    public struct Filter: Hashable, Sendable, CustomStringConvertible {
        /// Fields an event filter can test.
        public enum Field: String, Sendable, CaseIterable { case article, stage, outcome, resolvedDays = "resolved_days", mobileTrial = "mobile_trial" }
        /// Comparisons.
        public enum Op: String, Sendable, CaseIterable { case eq = "=", ne = "!=", le = "<=", lt = "<", ge = ">=", gt = ">", isIn = "in" }
        public var field: Field
        public var op: Op
        /// The values (codes or numbers) as written.
        public var values: [String]

        public var description: String {
            "\(field.rawValue) \(op.rawValue) \(values.joined(separator: ", "))"
        }

        /// Whether `e` passes.
        func matches(_ e: CaseEvent) -> Bool {
            switch field {
            case .article: return test(e.offenceArticle.map(Double.init))
            case .resolvedDays: return test(e.resolvedDate.map { Double($0.rawValue - e.date.rawValue) })
            case .stage: return testCode(e.stage?.code)
            case .outcome: return testCode(e.tipOutcome?.code)
            case .mobileTrial: return testCode(e.mobileTrial ? "yes" : "no")
            }
        }

        private func test(_ v: Double?) -> Bool {
            guard let v else { return op == .ne }
            let nums = values.compactMap { Double($0) }
            switch op {
            case .eq, .isIn: return nums.contains(v)
            case .ne: return !nums.contains(v)
            case .le: return v <= nums[0]
            case .lt: return v < nums[0]
            case .ge: return v >= nums[0]
            case .gt: return v > nums[0]
            }
        }

        private func testCode(_ c: String?) -> Bool {
            switch op {
            case .eq, .isIn: return c.map(values.contains) ?? false
            case .ne: return !(c.map(values.contains) ?? false)
            default: return false
            }
        }
    }

    /// The name (letters, digits, `_`).
    public var name: String
    /// What a report calls it.
    public var label: String
    /// The source.
    public var source: Source
    /// Statuses of a person source.
    public var statuses: [Status] = []
    /// Compulsory rehab counts only when the rule set reads it as at large.
    public var atLarge = false
    /// Minimum months of an unbroken stretch in the status (`persons_on_day`).
    public var minMonths: Int?
    /// No positive test during the stretch (`persons_on_day` with `min_months`).
    public var noPositiveTest = false
    /// When persons are counted (`persons_on_day`).
    public var counted: Counted = .ruleSet
    /// Direction and causes of a `status_changes` indicator.
    public var direction: StatusChange.Direction = .entry
    public var causes: [StatusChange.Cause] = []
    /// Milestone of a `lifecycle` indicator.
    public var milestone: Milestone = .opened
    /// Kind of case event (`events`, `lifecycle`).
    public var kind: CaseEvent.Kind?
    /// When an event counts (`events`).
    public var when: EventWhen = .inPeriod
    /// Event filter terms, all of which must hold.
    public var filter: [Filter] = []
    /// The aggregation of events.
    public var aggregate: Aggregate = .count
    /// Terms of an `expression`: a sign and an indicator name or a number.
    public var terms: [(sign: Int, term: String)] = []
    /// The officer input of an `input` source.
    public var input: String?
    /// The denominator, for a ratio.
    public var per: Per?

    /// Creates a definition; fields are set afterwards.
    public init(name: String, label: String, source: Source) { self.name = name; self.label = label; self.source = source }

    public static func == (a: Self, b: Self) -> Bool { a.stanza(file: "") == b.stanza(file: "") }
    public func hash(into h: inout Hasher) { h.combine(stanza(file: "")) }

    /// The indicators an expression or ratio refers to.
    public var references: [String] {
        var out = terms.filter { ProgramText.number($0.term) == nil }.map(\.term)
        if case .indicator(let n)? = per { out.append(n) }
        return out
    }

    /// Whether the indexes answer it without reading event records (the dated count and sum indexes).
    public var answeredByCounts: Bool {
        source != .events || (when == .inPeriod && filter.isEmpty && aggregate != .distinctPersons)
    }

    // MARK: File form

    /// Reads a `[indicator name]` block, rejecting what the indexes cannot answer.
    static func read(_ stanza: ProgramStanza, file: String) throws(ProgramFileError) -> IndicatorDefinition {
        var r = StanzaReader(stanza, file: file)
        guard stanza.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw ProgramFileError(file: file, line: stanza.line, field: nil, reason: "an indicator name is letters, digits and '_': '\(stanza.name)'")
        }
        _ = try r.required("source")
        guard let source = try r.choice("source", Source.allCases.map { ($0.rawValue, $0) }) else { throw r.error("source", "is missing") }
        var d = IndicatorDefinition(name: stanza.name, label: r.optional("label") ?? stanza.name, source: source)
        let person = [Source.personsOnDay, .personsEntering, .personsLeaving, .statusChanges].contains(source)
        func refuse(_ key: String, _ why: String) throws(ProgramFileError) {
            if r.stanza.fields.contains(where: { $0.key == key }) { throw r.error(key, why) }
        }
        if let s = r.optional("statuses") {
            guard person else { throw r.error("statuses", "only the persons_* sources take statuses") }
            for code in r.list(s) {
                guard let st = Status(code: code), st != .none else {
                    throw r.error("statuses", "'\(code)' is not a status; known: \(Status.allCases.filter { $0 != .none }.map(\.code).joined(separator: ", "))")
                }
                d.statuses.append(st)
            }
        } else if person {
            _ = try r.required("statuses")
        }
        d.atLarge = try r.bool("at_large") ?? false
        d.minMonths = try r.int("min_months")
        d.noPositiveTest = try r.bool("no_positive_test") ?? false
        d.counted = try r.choice("counted", Counted.allCases.map { ($0.rawValue, $0) }) ?? .ruleSet
        if source != .personsOnDay {
            for key in ["min_months", "no_positive_test", "counted", "at_large"] {
                try refuse(key, "only persons_on_day takes it: the interval index answers it for persons in a status on a day")
            }
        }
        if d.minMonths != nil && d.counted == .anyTime {
            throw r.error("counted", "min_months is judged on the period's last day; use counted = period_end or rule_set")
        }
        if source == .statusChanges {
            d.direction = try r.choice("direction", StatusChange.Direction.allCases.map { ($0.code, $0) }) ?? .entry
            for c in r.list(try r.required("cause")) {
                guard let cause = StatusChange.Cause(code: c) else {
                    throw r.error("cause", "'\(c)' is not a cause; known: \(StatusChange.Cause.allCases.map(\.code).joined(separator: ", "))")
                }
                d.causes.append(cause)
            }
        } else {
            for key in ["direction", "cause"] { try refuse(key, "only the status_changes source takes it") }
        }
        if source == .lifecycle {
            _ = try r.required("milestone")
            d.milestone = try r.choice("milestone", Milestone.allCases.map { ($0.rawValue, $0) })!
        } else { try refuse("milestone", "only the lifecycle source takes it") }
        if let k = r.optional("kind") {
            guard source == .events || source == .lifecycle else { throw r.error("kind", "only the events and lifecycle sources take a kind") }
            guard let kind = CaseEvent.Kind(code: k) else {
                throw r.error("kind", "'\(k)' is not an event kind; known: \(CaseEvent.Kind.allCases.map(\.code).joined(separator: ", "))")
            }
            if source == .lifecycle, kind != .tip, kind != .hotspot {
                throw r.error("kind", "only tips and hotspots have a lifecycle (the index event.lifecycle)")
            }
            d.kind = kind
        } else if source == .events || source == .lifecycle { _ = try r.required("kind") }
        if source == .events {
            d.when = try r.choice("when", EventWhen.allCases.map { ($0.rawValue, $0) }) ?? .inPeriod
            if d.when != .inPeriod, let k = d.kind, k != .tip, k != .hotspot {
                throw r.error("when", "only tips and hotspots have a resolution date; \(k.code) events count in_period")
            }
            if let f = r.optional("filter") { d.filter = try Self.filters(f, r) }
            let measure = try r.choice("measure", CaseEvent.Measure.allCases.map { ($0.code, $0) })
            switch r.optional("aggregate") ?? "count" {
            case "count": d.aggregate = .count
            case "distinct_persons": d.aggregate = .distinctPersons
            case "sum":
                guard let measure else { throw r.error("aggregate", "sum needs 'measure = \(CaseEvent.Measure.allCases.map(\.code).joined(separator: "|"))'") }
                d.aggregate = .sum(measure)
            case let other: throw r.error("aggregate", "'\(other)' is not count, sum or distinct_persons")
            }
            if measure != nil, case .sum = d.aggregate {} else if measure != nil { throw r.error("measure", "only aggregate = sum takes a measure") }
        } else {
            for key in ["when", "filter", "aggregate", "measure"] {
                try refuse(key, person ? "persons are answered from the status indexes, which know status, commune and day only; a filter on other fields would need a full scan of persons"
                                       : "only the events source takes it")
            }
        }
        if let e = r.optional("expression") {
            guard source == .expression else { throw r.error("expression", "only source = expression takes an expression") }
            d.terms = try Self.terms(e, r)
        } else if source == .expression { _ = try r.required("expression") }
        if let i = r.optional("input") {
            guard source == .input else { throw r.error("input", "only source = input takes an input name") }
            d.input = i
        } else if source == .input { _ = try r.required("input") }
        if let p = r.optional("per") { d.per = p == "population" ? .population : .indicator(p) }
        try r.finish()
        return d
    }

    static func filters(_ text: String, _ r: StanzaReader) throws(ProgramFileError) -> [Filter] {
        var out: [Filter] = []
        for part in text.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let words = part.split(separator: " ", maxSplits: 2).map(String.init)
            guard words.count == 3 else { throw r.error("filter", "'\(part)' is not 'field op value' (e.g. resolved_days <= 20)") }
            guard let field = Filter.Field(rawValue: words[0]) else {
                throw r.error("filter", "'\(words[0])' cannot be filtered on; the event fields are: \(Filter.Field.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let op = Filter.Op(rawValue: words[1]) else {
                throw r.error("filter", "'\(words[1])' is not an operator (\(Filter.Op.allCases.map(\.rawValue).joined(separator: " ")))")
            }
            let values = r.list(words[2])
            let numeric = field == .article || field == .resolvedDays
            if numeric, let bad = values.first(where: { Double($0) == nil }) { throw r.error("filter", "'\(bad)' is not a number for \(field.rawValue)") }
            if !numeric, ![.eq, .ne, .isIn].contains(op) { throw r.error("filter", "\(field.rawValue) takes =, != or in") }
            let codes: [String] = switch field {
            case .stage: CaseEvent.Stage.allCases.map(\.code)
            case .outcome: CaseEvent.TipOutcome.allCases.map(\.code)
            case .mobileTrial: ["yes", "no"]
            default: []
            }
            if !numeric, let bad = values.first(where: { !codes.contains($0) }) {
                throw r.error("filter", "'\(bad)' is not a \(field.rawValue); known: \(codes.joined(separator: ", "))")
            }
            if values.isEmpty || (values.count > 1 && ![.isIn, .eq, .ne].contains(op)) { throw r.error("filter", "'\(part)' needs one value") }
            out.append(Filter(field: field, op: op, values: values))
        }
        return out
    }

    static func terms(_ text: String, _ r: StanzaReader) throws(ProgramFileError) -> [(sign: Int, term: String)] {
        var out: [(sign: Int, term: String)] = []
        var sign = 1
        var expectTerm = true
        for word in text.split(separator: " ").map(String.init) {
            if word == "+" || word == "-" {
                guard !expectTerm else { throw r.error("expression", "'\(word)' where a term was expected in '\(text)'") }
                sign = word == "+" ? 1 : -1; expectTerm = true
            } else {
                guard expectTerm else { throw r.error("expression", "'\(word)' follows a term; join terms with + or -") }
                out.append((sign, word)); expectTerm = false
            }
        }
        guard !out.isEmpty, !expectTerm else { throw r.error("expression", "'\(text)' is not 'a + b - c'") }
        return out
    }

    /// The block that ``read(_:file:)`` reads back.
    func stanza(file: String) -> ProgramStanza {
        var f: [(key: String, value: String, line: Int)] = [("label", label, 0), ("source", source.rawValue, 0)]
        if !statuses.isEmpty { f.append(("statuses", statuses.map(\.code).joined(separator: ", "), 0)) }
        if atLarge { f.append(("at_large", "yes", 0)) }
        if let m = minMonths { f.append(("min_months", String(m), 0)) }
        if noPositiveTest { f.append(("no_positive_test", "yes", 0)) }
        if source == .personsOnDay, counted != .ruleSet { f.append(("counted", counted.rawValue, 0)) }
        if source == .statusChanges {
            f.append(("direction", direction.code, 0))
            f.append(("cause", causes.map(\.code).joined(separator: ", "), 0))
        }
        if let k = kind { f.append(("kind", k.code, 0)) }
        if source == .lifecycle { f.append(("milestone", milestone.rawValue, 0)) }
        if source == .events {
            if when != .inPeriod { f.append(("when", when.rawValue, 0)) }
            if !filter.isEmpty { f.append(("filter", filter.map(\.description).joined(separator: "; "), 0)) }
            switch aggregate {
            case .count: break
            case .distinctPersons: f.append(("aggregate", "distinct_persons", 0))
            case .sum(let m): f.append(("aggregate", "sum", 0)); f.append(("measure", m.code, 0))
            }
        }
        if !terms.isEmpty {
            var s = ""
            for (i, t) in terms.enumerated() { s += i == 0 ? (t.sign < 0 ? "0 - " : "") + t.term : (t.sign < 0 ? " - " : " + ") + t.term }
            f.append(("expression", s, 0))
        }
        if let i = input { f.append(("input", i, 0)) }
        switch per {
        case .population?: f.append(("per", "population", 0))
        case .indicator(let n)?: f.append(("per", n, 0))
        case nil: break
        }
        return ProgramStanza(kind: "indicator", name: name, fields: f)
    }
}

/// A set of indicator definitions, checked together (every reference known, no cycle).
public struct IndicatorSet: Sendable, Hashable {
    /// The definitions, in file order.
    public private(set) var definitions: [IndicatorDefinition]
    private var index: [String: Int]

    /// Creates a set, checking references.
    public init(_ definitions: [IndicatorDefinition], file: String = "indicators") throws(ProgramFileError) {
        self.definitions = []; index = [:]
        for d in definitions { try add(d, file: file, line: nil) }
        try check(file: file, lines: [:])
    }

    private mutating func add(_ d: IndicatorDefinition, file: String, line: Int?) throws(ProgramFileError) {
        if let i = index[d.name] { definitions[i] = d; return }
        index[d.name] = definitions.count
        definitions.append(d)
    }

    /// The definition named `name`.
    public subscript(name: String) -> IndicatorDefinition? { index[name].map { definitions[$0] } }

    /// The indicators bundled with Hoso: the plans' indicators (`Resources/indicators.hoso`).
    public static func bundled() throws(ProgramFileError) -> IndicatorSet {
        try parse(try ProgramText.bundled("indicators.hoso"), file: "indicators.hoso")
    }

    /// Parses `[indicator …]` blocks; `file` names the file in errors.
    public static func parse(_ text: String, file: String) throws(ProgramFileError) -> IndicatorSet {
        var set = IndicatorSet()
        var lines: [String: Int] = [:]
        for st in try ProgramText.parse(text, file: file) {
            guard st.kind == "indicator" else {
                throw ProgramFileError(file: file, line: st.line, field: nil, reason: "an indicator file holds [indicator name] blocks, not [\(st.kind) …]")
            }
            guard set.index[st.name] == nil else {
                throw ProgramFileError(file: file, line: st.line, field: nil, reason: "indicator '\(st.name)' is defined twice")
            }
            try set.add(try IndicatorDefinition.read(st, file: file), file: file, line: st.line)
            lines[st.name] = st.line
        }
        try set.check(file: file, lines: lines)
        return set
    }

    /// Adds (or replaces) the definitions of `other`, checking the result.
    public func merging(_ other: IndicatorSet, file: String = "indicators") throws(ProgramFileError) -> IndicatorSet {
        var s = self
        for d in other.definitions { try s.add(d, file: file, line: nil) }
        try s.check(file: file, lines: [:])
        return s
    }

    private init() { definitions = []; index = [:] }

    private func check(file: String, lines: [String: Int]) throws(ProgramFileError) {
        for d in definitions {
            for ref in d.references where index[ref] == nil {
                throw ProgramFileError(file: file, line: lines[d.name], field: d.per == .indicator(ref) ? "per" : "expression",
                                       reason: "indicator '\(d.name)' refers to '\(ref)', which is not defined")
            }
            var seen: Set<String> = [d.name]
            var stack = d.references
            while let n = stack.popLast() {
                if n == d.name {
                    throw ProgramFileError(file: file, line: lines[d.name], field: "expression", reason: "indicator '\(d.name)' refers to itself through '\(d.references.joined(separator: ", "))'")
                }
                if seen.insert(n).inserted, let e = self[n] { stack += e.references }
            }
        }
    }

    /// The file text (``parse(_:file:)`` reads it back to an equal set).
    public func write() -> String {
        ProgramText.write(definitions.map { $0.stanza(file: "") }, header: "Hoso indicators: [indicator name] blocks of 'key = value' lines.")
    }
}
