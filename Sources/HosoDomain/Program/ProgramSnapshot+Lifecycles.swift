import HosoStore

/// A step in the life of a tip or a hotspot, as the index `event.lifecycle` counts it.
public enum LifecycleMilestone: Int, CodedEnum {
    /// Received (tip) or found (hotspot), on the event's day.
    case opened = 1
    /// Decided (tip) or cleared (hotspot), on the resolution's day.
    case resolved = 2
    /// Resolved by its deadline, on the resolution's day.
    case resolvedInTime = 3
    /// Resolved after its deadline, on the resolution's day.
    case resolvedLate = 4
    /// A hotspot found again where one was cleared (it names it in ``CaseEvent/reforms``), on its day.
    case reformed = 5

    /// What a milestone is called in messages.
    public static let codeName = "milestone"

    /// The code used in queries and files.
    public var code: String {
        switch self {
        case .opened: "opened"
        case .resolved: "resolved"
        case .resolvedInTime: "resolved_in_time"
        case .resolvedLate: "resolved_late"
        case .reformed: "reformed"
        }
    }

    /// The Vietnamese name.
    public var label: String {
        switch self {
        case .opened: "tiếp nhận, phát hiện"
        case .resolved: "giải quyết, triệt xóa"
        case .resolvedInTime: "giải quyết, triệt xóa đúng hạn"
        case .resolvedLate: "giải quyết, triệt xóa quá hạn"
        case .reformed: "tái hình thành"
        }
    }
}

/// Tips (or hotspots) of an area during a period: received (found), decided (cleared) in time
/// or late, re-formed; counted from the dated index `event.lifecycle`.
///
/// ```swift
/// let tips = try q.lifecycle(.tip, in: .province(20), during: Period.year(2025).range())
/// print(tips.opened, tips.resolvedInTime, tips.onTimeShare == nil)   // 0 0 true
/// ```
public struct LifecycleCounts: Sendable, Hashable {
    /// Tips received, hotspots found during the period.
    public var opened = 0
    /// Tips decided, hotspots cleared during the period.
    public var resolved = 0
    /// Of those, by their deadline.
    public var resolvedInTime = 0
    /// Of those, after their deadline.
    public var resolvedLate = 0
    /// Hotspots found during the period that re-form a cleared one.
    public var reformed = 0

    /// Creates counts.
    public init(opened: Int = 0, resolved: Int = 0, resolvedInTime: Int = 0, resolvedLate: Int = 0, reformed: Int = 0) {
        self.opened = opened; self.resolved = resolved; self.resolvedInTime = resolvedInTime
        self.resolvedLate = resolvedLate; self.reformed = reformed
    }

    /// The on-time share of the period's resolutions (decided in time / decided), nil when none.
    public var onTimeShare: Double? { resolved == 0 ? nil : Double(resolvedInTime) / Double(resolved) }
}

extension ProgramSnapshot {
    // MARK: Lifecycles of tips and hotspots

    /// How many tips (`.tip`) or hotspots (`.hotspot`) of `area` were received/found,
    /// decided/cleared (in time, late) and re-formed during `range` (index `event.lifecycle`:
    /// at most five short scans per milestone).
    ///
    /// ```swift
    /// let hotspots = try q.lifecycle(.hotspot, in: .commune(congSon), during: Period.year(2025).range())
    /// print(hotspots.opened, hotspots.resolved, hotspots.reformed)   // 0 0 0
    /// ```
    public func lifecycle(_ kind: CaseEvent.Kind, in area: Area, during range: DayRange) throws -> LifecycleCounts {
        let counts = try txn.datedCounts(CaseEvent.lifecycle, group: ProgramKeys.areaGroupTuple(area), in: range)
        func n(_ m: LifecycleMilestone) -> Int { Int(counts[ProgramKeys.milestone(kind, m)] ?? 0) }
        return LifecycleCounts(opened: n(.opened), resolved: n(.resolved), resolvedInTime: n(.resolvedInTime),
                               resolvedLate: n(.resolvedLate), reformed: n(.reformed))
    }

