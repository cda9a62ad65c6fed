import HosoStore

extension ProgramTenant {
    // MARK: Persons by status on a day or in a period (temporal indexes)

    /// How many persons were in `status` in `area` on `day`: entries into the status up to that
    /// day minus exits, from the dated status-flow index (a handful of short key scans).
    ///
    /// ```swift
    /// let n = try program.countPersons(.addict, in: .province(20), on: Day(year: 2025, month: 12, day: 10)!)
    /// ```
    public func countPersons(_ status: Status, in area: Area, on day: Day) throws -> Int {
        try tenant.read { txn in
            let through = DayRange(Day(rawValue: Int32.min + 1), day.adding(days: 1))
            return try flow(txn, .start, area, status, through)[status, default: 0] - flow(txn, .end, area, status, through)[status, default: 0]
        }
    }

    /// Persons per status in `area` on `day` (statuses with none are left out).
    public func countPersonsByStatus(in area: Area, on day: Day) throws -> [Status: Int] {
        try tenant.read { txn in
            let through = DayRange(Day(rawValue: Int32.min + 1), day.adding(days: 1))
            let entered = try flow(txn, .start, area, nil, through)
            let left = try flow(txn, .end, area, nil, through)
            var out: [Status: Int] = [:]
            for (s, n) in entered where n - left[s, default: 0] != 0 { out[s] = n - left[s, default: 0] }
            return out
        }
    }

    /// How many persons entered (`edge: .start`) or left (`edge: .end`) `status` in `area`
    /// during `range`. A move between two communes of the area is neither, and neither is a
    /// stretch that continues the previous one in the same status and area: entering means the
    /// status in the area was not held the day before.
    public func countFlow(_ status: Status, _ edge: IntervalEdge, in area: Area, during range: DayRange) throws -> Int {
        try tenant.read { txn in try flow(txn, edge, area, status, range)[status, default: 0] }
    }

    /// Entries or exits per status in `area` during `range`: the dated flow index of the
    /// province (or district) by day, or of the commune by month with the days of partial months
    /// counted on the interval index (at commune level an entry is exactly an interval's start).
    func flow(_ txn: borrowing TenantReader, _ edge: IntervalEdge, _ area: Area, _ status: Status?, _ range: DayRange) throws -> [Status: Int] {
        let group = flowGroup(edge == .start ? 0 : 1, area)
        var remainder: [DayRange] = []
        var out: [Status: Int] = [:]
        let index: IndexDefinition
        if case .commune = area { index = Person.communeFlow } else { index = Person.statusFlow }
        if let status {
            let n = try txn.datedCount(index, group: group, subgroup: [.int(Int64(status.rawValue))], in: range, remainder: &remainder)
            out[status] = Int(n)
        } else {
            for (sub, n) in try txn.datedCounts(index, group: group, in: range, remainder: &remainder) {
                if let raw = sub.elements.first?.intValue, let s = Status(rawValue: Int(raw)) { out[s, default: 0] += Int(n) }
            }
        }
        if case .commune(let c) = area, !remainder.isEmpty {
            for s in status.map({ [$0] }) ?? Status.allCases {
                let groupKey = KeyBytes { $0.append(s.rawValue); c.append(to: &$0) }
                for days in remainder {
                    let n = try txn.intervalCount(Person.statusIntervals, group: groupKey, edge: edge, in: days)
                    if n > 0 { out[s, default: 0] += n }
                }
            }
        }
        return out
    }

    /// The persons in `status` in `area` on `day`, by id, from the interval index.
    public func persons(_ status: Status, in area: Area, on day: Day) throws -> [RecordID] {
        var ids = Set<RecordID>()
        try tenant.read { txn in
            try txn.intervals(Person.statusIntervals, groups(status, area), on: day) { ids.insert($0.id) }
        }
        return ids.sorted()
    }

    /// The persons who entered or left `status` in `area` during `range` (counting a move into
    /// or out of a commune of the area as entering or leaving it), by id.
    public func persons(_ status: Status, _ edge: IntervalEdge, in area: Area, during range: DayRange) throws -> [RecordID] {
        var ids = Set<RecordID>()
        try tenant.read { txn in
            try txn.intervals(Person.statusIntervals, groups(status, area), edge: edge, in: range) { ids.insert($0.id) }
        }
        return ids.sorted()
    }

    // MARK: Current persons (as of the tenant's current day)

    /// Persons whose status is `status` now, in `area`: one key read of the count index.
    public func currentCount(_ status: Status, in area: Area) throws -> Int {
        let path = area.path
        let key = KeyBytes { k in
            k.append(path.count)
            for p in path { k.append(p) }
            k.append(status.rawValue)
        }
        return try tenant.read { txn in Int(try txn.count(Person.currentCounts, key)) }
    }

    /// Current persons per status in `area`.
    public func currentCounts(in area: Area) throws -> [Status: Int] {
        var out: [Status: Int] = [:]
        try tenant.read { txn in
            let prefix = Tuple([.int(Int64(area.path.count))]).appending(area.tuple)
            try txn.counts(Person.currentCounts, .prefix(prefix)) { key, n in
                if key.elements.count == prefix.elements.count + 1, let raw = key.elements.last?.intValue, let s = Status(rawValue: Int(raw)) {
                    out[s] = Int(n)
                }
            }
        }
        return out
    }

