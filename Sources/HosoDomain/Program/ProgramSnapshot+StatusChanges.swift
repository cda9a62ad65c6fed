import HosoStore

/// What a status change is counted under: status, direction, cause and the kind of the event
/// that caused it (`nil` when a term ran out).
public struct StatusChangeKey: Sendable, Hashable, CustomStringConvertible {
    /// The status entered or left.
    public var status: Status
    /// Entry or exit.
    public var direction: StatusChange.Direction
    /// Why.
    public var cause: StatusChange.Cause
    /// The event kind that caused it; `nil` when a term ran out.
    public var event: PersonEvent.Kind?

    /// Creates a key.
    public init(status: Status, direction: StatusChange.Direction, cause: StatusChange.Cause, event: PersonEvent.Kind? = nil) {
        self.status = status; self.direction = direction; self.cause = cause; self.event = event
    }

    /// The key of a change.
    public init(_ change: StatusChange) {
        self.init(status: change.status, direction: change.direction, cause: change.cause, event: change.event)
    }

    public var description: String { "\(status.code) \(direction.code) \(cause.code) \(event?.code ?? "term")" }
}

/// Status changes of an area during a period, counted by ``StatusChangeKey``: the figures
/// "new", "arrived", "continued", "left" and "moved away" per status.
///
/// At the level of a province (or district) a move between two of its communes is not counted;
/// at the level of a commune every move in or out is. For every status, entries minus exits up
/// to a day is the number of persons in it on that day.
///
/// ```swift
/// let tally = try q.countStatusChanges(in: .province(20), during: Period.year(2025).range())
/// print(tally.new(.addict), tally.arrived(.addict), tally.left(.addict), tally.movedAway(.addict))   // 0 0 0 0
/// ```
public struct StatusChangeTally: Sendable, Hashable {
    /// Counts per key (keys with none are left out).
    public var counts: [StatusChangeKey: Int]

    /// Creates a tally.
    public init(_ counts: [StatusChangeKey: Int] = [:]) { self.counts = counts }

    /// The changes matching every given part of the key.
    public func count(_ status: Status? = nil, _ direction: StatusChange.Direction? = nil, _ cause: StatusChange.Cause? = nil) -> Int {
        counts.reduce(0) { n, kv in
            let k = kv.key
            guard status.map({ $0 == k.status }) ?? true, direction.map({ $0 == k.direction }) ?? true,
                  cause.map({ $0 == k.cause }) ?? true else { return n }
            return n + kv.value
        }
    }

    /// Real entries: decisions, determinations, rehab and methadone starts…
    public func new(_ status: Status) -> Int { count(status, .entry, .new) }
    /// Arrivals by a move (at province level: from outside the province).
    public func arrived(_ status: Status) -> Int { count(status, .entry, .arrived) }
    /// Terms restarted the day they ended (counted once, as entries).
    public func continued(_ status: Status) -> Int { count(status, .entry, .continued) }
    /// Real exits: terms over, completions, deaths, prison…
    public func left(_ status: Status) -> Int { count(status, .exit, .left) }
    /// Departures by a move (at province level: out of the province).
    public func movedAway(_ status: Status) -> Int { count(status, .exit, .movedAway) }
    /// Every entry (new, arrived, continued).
    public func entries(_ status: Status) -> Int { count(status, .entry) }
    /// Every exit (left, moved away, continued).
    public func exits(_ status: Status) -> Int { count(status, .exit) }

    mutating func add(_ key: StatusChangeKey, _ n: Int) {
        guard n != 0 else { return }
        let total = counts[key, default: 0] + n
        counts[key] = total == 0 ? nil : total
    }
}

extension ProgramSnapshot {
    // MARK: Status changes

    /// Visits the status changes in the communes of `area` during `range`, optionally only of
    /// `status`, commune by commune and in day order within one (index `person.status_change`,
    /// then each person's file for the change's event and other commune). Every move in or out
    /// of a commune is a row; ``StatusChange/counts(atDepth:)`` says whether it counts at the
    /// area's level. Returns `false` when `body` stopped it.
    ///
    /// ```swift
    /// var rows: [StatusChange] = []
    /// try q.statusChanges(in: .province(20), during: Period.year(2025).range(), status: .addict) { rows.append($0); return true }
    /// print(rows.count)   // 0
    /// ```
    @discardableResult
    public func statusChanges(in area: Area, during range: DayRange, status: Status? = nil,
                              _ body: (StatusChange) throws -> Bool) throws -> Bool {
        guard !range.isEmpty else { return true }
        for commune in program.communes(in: area) {
            var hits: [(RecordID, StatusChangeKey, Day)] = []
            try txn.ids(in: Person.byStatusChange, ProgramKeys.statusChanges(commune, range)) { key, id in
                let t = try Tuple.decode(key)
                let depth = commune.depth
                guard t.elements.count == depth + 5, let day = t.elements[depth].intValue,
                      let k = ProgramKeys.changeKey(ofSubgroup: Tuple(Array(t.elements[(depth + 1)...]))) else {
                    throw HosoError.corruptKey("status change key \(t) of person \(id)")
                }
                if status.map({ $0 == k.status }) ?? true { hits.append((id, k, Day(rawValue: Int32(truncatingIfNeeded: day)))) }
                return true
            }
            var cache: [RecordID: Person] = [:]
            for (id, key, day) in hits {
                let person: Person
                if let p = cache[id] { person = p } else {
                    guard let p = try txn.get(Person.self, id: id) else {
                        throw HosoError.corruptRecord(type: "person", id: id, reason: "index status_change names a missing person")
                    }
                    cache[id] = p; person = p
                }
                for c in person.statusChanges where c.date == day && c.commune == commune && StatusChangeKey(c) == key {
                    if try !body(c) { return false }
                }
            }
        }
        return true
    }

