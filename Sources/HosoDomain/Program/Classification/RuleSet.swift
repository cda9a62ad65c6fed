import HosoStore

/// A commune classification rule set as data, with an effective date (DOMAIN.md, "Classifying
/// communes"): the classes in the order they are tried, each with its criteria and how they
/// combine, and an explicit setting for every point the texts leave open.
///
/// In a file (``RuleBook/parse(_:file:indicators:)``), a `[ruleset name]` block is followed by
/// its `[class code]` and `[criterion class.name]` blocks:
///
/// ```text
/// [ruleset hung-yen-2024]
/// effective_from = 2024-01-01
/// classes = drug_free, key_complex, has_drug_problems
/// no_trigger_class = has_drug_problems
///
/// [class drug_free]
/// combine = all
///
/// [criterion drug_free.no_hotspot]
/// test = hotspots_existing = 0
/// ```
///
/// A criterion's `test` is `operand op number` terms joined by `and` / `or` (`and` binds
/// tighter); an operand is an indicator of the tenant's set or `input.NAME`, an officer's
/// input; numbers may be written `0.5%`. A class combines its criteria with `all`, `any`,
/// `at_least N`, or `bands` (all or any, as the setting `key_complex_bands` reads).
public struct RuleSet: Sendable, Hashable {
    /// The classes a commune can get.
    public static let classCodes = ["drug_free", "has_drug_problems", "key_complex", "key_complex_1", "key_complex_2", "key_complex_3"]

    /// How a class combines its criteria.
    public enum Combine: Hashable, Sendable, CustomStringConvertible {
        case all, any, atLeast(Int), bands
        public var description: String {
            switch self {
            case .all: "all"
            case .any: "any"
            case .atLeast(let n): "at_least \(n)"
            case .bands: "bands"
            }
        }
    }

    /// One `operand op number` term of a test.
    public struct Term: Hashable, Sendable, CustomStringConvertible {
        /// Comparisons.
        public enum Op: String, Sendable, CaseIterable { case eq = "=", ne = "!=", le = "<=", lt = "<", ge = ">=", gt = ">" }
        /// An indicator name, or `input.NAME`.
        public var operand: String
        public var op: Op
        public var threshold: Double
        /// How the threshold was written (`0.5%`).
        public var written: String
        public var description: String { "\(operand) \(op.rawValue) \(written)" }

        func holds(_ v: Double) -> Bool {
            let eps = 1e-12
            switch op {
            case .eq: return abs(v - threshold) < eps
            case .ne: return abs(v - threshold) >= eps
            case .le: return v <= threshold + eps
            case .lt: return v < threshold - eps
            case .ge: return v >= threshold - eps
            case .gt: return v > threshold + eps
            }
        }
    }

    /// A criterion: a test over indicators and inputs.
    public struct Criterion: Hashable, Sendable {
        /// `class.name`.
        public var name: String
        public var label: String
        /// Disjunction of conjunctions of terms.
        public var test: [[Term]]
        /// A "below the threshold" band criterion: whether none (0) is below it is the setting
        /// `under_threshold_includes_none`.
        public var under: Bool = false

        /// The test as written.
        public var testText: String { test.map { $0.map(\.description).joined(separator: " and ") }.joined(separator: " or ") }
    }

    /// A class with its criteria.
    public struct ClassRule: Hashable, Sendable {
        public var code: String
        public var label: String
        public var combine: Combine
        public var criteria: [Criterion]
    }

    public var name: String
    public var label: String
    /// First day the rule set applies (a period is classified under it when its last day is on or after).
    public var effectiveFrom: Day
    /// First day it no longer applies.
    public var effectiveUntil: Day?
    /// Classes in the order they are tried; the first whose criteria hold is the commune's class.
    public var classes: [ClassRule]

    // Settings: the open points (DOMAIN.md), each explicit.
    /// Readings of the indicators: persons counted on the last day or at any time; compulsory
    /// rehab at large; cleared hotspots still count; "over N months" strict.
    public var readings: IndicatorReadings
    /// `bands` classes combine their criteria with AND (`all`) or OR (`any`).
    public var keyComplexBandsAll = true
    /// An "under the threshold" band includes none.
    public var underThresholdIncludesNone = true
    /// The class of a commune none of whose classes hold (fails drug-free, no trigger of the others).
    public var noTriggerClass = "has_drug_problems"
    /// A share of nothing (0 of 0: "100% of addicts in treatment" with no addict) meets its criterion.
    public var undefinedShareMet = true

    /// The settings as `key = value` lines (the readings a verdict names).
    public var settingLines: [(String, String)] {
        [("persons_counted", readings.personsCounted == .anyTime ? "any_time" : "period_end"),
         ("compulsory_rehab_at_large", readings.compulsoryRehabAtLarge ? "yes" : "no"),
         ("cleared_hotspots_count", readings.clearedHotspotsCount ? "yes" : "no"),
         ("over_months_strict", readings.minMonthsStrict ? "yes" : "no"),
         ("key_complex_bands", keyComplexBandsAll ? "all" : "any"),
         ("under_threshold_includes_none", underThresholdIncludesNone ? "yes" : "no"),
         ("no_trigger_class", noTriggerClass),
         ("undefined_share", undefinedShareMet ? "met" : "not_met")]
    }