    /// Current persons of `area`, optionally only those in `status`, in key then id order, paged.
    @discardableResult
    public func currentPersons(in area: Area, status: Status? = nil, after continuation: Continuation? = nil, limit: Int? = nil,
                               _ body: (Person) throws -> Bool) throws -> Continuation? {
        try tenant.read { txn in
            if let status {
                return try txn.records(Person.self, in: Person.byStatusCommune,
                                       .prefix(Tuple([.int(Int64(status.rawValue))]).appending(area.tuple)),
                                       after: continuation, limit: limit, body)
            }
            return try txn.records(Person.self, in: Person.byCommune, .prefix(area.tuple), after: continuation, limit: limit, body)
        }
    }

    /// The person holding a national ID.
    public func person(nationalID: String) throws -> Person? {
        try tenant.read { txn in
            guard let id = try txn.lookup(Person.byNationalID, [.string(nationalID)]) else { return nil }
            return try txn.get(Person.self, id: id)
        }
    }

    /// The person with `id`.
    public func person(id: RecordID) throws -> Person? { try tenant.read { try $0.get(Person.self, id: id) } }

    // MARK: Case events

    /// Case events per kind in `area` during `range`, from the dated count index.
    ///
    /// ```swift
    /// let byKind = try program.countEvents(in: .commune(congSon), during: Period.month(year: 2025, month: 6).range())
    /// ```
    public func countEvents(in area: Area, during range: DayRange) throws -> [CaseEvent.Kind: Int] {
        try tenant.read { txn in
            var out: [CaseEvent.Kind: Int] = [:]
            var remainder: [DayRange] = []
            let index = area.path.count == 1 ? CaseEvent.perDay : CaseEvent.perMonth
            let path = area.path
            let group = KeyBytes { k in k.append(path.count); for p in path { k.append(p) } }
            for (code, n) in try txn.datedCountsByCode(index, group: group, in: range, remainder: &remainder) {
                if let k = CaseEvent.Kind(rawValue: Int(code)) { out[k, default: 0] += Int(n) }
            }
            // Partial months of a commune or district: count the entries of the commune/kind/day index.
            for days in remainder {
                for commune in communes(in: area) {
                    for kind in CaseEvent.Kind.allCases {
                        let n = try txn.entryCount(in: CaseEvent.byCommuneKindDate, eventDays(commune, kind, days))
                        if n > 0 { out[kind, default: 0] += n }
                    }
                }
            }
            return out
        }
    }

    /// The sum of `measure` over events of `kind` in `area` during `range` (plants destroyed,
    /// persons arrested…), from the dated sum indexes (and, for days inside a month of a
    /// commune, the events of those days).
    public func sumEvents(_ measure: CaseEvent.Measure, kind: CaseEvent.Kind, in area: Area, during range: DayRange) throws -> Int {
        try tenant.read { txn in
            var remainder: [DayRange] = []
            let index = area.path.count == 1 ? CaseEvent.amountsPerDay : CaseEvent.amountsPerMonth
            var total = Int(try txn.datedCount(index, group: areaGroup(area), subgroup: [.int(Int64(kind.rawValue)), .int(Int64(measure.rawValue))],
                                               in: range, remainder: &remainder))
            for days in remainder {
                for commune in communes(in: area) {
                    try txn.records(CaseEvent.self, in: CaseEvent.byCommuneKindDate, eventDays(commune, kind, days)) { total += $0.amount(measure); return true }
                }
            }
            return total
        }
    }

    /// The tenant's communes inside `area`.
    func communes(in area: Area) -> [CommuneRef] {
        if case .commune(let c) = area { return [c] }
        return settings.communes.map(\.ref).filter { $0.path.starts(with: area.path) }
    }

    /// The keys of events of `kind` in `commune` on the days `range`.
    func eventDays(_ commune: CommuneRef, _ kind: CaseEvent.Kind, _ range: DayRange) -> KeyRange {
        let base = commune.tuple.appending(.int(Int64(kind.rawValue)))
        return .between(base.appending(.int(Int64(range.start.rawValue))), base.appending(.int(Int64(range.end.rawValue))))
    }

    /// Case events of `kind` in `commune` during `range`, in date then id order.
    public func events(_ kind: CaseEvent.Kind, in commune: CommuneRef, during range: DayRange) throws -> [CaseEvent] {
        var out: [CaseEvent] = []
        _ = try tenant.read { txn in
            try txn.records(CaseEvent.self, in: CaseEvent.byCommuneKindDate, eventDays(commune, kind, range)) { out.append($0); return true }
        }
        return out
    }

    /// Case events that involve person `id`.
    public func events(involving id: RecordID) throws -> [CaseEvent] {
        var out: [CaseEvent] = []
        _ = try tenant.read { txn in
            try txn.records(CaseEvent.self, in: CaseEvent.byPerson, .exactly([.int(Int64(bitPattern: id))])) { out.append($0); return true }
        }
        return out
    }

    // MARK: Keys

    func flowGroup(_ edge: Int64, _ area: Area) -> Tuple {
        Tuple([.int(edge), .int(Int64(area.path.count))]).appending(area.tuple)
    }
    func areaGroup(_ area: Area) -> Tuple { Tuple([.int(Int64(area.path.count))]).appending(area.tuple) }
    func groups(_ status: Status, _ area: Area) -> KeyRange {
        let t = Tuple([.int(Int64(status.rawValue))]).appending(area.tuple)
        if case .commune = area { return .exactly(t) }
        return .prefix(t)
    }
}
