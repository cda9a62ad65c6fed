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

/// A place's tips or hotspots in a report by the communes of a day before the 2025 reform
/// (``ProgramSnapshot/lifecycleByPlaces(_:during:on:placesAsOf:in:)``): the period's
/// milestones and what was open and overdue at the cut-off.
public struct PlacedLifecycle: Sendable, Hashable {
    /// Received (found), resolved (in time, late) and re-formed during the period.
    public var counts = LifecycleCounts()
    /// Undecided (not cleared) at the cut-off.
    public var open = 0
    /// Past their deadline and unresolved at the cut-off.
    public var overdue = 0

    /// Creates figures.
    public init(counts: LifecycleCounts = LifecycleCounts(), open: Int = 0, overdue: Int = 0) {
        self.counts = counts; self.open = open; self.overdue = overdue
    }

    /// Whether every figure is zero.
    public var isZero: Bool { self == PlacedLifecycle() }

    /// `self` plus `sign` times `other`.
    mutating func add(_ other: PlacedLifecycle, _ sign: Int = 1) {
        counts.opened += sign * other.counts.opened; counts.resolved += sign * other.counts.resolved
        counts.resolvedInTime += sign * other.counts.resolvedInTime; counts.resolvedLate += sign * other.counts.resolvedLate
        counts.reformed += sign * other.counts.reformed
        open += sign * other.open; overdue += sign * other.overdue
    }
}

extension CaseEvent {
    /// This tip's or hotspot's part of the lifecycle figures of `range` and of the day `cutoff`:
    /// the same milestones its index entries count (``lifecycle`` and ``overdue``).
    func lifecycleFigures(during range: DayRange, on cutoff: Day) -> PlacedLifecycle {
        var f = PlacedLifecycle()
        guard let deadline, kind == .tip || kind == .hotspot else { return f }
        if range.contains(date) {
            f.counts.opened = 1
            if reforms != nil { f.counts.reformed = 1 }
        }
        if let r = resolvedDate, range.contains(r) {
            f.counts.resolved = 1
            if r <= deadline { f.counts.resolvedInTime = 1 } else { f.counts.resolvedLate = 1 }
        }
        f.open = (date <= cutoff ? 1 : 0) - (resolvedDate.map { $0 <= cutoff } == true ? 1 : 0)
        let late = deadline.adding(days: 1)
        if resolvedDate.map({ $0 > late }) ?? true, late <= cutoff, resolvedDate.map({ cutoff < $0 }) ?? true { f.overdue = 1 }
        return f
    }
}

extension ProgramSnapshot {
    /// Tips or hotspots of `area` by the communes in force on `placesAsOf` (before the 2025
    /// reform): what was received (found), resolved and re-formed during `range` and what was
    /// open and overdue on `cutoff`. Per 2025 commune its figures from the indexes
    /// (``lifecycle(_:in:during:)``, ``openCount(_:in:on:)``, ``overdueCount(_:in:on:)``), less the
    /// part of its events naming an old commune, which goes to that old commune (those events
    /// read: a commune's tips and hotspots up to the cut-off); the rest as
    /// ``PlaceHistory/place(on:current:named:placedIn:)`` places a record naming none. The totals
    /// equal the figures by today's communes.
    ///
    /// ```swift
    /// let year = Period.year(2025).range()
    /// let byOld = try q.lifecycleByPlaces(.tip, during: year, on: Day(year: 2025, month: 12, day: 31)!, placesAsOf: Day(year: 2025, month: 3, day: 1)!, in: .province(20))
    /// print(byOld.isEmpty)   // true
    /// ```
    public func lifecycleByPlaces(_ kind: CaseEvent.Kind, during range: DayRange, on cutoff: Day, placesAsOf: Day, in area: Area) throws -> [PlaceAsOf: PlacedLifecycle] {
        let places = try PlaceHistory.official()
        let before = places.hierarchy(on: placesAsOf) == .before2025
        var out: [PlaceAsOf: PlacedLifecycle] = [:]
        let upTo = DayRange(Day(rawValue: Int32.min + 1), max(range.end, cutoff.adding(days: 1)))
        for c in program.communes(in: area) {
            var rest = PlacedLifecycle(counts: try lifecycle(kind, in: .commune(c), during: range),
                                       open: try openCount(kind, in: .commune(c), on: cutoff), overdue: try overdueCount(kind, in: .commune(c), on: cutoff))
            if before {
                try events(kind, in: c, during: upTo) { e in
                    guard let named = e.namedPlace else { return true }
                    let f = e.lifecycleFigures(during: range, on: cutoff)
                    out[PlaceAsOf(commune: named.commune, hierarchy: .before2025), default: PlacedLifecycle()].add(f)
                    rest.add(f, -1)
                    return true
                }
            }
            if !rest.isZero { out[places.place(on: placesAsOf, current: c, named: nil, placedIn: c), default: PlacedLifecycle()].add(rest) }
        }
        return out.filter { !$0.value.isZero }
    }
}