    /// The status changes of `area` during `range`, counted at the area's level (a move between
    /// two communes of a province is no change of the province), from the dated change indexes:
    /// per day for a province or district, per month for a commune with the days of partial
    /// months counted on `person.status_change`.
    ///
    /// ```swift
    /// let tally = try q.countStatusChanges(in: .commune(congSon), during: Period.quarter(year: 2025, quarter: 2).range())
    /// print(tally.new(.illegalUser), tally.arrived(.illegalUser))   // 0 0
    /// ```
    public func countStatusChanges(in area: Area, during range: DayRange) throws -> StatusChangeTally {
        var tally = StatusChangeTally()
        var remainder: [DayRange] = []
        let group = ProgramKeys.areaGroupTuple(area)
        for (sub, n) in try txn.datedCounts(ProgramKeys.changeIndex(for: area), group: group, in: range, remainder: &remainder) {
            if let k = ProgramKeys.changeKey(ofSubgroup: sub) { tally.add(k, Int(n)) }
        }
        if case .commune(let commune) = area {
            for days in remainder {
                try txn.ids(in: Person.byStatusChange, ProgramKeys.statusChanges(commune, days)) { key, _ in
                    let t = try Tuple.decode(key)
                    let depth = commune.depth
                    guard t.elements.count == depth + 5, let k = ProgramKeys.changeKey(ofSubgroup: Tuple(Array(t.elements[(depth + 1)...]))) else {
                        throw HosoError.corruptKey("status change key \(t)")
                    }
                    tally.add(k, 1)
                    return true
                }
            }
        }
        return tally
    }

    /// ``countStatusChanges(in:during:)`` for every commune of `area` (communes with no change
    /// are left out).
    ///
    /// ```swift
    /// let perCommune = try q.countStatusChangesByCommune(in: .province(20), during: Period.year(2025).range())
    /// print(perCommune.count)   // 0
    /// ```
    public func countStatusChangesByCommune(in area: Area, during range: DayRange) throws -> [CommuneRef: StatusChangeTally] {
        var out: [CommuneRef: StatusChangeTally] = [:]
        for commune in program.communes(in: area) {
            let t = try countStatusChanges(in: .commune(commune), during: range)
            if !t.counts.isEmpty { out[commune] = t }
        }
        return out
    }
}

extension ProgramTenant {
    /// The status changes in the communes of `area` during `range`, optionally only of
    /// `status` (see ``ProgramSnapshot/statusChanges(in:during:status:_:)``).
    ///
    /// ```swift
    /// let rows = try program.statusChanges(in: .province(20), during: Period.year(2025).range())
    /// print(rows.count)   // 0
    /// ```
    public func statusChanges(in area: Area, during range: DayRange, status: Status? = nil) throws -> [StatusChange] {
        var out: [StatusChange] = []
        try read { try $0.statusChanges(in: area, during: range, status: status) { out.append($0); return true } }
        return out
    }

    /// The status changes of `area` during `range` counted at its level (see
    /// ``ProgramSnapshot/countStatusChanges(in:during:)``).
    ///
    /// ```swift
    /// let tally = try program.countStatusChanges(in: .province(20), during: Period.year(2025).range())
    /// print(tally.new(.illegalUser))   // 0
    /// ```
    public func countStatusChanges(in area: Area, during range: DayRange) throws -> StatusChangeTally {
        try read { try $0.countStatusChanges(in: area, during: range) }
    }

    /// The status changes per commune of `area` during `range`.
    ///
    /// ```swift
    /// let perCommune = try program.countStatusChangesByCommune(in: .province(20), during: Period.year(2025).range())
    /// print(perCommune.isEmpty)   // true
    /// ```
    public func countStatusChangesByCommune(in area: Area, during range: DayRange) throws -> [CommuneRef: StatusChangeTally] {
        try read { try $0.countStatusChangesByCommune(in: area, during: range) }
    }
}