    /// Whether the rule set applies to a period ending on `last`.
    public func applies(toPeriodEnding last: Day) -> Bool {
        last >= effectiveFrom && (effectiveUntil.map { last < $0 } ?? true)
    }

    /// Every operand the criteria use.
    var operands: [String] { classes.flatMap { $0.criteria.flatMap { $0.test.flatMap { $0.map(\.operand) } } } }
}

/// The rule sets of a tenant (bundled ones and its own).
public struct RuleBook: Sendable, Hashable {
    /// The rule sets, in file order.
    public private(set) var ruleSets: [RuleSet]

    /// Creates a book.
    public init(_ ruleSets: [RuleSet] = []) { self.ruleSets = ruleSets }

    /// The rule set named `name`.
    public subscript(name: String) -> RuleSet? { ruleSets.first { $0.name == name } }

    /// The rule sets that apply to a period ending on `last`.
    public func effective(onPeriodEnding last: Day) -> [RuleSet] { ruleSets.filter { $0.applies(toPeriodEnding: last) } }

    /// Adds or replaces rule sets by name.
    public func merging(_ other: RuleBook) -> RuleBook {
        var out = self
        for r in other.ruleSets {
            if let i = out.ruleSets.firstIndex(where: { $0.name == r.name }) { out.ruleSets[i] = r } else { out.ruleSets.append(r) }
        }
        return out
    }

    /// The bundled rule sets: Hưng Yên 2024 and Decision 28/2025/QĐ-TTg (`Resources/rulesets.hoso`).
    public static func bundled(indicators: IndicatorSet) throws(ProgramFileError) -> RuleBook {
        try parse(try ProgramText.bundled("rulesets.hoso"), file: "rulesets.hoso", indicators: indicators)
    }

    /// Parses rule sets; every operand must be an indicator of `indicators` or `input.NAME`.
    public static func parse(_ text: String, file: String, indicators: IndicatorSet) throws(ProgramFileError) -> RuleBook {
        var book = RuleBook()
        var current: RuleSet?
        var order: [String] = []
        var ruleLine = 0
        func finish() throws(ProgramFileError) {
            guard var rs = current else { return }
            for code in order where !rs.classes.contains(where: { $0.code == code }) {
                throw ProgramFileError(file: file, line: ruleLine, field: "classes", reason: "class '\(code)' has no [class \(code)] block")
            }
            rs.classes.sort { order.firstIndex(of: $0.code)! < order.firstIndex(of: $1.code)! }
            if let empty = rs.classes.first(where: { $0.criteria.isEmpty }) {
                throw ProgramFileError(file: file, line: ruleLine, field: nil, reason: "class '\(empty.code)' of rule set '\(rs.name)' has no criterion")
            }
            book.ruleSets.append(rs)
        }
        for st in try ProgramText.parse(text, file: file) {
            var r = StanzaReader(st, file: file)
            switch st.kind {
            case "ruleset":
                try finish()
                guard book[st.name] == nil else { throw r.error(nil, "rule set '\(st.name)' is defined twice") }
                ruleLine = st.line
                _ = try r.required("effective_from")
                var rs = RuleSet(name: st.name, label: r.optional("label") ?? st.name, effectiveFrom: try r.day("effective_from")!,
                                 effectiveUntil: try r.day("effective_until"), classes: [], readings: IndicatorReadings())
                rs.readings.personsCounted = try r.choice("persons_counted", [("period_end", .periodEnd), ("any_time", .anyTime)]) ?? .periodEnd
                rs.readings.compulsoryRehabAtLarge = try r.bool("compulsory_rehab_at_large") ?? false
                rs.readings.clearedHotspotsCount = try r.bool("cleared_hotspots_count") ?? true
                rs.readings.minMonthsStrict = try r.bool("over_months_strict") ?? true
                rs.keyComplexBandsAll = try r.choice("key_complex_bands", [("all", true), ("any", false)]) ?? true
                rs.underThresholdIncludesNone = try r.bool("under_threshold_includes_none") ?? true
                rs.undefinedShareMet = try r.choice("undefined_share", [("met", true), ("not_met", false)]) ?? true
                rs.noTriggerClass = try r.choice("no_trigger_class", RuleSet.classCodes.map { ($0, $0) }) ?? "has_drug_problems"
                order = r.list(try r.required("classes"))
                if let bad = order.first(where: { !RuleSet.classCodes.contains($0) }) {
                    throw r.error("classes", "'\(bad)' is not a class; known: \(RuleSet.classCodes.joined(separator: ", "))")
                }
                if let until = rs.effectiveUntil, until <= rs.effectiveFrom { throw r.error("effective_until", "must be after effective_from") }
                try r.finish()
                current = rs
            case "class":
                guard current != nil else { throw r.error(nil, "a [class …] block must follow its [ruleset …]") }
                guard order.contains(st.name) else { throw r.error(nil, "class '\(st.name)' is not in the rule set's 'classes' list (\(order.joined(separator: ", ")))") }
                guard !current!.classes.contains(where: { $0.code == st.name }) else { throw r.error(nil, "class '\(st.name)' is defined twice") }
                let combineText = try r.required("combine")
                let combine: RuleSet.Combine
                switch combineText {
                case "all": combine = .all
                case "any": combine = .any
                case "bands": combine = .bands
                default:
                    let parts = combineText.split(separator: " ")
                    guard parts.count == 2, parts[0] == "at_least", let n = Int(parts[1]), n > 0 else {
                        throw r.error("combine", "'\(combineText)' is not all, any, bands or at_least N")
                    }
                    combine = .atLeast(n)
                }
                current!.classes.append(RuleSet.ClassRule(code: st.name, label: r.optional("label") ?? st.name, combine: combine, criteria: []))
                try r.finish()
            case "criterion":
                let parts = st.name.split(separator: ".", maxSplits: 1).map(String.init)
                guard current != nil, parts.count == 2, let k = current!.classes.firstIndex(where: { $0.code == parts[0] }) else {
                    throw r.error(nil, "a criterion is [criterion CLASS.name] after its [class CLASS] block")
                }
                let test = try Self.test(try r.required("test"), r, indicators)
                var c = RuleSet.Criterion(name: st.name, label: r.optional("label") ?? st.name, test: test)
                c.under = try r.bool("under") ?? false
                if c.under, !test.joined().contains(where: { $0.op == .lt || $0.op == .le }) {
                    throw r.error("under", "an 'under' band needs a < or <= term")
                }
                if case .atLeast(let n) = current!.classes[k].combine, n > 50 { throw r.error(nil, "at_least is too large") }
                current!.classes[k].criteria.append(c)
                try r.finish()
            default:
                throw r.error(nil, "a rule-set file holds [ruleset], [class] and [criterion] blocks, not [\(st.kind) …]")
            }
        }
        try finish()
        for rs in book.ruleSets {
            for c in rs.classes { if case .atLeast(let n) = c.combine, n > c.criteria.count {
                throw ProgramFileError(file: file, line: nil, field: "combine", reason: "class '\(c.code)' of '\(rs.name)' needs at least \(n) of \(c.criteria.count) criteria")
            } }
        }
        return book
    }

