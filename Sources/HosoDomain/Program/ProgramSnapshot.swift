import HosoStore

/// One consistent view of a program tenant, inside ``ProgramTenant/read(_:)``: the row
/// sources, lookups and counts of the program's questions, every one answered from an index
/// (or a scan where it says so) and all on the same snapshot. Do not keep it past its closure.
///
/// Row sources visit records in key order and stop when `body` returns `false`; they return
/// `false` when they were stopped.
///
/// ```swift
/// let (n, first) = try program.read { q in
///     var first: Person?
///     try q.currentPersons(in: .province(20), status: .addict) { first = $0; return false }
///     return (try q.currentCount(.addict, in: .province(20)), first)
/// }
/// print(n, first == nil)   // 0 true
/// ```
public struct ProgramSnapshot: ~Copyable {
    let txn: TenantReader
    let program: ProgramTenant

    // MARK: Persons

    /// The person with `id`.
    ///
    /// ```swift
    /// let p = try q.person(id: 42)
    /// print(p == nil)   // true
    /// ```
    public func person(id: RecordID) throws -> Person? { try txn.get(Person.self, id: id) }

    /// Whether a person with `id` is on file.
    ///
    /// ```swift
    /// if try !q.containsPerson(id: 42) {
    ///     print("no person 42")   // no person 42
    /// }
    /// ```
    public func containsPerson(id: RecordID) throws -> Bool { try txn.contains(Person.self, id: id) }

    /// The person holding a national ID (unique index `person.national_id`).
    ///
    /// ```swift
    /// let p = try q.person(nationalID: "020090001234")
    /// print(p == nil)   // true
    /// ```
    public func person(nationalID: String) throws -> Person? {
        guard let id = try personID(nationalID: nationalID) else { return nil }
        return try txn.get(Person.self, id: id)
    }

    /// The id of the person holding a national ID (unique index `person.national_id`): `nil`
    /// when no one holds it, or for a role without personal fields.
    func personID(nationalID: String) throws -> RecordID? {
        let key: String
        do {
            key = try txn.lookupValue(nationalID)   // a sealed tenant indexes the digest
        } catch HosoError.sealing where !ProgramAccess(for: txn.principal, settings: program.settings).readsPersonalFields {
            return nil   // a role without personal fields finds no one by national ID, sealed or not
        }
        return try txn.lookup(Person.byNationalID, ProgramKeys.nationalIDKey(key))
    }

    /// How many persons are on file.
    ///
    /// ```swift
    /// let n = try q.personCount()
    /// print(n)   // 0
    /// ```
    public func personCount() throws -> Int { try txn.recordCount(Person.self) }

    /// How many persons the tenant stores, whatever the handle's role may read: the size a
    /// planner weighs a scan by (page statistics, no scan), not an answer to show.
    public func storedPersonCount() throws -> Int { try txn.storedRecordCount(Person.self) }

    /// Visits the persons with the given ids that are on file, in the order given.
    ///
    /// ```swift
    /// try q.persons(ids: [3, 7]) { print($0.fullName); return true }
    /// ```
    @discardableResult
    public func persons(ids: some Sequence<RecordID>, _ body: (Person) throws -> Bool) throws -> Bool {
        for id in ids {
            if let p = try txn.get(Person.self, id: id), try !body(p) { return false }
        }
        return true
    }

    /// Visits every person, in id order (a full scan).
    ///
    /// ```swift
    /// try q.allPersons { p in print(p.id); return true }
    /// ```
    @discardableResult
    public func allPersons(_ body: (Person) throws -> Bool) throws -> Bool {
        try txn.scan(Person.self, body) == nil
    }

    /// Visits, in id order, the persons whose own fields satisfy `filter`: a full scan that
    /// decides the filter on each file's stored bytes and decodes only the files that pass.
    /// `rejected`, when given, is told the id of every file examined and turned away (a caller
    /// that logs whose personal fields it compared). Returns `false` when `body` stopped it.
    ///
    /// ```swift
    /// var n = 0
    /// try q.persons(matching: PersonFilter([.occupation(["Lái xe"])])) { _ in n += 1; return true }
    /// print(n)   // 0
    /// ```
    @discardableResult
    public func persons(matching filter: PersonFilter, rejected: ((RecordID) throws -> Void)? = nil,
                        _ body: (Person) throws -> Bool) throws -> Bool {
        try txn.scan(Person.self, where: filter.fieldFilter, rejected: rejected, body) == nil
    }