    /// How many tips were undecided, or hotspots existed (found and not cleared), in `area` on
    /// `day`: received up to that day minus decided up to it.
    ///
    /// ```swift
    /// let existing = try q.openCount(.hotspot, in: .province(20), on: Day(year: 2025, month: 12, day: 31)!)
    /// print(existing)   // 0
    /// ```
    public func openCount(_ kind: CaseEvent.Kind, in area: Area, on day: Day) throws -> Int {
        let upTo = Self.through(day)
        let counts = try txn.datedCounts(CaseEvent.lifecycle, group: ProgramKeys.areaGroupTuple(area), in: upTo)
        return Int((counts[ProgramKeys.milestone(kind, .opened)] ?? 0) - (counts[ProgramKeys.milestone(kind, .resolved)] ?? 0))
    }

    /// Visits the tips undecided, or hotspots not cleared, past their deadline on `day` in
    /// `area` (index `event.overdue`), in commune then deadline order. Returns `false` when
    /// `body` stopped it.
    ///
    /// ```swift
    /// try q.overdue(.tip, in: .province(20), on: Day(year: 2025, month: 12, day: 31)!) { tip in
    ///     print(tip.id, tip.deadline!); return true
    /// }
    /// ```
    @discardableResult
    public func overdue(_ kind: CaseEvent.Kind, in area: Area, on day: Day, _ body: (CaseEvent) throws -> Bool) throws -> Bool {
        var hits: [IntervalHit] = []
        try txn.intervals(CaseEvent.overdue, ProgramKeys.overdueGroups(kind, in: area), on: day) { hits.append($0) }
        hits.sort { a, b in
            let (ga, gb) = (a.group.encoded, b.group.encoded)
            if ga != gb { return ga.lexicographicallyPrecedes(gb) }
            return (a.start, a.id) < (b.start, b.id)
        }
        for h in hits {
            guard let e = try txn.get(CaseEvent.self, id: h.id) else {
                throw HosoError.corruptRecord(type: "event", id: h.id, reason: "index overdue names a missing event")
            }
            if try !body(e) { return false }
        }
        return true
    }

    /// How many tips or hotspots of `area` were open past their deadline on `day`.
    ///
    /// ```swift
    /// print(try q.overdueCount(.hotspot, in: .province(20), on: Day(year: 2025, month: 12, day: 31)!))   // 0
    /// ```
    public func overdueCount(_ kind: CaseEvent.Kind, in area: Area, on day: Day) throws -> Int {
        var n = 0
        try txn.intervals(CaseEvent.overdue, ProgramKeys.overdueGroups(kind, in: area), on: day) { _ in n += 1 }
        return n
    }
}

extension ProgramTenant {
    /// Tips or hotspots of `area` received/found, resolved (in time, late) and re-formed during
    /// `range` (see ``ProgramSnapshot/lifecycle(_:in:during:)``).
    ///
    /// ```swift
    /// let tips = try program.lifecycle(.tip, in: .province(20), during: Period.year(2025).range())
    /// print(tips.resolved)   // 0
    /// ```
    public func lifecycle(_ kind: CaseEvent.Kind, in area: Area, during range: DayRange) throws -> LifecycleCounts {
        try read { try $0.lifecycle(kind, in: area, during: range) }
    }

    /// Tips undecided, or hotspots existing, in `area` on `day`.
    ///
    /// ```swift
    /// print(try program.openCount(.hotspot, in: .province(20), on: Day(year: 2025, month: 6, day: 30)!))   // 0
    /// ```
    public func openCount(_ kind: CaseEvent.Kind, in area: Area, on day: Day) throws -> Int {
        try read { try $0.openCount(kind, in: area, on: day) }
    }

    /// The tips or hotspots of `area` open past their deadline on `day`, in commune then deadline order.
    ///
    /// ```swift
    /// let late = try program.overdue(.tip, in: .province(20), on: Day(year: 2025, month: 6, day: 30)!)
    /// print(late.count)   // 0
    /// ```
    public func overdue(_ kind: CaseEvent.Kind, in area: Area, on day: Day) throws -> [CaseEvent] {
        var out: [CaseEvent] = []
        try read { try $0.overdue(kind, in: area, on: day) { out.append($0); return true } }
        return out
    }
}