    static func test(_ text: String, _ r: StanzaReader, _ indicators: IndicatorSet) throws(ProgramFileError) -> [[RuleSet.Term]] {
        var out: [[RuleSet.Term]] = []
        for alt in text.components(separatedBy: " or ") {
            var conj: [RuleSet.Term] = []
            for termText in alt.components(separatedBy: " and ") {
                let w = termText.split(separator: " ").map(String.init)
                guard w.count == 3 else { throw r.error("test", "'\(termText.trimmingCharacters(in: .whitespaces))' is not 'operand op number' (e.g. hotspots_existing = 0)") }
                if w[0].hasPrefix("input.") {
                    guard w[0].count > 6 else { throw r.error("test", "'input.' needs a name") }
                } else if indicators[w[0]] == nil {
                    throw r.error("test", "'\(w[0])' is not an indicator of the tenant's set nor input.NAME; known: \(indicators.definitions.map(\.name).joined(separator: ", "))")
                }
                guard let op = RuleSet.Term.Op(rawValue: w[1]) else {
                    throw r.error("test", "'\(w[1])' is not a comparison (\(RuleSet.Term.Op.allCases.map(\.rawValue).joined(separator: " ")))")
                }
                guard let n = ProgramText.number(w[2]) else { throw r.error("test", "'\(w[2])' is not a number (16, 0.5, 0.5%)") }
                conj.append(RuleSet.Term(operand: w[0], op: op, threshold: n, written: w[2]))
            }
            out.append(conj)
        }
        return out
    }

    /// The file text (``parse(_:file:indicators:)`` reads it back to an equal book).
    public func write() -> String {
        var stanzas: [ProgramStanza] = []
        for rs in ruleSets {
            var f: [(key: String, value: String, line: Int)] = [("label", rs.label, 0), ("effective_from", rs.effectiveFrom.description, 0)]
            if let u = rs.effectiveUntil { f.append(("effective_until", u.description, 0)) }
            f.append(("classes", rs.classes.map(\.code).joined(separator: ", "), 0))
            for (k, v) in rs.settingLines { f.append((k, v, 0)) }
            stanzas.append(ProgramStanza(kind: "ruleset", name: rs.name, fields: f))
            for c in rs.classes {
                stanzas.append(ProgramStanza(kind: "class", name: c.code, fields: [("label", c.label, 0), ("combine", c.combine.description, 0)]))
                for cr in c.criteria {
                    var g: [(key: String, value: String, line: Int)] = [("label", cr.label, 0), ("test", cr.testText, 0)]
                    if cr.under { g.append(("under", "yes", 0)) }
                    stanzas.append(ProgramStanza(kind: "criterion", name: cr.name, fields: g))
                }
            }
        }
        return ProgramText.write(stanzas, header: "Hoso classification rule sets: [ruleset], then its [class] and [criterion] blocks.")
    }
}