    /// How many persons' own fields satisfy `filter`, decided on the stored bytes with no file
    /// decoded (on every core for a large tenant). `examined`, when given, is handed the ids of
    /// every file whose fields were compared (every file the reader may see), in ascending
    /// order, in a few arrays: a caller that logs whose personal fields it compared.
    ///
    /// ```swift
    /// print(try q.countPersons(matching: PersonFilter([.sex([.female]), .notPresent(true)])))   // 0
    /// var compared = 0
    /// _ = try q.countPersons(matching: PersonFilter([.occupation(["Lái xe"])])) { compared += $0.count }
    /// print(compared)   // 0
    /// ```
    public func countPersons(matching filter: PersonFilter, examined: (([RecordID]) throws -> Void)? = nil) throws -> Int {
        try txn.count(Person.self, where: filter.fieldFilter, examined: examined)
    }

    /// Up to `limit` persons in id order after `continuation` (nil: from the first); returns
    /// where the next page starts, nil after the last person. Lets a reader page through the
    /// snapshot (the shell's SQL scans in pages instead of holding a whole table).
    ///
    /// ```swift
    /// var page = 0
    /// let next = try q.allPersons(after: nil, limit: 2) { _ in page += 1; return true }
    /// print(page <= 2, next == nil || page == 2)   // true true
    /// ```
    @discardableResult
    public func allPersons(after continuation: Continuation?, limit: Int, _ body: (Person) throws -> Bool) throws -> Continuation? {
        try txn.scan(Person.self, after: continuation, limit: limit, body)
    }

    /// Visits the persons of `area` now (as of the tenant's current day), optionally only
    /// those in `status`, in key then id order, paged (indexes `person.status_commune` and
    /// `person.commune`). Returns where to go on when `limit` stopped it or `body` returned false.
    ///
    /// ```swift
    /// var page: [Person] = []
    /// let next = try q.currentPersons(in: .commune(congSon), status: .addict, limit: 100) { page.append($0); return true }
    /// print(page.count, next == nil)   // 0 true
    /// ```
    @discardableResult
    public func currentPersons(in area: Area, status: Status? = nil, after continuation: Continuation? = nil, limit: Int? = nil,
                               _ body: (Person) throws -> Bool) throws -> Continuation? {
        if let status {
            return try txn.records(Person.self, in: Person.byStatusCommune, ProgramKeys.statusCommunes(status, in: area),
                                   after: continuation, limit: limit, body)
        }
        return try txn.records(Person.self, in: Person.byCommune, ProgramKeys.communes(in: area), after: continuation, limit: limit, body)
    }

    /// The persons in any of `statuses` in any of `areas` on `day`, by id, sorted, each once
    /// (interval index `person.status_interval`).
    ///
    /// ```swift
    /// let ids = try q.personIDs([.addict, .methadone], in: [.province(20)], on: Day(year: 2025, month: 12, day: 10)!)
    /// print(ids)   // []
    /// ```
    public func personIDs(_ statuses: some Sequence<Status>, in areas: [Area], on day: Day) throws -> [RecordID] {
        var ids = Set<RecordID>()
        for status in statuses {
            for area in areas {
                try txn.intervals(Person.statusIntervals, ProgramKeys.statusIntervals(status, in: area), on: day) { ids.insert($0.id) }
            }
        }
        return ids.sorted()
    }

    /// The persons who entered (`edge: .start`) or left (`edge: .end`) any of `statuses` in any
    /// of `areas` during `range` (counting a move into or out of a commune of an area as
    /// entering or leaving it), by id, sorted, each once (interval index by start or by end).
    ///
    /// ```swift
    /// let ids = try q.personIDs([.illegalUser], .start, in: [.province(20)], during: Period.quarter(year: 2025, quarter: 1).range())
    /// print(ids)   // []
    /// ```
    public func personIDs(_ statuses: some Sequence<Status>, _ edge: IntervalEdge, in areas: [Area], during range: DayRange) throws -> [RecordID] {
        var ids = Set<RecordID>()
        for status in statuses {
            for area in areas {
                try txn.intervals(Person.statusIntervals, ProgramKeys.statusIntervals(status, in: area), edge: edge, in: range) { ids.insert($0.id) }
            }
        }
        return ids.sorted()
    }

    // MARK: Counts of persons

