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

    /// Creates rules effective from `effectiveFrom` with the defaults above.
    public init(effectiveFrom: Day) { self.effectiveFrom = effectiveFrom }

    /// The Law on Drug Prevention 2021 and Decree 116/2021 defaults, from 1 January 2022.
    public static let national2021 = TermRules(effectiveFrom: Day(year: 2022, month: 1, day: 1)!)

    func write(to w: inout RecordWriter) {
        w.write(1, Int64(effectiveFrom.rawValue)); w.write(2, illegalUseMonths); w.write(3, postRehabVoluntaryMonths)
        w.write(4, postRehabMethadoneMonths); w.write(5, postRehabCompulsoryAdultMonths)
        w.write(6, postRehabCompulsoryMinorMonths); w.write(7, releasedPrisonerMonths)
    }

    static func read(_ r: inout RecordReader) throws(HosoError) -> TermRules {
        var t = TermRules(effectiveFrom: Day(rawValue: 0))
        t.illegalUseMonths = 0; t.postRehabVoluntaryMonths = 0; t.postRehabMethadoneMonths = 0
        t.postRehabCompulsoryAdultMonths = 0; t.postRehabCompulsoryMinorMonths = 0; t.releasedPrisonerMonths = 0
        while let f = try r.next() {
            switch f.number {
            case 1: t.effectiveFrom = Day(rawValue: Int32(truncatingIfNeeded: try f.int64()))
            case 2: t.illegalUseMonths = try f.int()
            case 3: t.postRehabVoluntaryMonths = try f.int()
            case 4: t.postRehabMethadoneMonths = try f.int()
            case 5: t.postRehabCompulsoryAdultMonths = try f.int()
            case 6: t.postRehabCompulsoryMinorMonths = try f.int()
            case 7: t.releasedPrisonerMonths = try f.int()
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

    /// Adds (or replaces, for the same effective day) a rule set.
    public mutating func add(_ rules: TermRules) {
        sets.removeAll { $0.effectiveFrom == rules.effectiveFrom }
        sets.append(rules)
        sets.sort { $0.effectiveFrom < $1.effectiveFrom }
    }
}
