import HosoStore

/// The terms the engine computes status ends from, in force from ``effectiveFrom``. They are
/// tenant data: a province configures its own and adds a new set when a new decision changes them.
///
/// ```swift
/// var rules = TermRules.national2021
/// rules.releasedPrisonerMonths = 6
/// print(rules.releasedPrisonerMonths)   // 6
/// ```
public struct TermRules: Sendable, Hashable {
    /// First day these rules apply to (terms starting on or after it).
    public var effectiveFrom: Day
    /// Illegal-user management from the decision (default 12 months).
    public var illegalUseMonths: Int = 12
    /// Post-rehab management after voluntary rehab (12).
    public var postRehabVoluntaryMonths: Int = 12
    /// Post-rehab management after methadone completion (12).
    public var postRehabMethadoneMonths: Int = 12
    /// Post-rehab management after an adult's compulsory rehab (24).
    public var postRehabCompulsoryAdultMonths: Int = 24
    /// Post-rehab management after a minor's compulsory rehab (12).
    public var postRehabCompulsoryMinorMonths: Int = 12
    /// Reintegration management of a released drug offender (set by the tenant; 12 by default).
    public var releasedPrisonerMonths: Int = 12
    /// Days to decide a tip from its receipt (20, Criminal Procedure Code art. 147).
    public var tipDecisionDays: Int = 20
    /// Months to decide a tip whose deadline was extended once, a complex case (2).
    public var tipExtendedMonths: Int = 2
    /// Months added by a second extension (2: 2 + 2 months in all).
    public var tipSecondExtensionMonths: Int = 2
    /// Months after which a hotspot found must be cleared (2: "none may exist more than 2
    /// months after it was found").
    public var hotspotClearMonths: Int = 2

    /// Creates rules effective from `effectiveFrom` with the defaults above.
    public init(effectiveFrom: Day) { self.effectiveFrom = effectiveFrom }

    /// The Law on Drug Prevention 2021 and Decree 116/2021 defaults, from 1 January 2022.
    public static let national2021 = TermRules(effectiveFrom: Day(year: 2022, month: 1, day: 1)!)

    func write(to w: inout RecordWriter) {
        w.write(1, Int64(effectiveFrom.rawValue)); w.write(2, illegalUseMonths); w.write(3, postRehabVoluntaryMonths)
        w.write(4, postRehabMethadoneMonths); w.write(5, postRehabCompulsoryAdultMonths)
        w.write(6, postRehabCompulsoryMinorMonths); w.write(7, releasedPrisonerMonths)
        w.write(8, tipDecisionDays); w.write(9, tipExtendedMonths); w.write(10, tipSecondExtensionMonths)
        w.write(11, hotspotClearMonths)
    }

    static func read(_ r: inout RecordReader) throws(HosoError) -> TermRules {
        var t = TermRules(effectiveFrom: Day(rawValue: 0))
        t.illegalUseMonths = 0; t.postRehabVoluntaryMonths = 0; t.postRehabMethadoneMonths = 0
        t.postRehabCompulsoryAdultMonths = 0; t.postRehabCompulsoryMinorMonths = 0; t.releasedPrisonerMonths = 0
        // Fields 8–11 came later: rules written before them keep the defaults.
        while let f = try r.next() {
            switch f.number {
            case 1: t.effectiveFrom = Day(rawValue: Int32(truncatingIfNeeded: try f.int64()))
            case 2: t.illegalUseMonths = try f.int()
            case 3: t.postRehabVoluntaryMonths = try f.int()
            case 4: t.postRehabMethadoneMonths = try f.int()
            case 5: t.postRehabCompulsoryAdultMonths = try f.int()
            case 6: t.postRehabCompulsoryMinorMonths = try f.int()
            case 7: t.releasedPrisonerMonths = try f.int()
            case 8: t.tipDecisionDays = try f.int()
            case 9: t.tipExtendedMonths = try f.int()
            case 10: t.tipSecondExtensionMonths = try f.int()
            case 11: t.hotspotClearMonths = try f.int()
            default: break
            }
        }
        return t
    }
}

/// A tenant's rule sets over time: the set in force on a day is the latest effective one.
public struct TermRuleBook: Sendable, Hashable {
    /// Rule sets sorted by ``TermRules/effectiveFrom``.
    public private(set) var sets: [TermRules]

    /// Creates a book; at least one set is required.
    public init(_ sets: [TermRules] = [.national2021]) {
        precondition(!sets.isEmpty, "a rule book needs at least one rule set")
        self.sets = sets.sorted { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// The rules in force on `day` (the earliest set for days before every set).
    public func rules(on day: Day) -> TermRules {
        sets.last { $0.effectiveFrom <= day } ?? sets[0]
    }

    /// The last day on time of a tip (its decision, by the rules in force on its receipt and
    /// its ``CaseEvent/extensions``) or a hotspot (its clearing); nil for other kinds.
    ///
    /// ```swift
    /// var tip = CaseEvent(id: 1, kind: .tip, commune: congSon, date: Day(year: 2025, month: 3, day: 1)!)
    /// print(TermRuleBook().deadline(of: tip)!)   // 2025-03-21
    /// tip.extensions = 2
    /// print(TermRuleBook().deadline(of: tip)!)   // 2025-07-01
    /// ```
    public func deadline(of event: CaseEvent) -> Day? {
        let r = rules(on: event.date)
        switch event.kind {
        case .tip:
            switch event.extensions {
            case ...0: return event.date.adding(days: r.tipDecisionDays)
            case 1: return event.date.adding(months: r.tipExtendedMonths)
            default: return event.date.adding(months: r.tipExtendedMonths + r.tipSecondExtensionMonths)
            }
        case .hotspot: return event.date.adding(months: r.hotspotClearMonths)
        default: return nil
        }
    }

    /// Adds (or replaces, for the same effective day) a rule set.
    public mutating func add(_ rules: TermRules) {
        sets.removeAll { $0.effectiveFrom == rules.effectiveFrom }
        sets.append(rules)
        sets.sort { $0.effectiveFrom < $1.effectiveFrom }
    }
}