    /// How many persons were in `status` in `area` on `day`: entries into the status up to that
    /// day minus exits, from the dated flow indexes (a handful of short key scans).
    ///
    /// ```swift
    /// let n = try q.countPersons(.addict, in: .province(20), on: Day(year: 2025, month: 12, day: 10)!)
    /// print(n)   // 0
    /// ```
    public func countPersons(_ status: Status, in area: Area, on day: Day) throws -> Int {
        // Entries minus exits in one read of the flow index (both series, one cursor); days an
        // index of months hands back come from the interval index, for each edge.
        let through = Self.through(day)
        var remainder: [DayRange] = []
        var n = Int(try txn.datedCountDifference(ProgramKeys.flowIndex(for: area), group: ProgramKeys.flowGroupKey(.start, in: area),
                                                 minus: ProgramKeys.flowGroupKey(.end, in: area),
                                                 subgroup: ProgramKeys.status(Int64(status.rawValue)), in: through, remainder: &remainder))
        if !remainder.isEmpty {
            n += try leftoverFlow(.start, area, status, remainder) - leftoverFlow(.end, area, status, remainder)
        }
        return n
    }

    /// ``flow(_:_:_:_:)`` of one status, as a number.
    func flowCount(_ edge: IntervalEdge, _ area: Area, _ status: Status, _ range: DayRange) throws -> Int {
        var remainder: [DayRange] = []
        var n = Int(try txn.datedCount(ProgramKeys.flowIndex(for: area), group: ProgramKeys.flowGroupKey(edge, in: area),
                                       subgroup: ProgramKeys.status(Int64(status.rawValue)), in: range, remainder: &remainder))
        if !remainder.isEmpty { n += try leftoverFlow(edge, area, status, remainder) }
        return n
    }

    /// The flow of one status over the days a flow index of months only handed back (the
    /// partial months), from the interval index: only a commune's flow index keeps months only.
    private func leftoverFlow(_ edge: IntervalEdge, _ area: Area, _ status: Status, _ days: [DayRange]) throws -> Int {
        guard case .commune(let c) = area else { return 0 }
        let group = ProgramKeys.statusInterval(status, c)
        var n = 0
        for range in days { n += try txn.intervalCount(Person.statusIntervals, group: group, edge: edge, in: range) }
        return n
    }

    /// Persons per status in `area` on `day` (statuses with none are left out).
    ///
    /// ```swift
    /// let byStatus = try q.countPersonsByStatus(in: .commune(congSon), on: Day(year: 2025, month: 12, day: 10)!)
    /// print(byStatus[.addict] ?? 0)   // 0
    /// ```
    public func countPersonsByStatus(in area: Area, on day: Day) throws -> [Status: Int] {
        let through = Self.through(day)
        let entered = try flow(.start, area, nil, through)
        let left = try flow(.end, area, nil, through)
        var out: [Status: Int] = [:]
        for (s, n) in entered where n - left[s, default: 0] != 0 { out[s] = n - left[s, default: 0] }
        return out
    }

    /// How many persons entered (`edge: .start`) or left (`edge: .end`) `status` in `area`
    /// during `range`. A move between two communes of the area is neither, and neither is a
    /// stretch that continues the previous one in the same status and area: entering means the
    /// status in the area was not held the day before.
    ///
    /// ```swift
    /// let entered = try q.countFlow(.addict, .start, in: .province(20), during: Period.year(2025).range())
    /// print(entered)   // 0
    /// ```
    public func countFlow(_ status: Status, _ edge: IntervalEdge, in area: Area, during range: DayRange) throws -> Int {
        try flowCount(edge, area, status, range)
    }

    /// Persons whose status is `status` now, in `area`: one key read of the count index.
    ///
    /// ```swift
    /// let n = try q.currentCount(.addict, in: .commune(congSon))
    /// print(n)   // 0
    /// ```
    public func currentCount(_ status: Status, in area: Area) throws -> Int {
        Int(try txn.count(Person.currentCounts, ProgramKeys.currentCount(status, in: area)))
    }

    /// Current persons per status in `area` (statuses with none are left out).
    ///
    /// ```swift
    /// let byStatus = try q.currentCounts(in: .province(20))
    /// print(byStatus[.addict] ?? 0)   // 0
    /// ```
    public func currentCounts(in area: Area) throws -> [Status: Int] {
        var out: [Status: Int] = [:]
        let (range, statusAt) = ProgramKeys.currentCounts(in: area)
        try txn.counts(Person.currentCounts, range) { key, n in
            if key.elements.count == statusAt + 1, let raw = key.elements.last?.intValue, let s = Status(rawValue: Int(raw)) {
                out[s] = Int(n)
            }
        }
        return out
    }

    /// `[−∞, day + 1)`: everything up to and including `day`.
    static func through(_ day: Day) -> DayRange { DayRange(Day(rawValue: Int32.min + 1), day.adding(days: 1)) }

    /// Entries or exits per status in `area` during `range`: the dated flow index of the
    /// province (or district) by day, or of the commune by month with the days of partial months
    /// counted on the interval index (at commune level an entry is exactly an interval's start).
    func flow(_ edge: IntervalEdge, _ area: Area, _ status: Status?, _ range: DayRange) throws -> [Status: Int] {
        let group = ProgramKeys.flowGroup(edge, in: area)
        let index = ProgramKeys.flowIndex(for: area)
        var remainder: [DayRange] = []
        var out: [Status: Int] = [:]
        if let status {
            let n = try txn.datedCount(index, group: group, subgroup: ProgramKeys.statusSubgroup(status), in: range, remainder: &remainder)
            out[status] = Int(n)
        } else {
            for (sub, n) in try txn.datedCounts(index, group: group, in: range, remainder: &remainder) {
                if let s = ProgramKeys.status(ofSubgroup: sub) { out[s, default: 0] += Int(n) }
            }
        }
        if case .commune(let c) = area, !remainder.isEmpty {
            for s in status.map({ [$0] }) ?? Status.allCases {
                let group = ProgramKeys.statusInterval(s, c)
                for days in remainder {
                    let n = try txn.intervalCount(Person.statusIntervals, group: group, edge: edge, in: days)
                    if n > 0 { out[s, default: 0] += n }
                }
            }
        }
        return out
    }

    // MARK: Case events

    /// The case event with `id`.
    ///
    /// ```swift
    /// let e = try q.event(id: 9)
    /// print(e == nil)   // true
    /// ```
    public func event(id: RecordID) throws -> CaseEvent? { try txn.get(CaseEvent.self, id: id) }

    /// Whether a case event with `id` is on file.
    ///
    /// ```swift
    /// if try q.containsEvent(id: 9) { print("event 9 exists") }
    /// ```
    public func containsEvent(id: RecordID) throws -> Bool { try txn.contains(CaseEvent.self, id: id) }

    /// How many case events are on file.
    ///
    /// ```swift
    /// let n = try q.eventCount()
    /// print(n)   // 0
    /// ```
    public func eventCount() throws -> Int { try txn.recordCount(CaseEvent.self) }

    /// How many case events the tenant stores, whatever the handle's role may read: a
    /// planner's estimate (page statistics), not an answer to show.
    public func storedEventCount() throws -> Int { try txn.storedRecordCount(CaseEvent.self) }

    /// Visits the case events with the given ids that are on file, in the order given.
    ///
    /// ```swift
    /// try q.events(ids: [9, 10]) { print($0.kind); return true }
    /// ```
    @discardableResult
    public func events(ids: some Sequence<RecordID>, _ body: (CaseEvent) throws -> Bool) throws -> Bool {
        for id in ids {
            if let e = try txn.get(CaseEvent.self, id: id), try !body(e) { return false }
        }
        return true
    }

    /// Visits every case event, in id order (a full scan).
    ///
    /// ```swift
    /// try q.allEvents { e in print(e.id); return true }
    /// ```
    @discardableResult
    public func allEvents(_ body: (CaseEvent) throws -> Bool) throws -> Bool {
        try txn.scan(CaseEvent.self, body) == nil
    }

    /// Up to `limit` case events in id order after `continuation` (nil: from the first);
    /// returns where the next page starts, nil after the last event.
    ///
    /// ```swift
    /// var page = 0
    /// let next = try q.allEvents(after: nil, limit: 2) { _ in page += 1; return true }
    /// print(page <= 2, next == nil || page == 2)   // true true
    /// ```
    @discardableResult
    public func allEvents(after continuation: Continuation?, limit: Int, _ body: (CaseEvent) throws -> Bool) throws -> Continuation? {
        try txn.scan(CaseEvent.self, after: continuation, limit: limit, body)
    }

    /// Visits the case events of `kind` in `commune` during `range`, in date then id order
    /// (index `event.commune_kind_date`).
    ///
    /// ```swift
    /// try q.events(.drugCase, in: congSon, during: Period.month(year: 2025, month: 6).range()) { print($0.id); return true }
    /// ```
    @discardableResult
    public func events(_ kind: CaseEvent.Kind, in commune: CommuneRef, during range: DayRange, _ body: (CaseEvent) throws -> Bool) throws -> Bool {
        try txn.records(CaseEvent.self, in: CaseEvent.byCommuneKindDate, ProgramKeys.communeKindDays(commune, kind, range), body) == nil
    }

    /// Visits the case events during `range`, in date then id order (index `event.date`).
    ///
    /// ```swift
    /// try q.events(during: Period.half(year: 2025, half: 1).range()) { print($0.date); return true }
    /// ```
    @discardableResult
    public func events(during range: DayRange, _ body: (CaseEvent) throws -> Bool) throws -> Bool {
        try txn.records(CaseEvent.self, in: CaseEvent.byDate, ProgramKeys.days(range), body) == nil
    }

    /// Visits the case events that involve person `id` (index `event.person`).
    ///
    /// ```swift
    /// try q.events(involving: 42) { print($0.kind); return true }
    /// ```
    @discardableResult
    public func events(involving id: RecordID, _ body: (CaseEvent) throws -> Bool) throws -> Bool {
        try txn.records(CaseEvent.self, in: CaseEvent.byPerson, ProgramKeys.events(involving: id), body) == nil
    }

    // MARK: Counts and sums of case events

    /// Case events per kind in `area` during `range`, from the dated count indexes (and, for
    /// days inside a month of a commune or district, the entries of those days).
    ///
    /// ```swift
    /// let byKind = try q.countEvents(in: .commune(congSon), during: Period.month(year: 2025, month: 6).range())
    /// print(byKind[.drugCase] ?? 0)   // 0
    /// ```
    public func countEvents(in area: Area, during range: DayRange) throws -> [CaseEvent.Kind: Int] {
        var out: [CaseEvent.Kind: Int] = [:]
        var remainder: [DayRange] = []
        for (code, n) in try txn.datedCountsByCode(ProgramKeys.eventCountIndex(for: area), group: ProgramKeys.areaGroup(area),
                                                   in: range, remainder: &remainder) {
            if let k = CaseEvent.Kind(rawValue: Int(code)) { out[k, default: 0] += Int(n) }
        }
        // Partial months of a commune or district: count the entries of the commune/kind/day index.
        for days in remainder {
            for commune in program.communes(in: area) {
                for kind in CaseEvent.Kind.allCases {
                    let n = try txn.entryCount(in: CaseEvent.byCommuneKindDate, ProgramKeys.communeKindDays(commune, kind, days))
                    if n > 0 { out[kind, default: 0] += n }
                }
            }
        }
        return out
    }

    /// The sum of `measure` over events of `kind` in `area` during `range` (plants destroyed,
    /// persons arrested…), from the dated sum indexes (and, for days inside a month of a
    /// commune, the events of those days).
    ///
    /// ```swift
    /// let plants = try q.sumEvents(.plants, kind: .cultivation, in: .province(20), during: Period.year(2025).range())
    /// print(plants)   // 0
    /// ```
    public func sumEvents(_ measure: CaseEvent.Measure, kind: CaseEvent.Kind, in area: Area, during range: DayRange) throws -> Int {
        var remainder: [DayRange] = []
        var total = Int(try txn.datedCount(ProgramKeys.eventAmountIndex(for: area), group: ProgramKeys.areaGroupTuple(area),
                                           subgroup: ProgramKeys.kindMeasure(kind, measure), in: range, remainder: &remainder))
        for days in remainder {
            for commune in program.communes(in: area) {
                try events(kind, in: commune, during: days) { total += $0.amount(measure); return true }
            }
        }
        return total
    }
}

extension ProgramTenant {
    /// Runs `body` on one consistent snapshot of the tenant (one read transaction): for
    /// several questions that must agree with each other. Keep it short.
    ///
    /// ```swift
    /// let (persons, events) = try program.read { q in (try q.personCount(), try q.eventCount()) }
    /// print(persons, events)   // 0 0
    /// ```
    @discardableResult
    public func read<T>(_ body: (borrowing ProgramSnapshot) throws -> T) throws -> T {
        try tenant.read(as: { ProgramSnapshot(txn: $0, program: self) }) { try body($0) }
    }

    /// The tenant's communes inside `area`.
    func communes(in area: Area) -> [CommuneRef] {
        if case .commune(let c) = area { return [c] }
        return settings.communes.map(\.ref).filter { $0.path.starts(with: area.path) }
    }
}
