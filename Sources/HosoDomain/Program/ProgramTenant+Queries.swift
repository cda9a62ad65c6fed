import HosoStore

// The program's questions, each on a snapshot of its own. ``ProgramSnapshot`` answers them all
// on one snapshot (``ProgramTenant/read(_:)``); the indexes and keys are in ProgramIndexes.swift.

extension ProgramTenant {
    // MARK: Persons by status on a day or in a period (temporal indexes)

    /// How many persons were in `status` in `area` on `day`: entries into the status up to that
    /// day minus exits, from the dated status-flow index (a handful of short key scans).
    ///
    /// ```swift
    /// let n = try program.countPersons(.addict, in: .province(20), on: Day(year: 2025, month: 12, day: 10)!)
    /// print(n)   // 0
    /// ```
    public func countPersons(_ status: Status, in area: Area, on day: Day) throws -> Int {
        try read { try $0.countPersons(status, in: area, on: day) }
    }

    /// Persons per status in `area` on `day` (statuses with none are left out).
    ///
    /// ```swift
    /// let byStatus = try program.countPersonsByStatus(in: .province(20), on: Day(year: 2025, month: 12, day: 10)!)
    /// print(byStatus[.addict] ?? 0)   // 0
    /// ```
    public func countPersonsByStatus(in area: Area, on day: Day) throws -> [Status: Int] {
        try read { try $0.countPersonsByStatus(in: area, on: day) }
    }

    /// How many persons entered (`edge: .start`) or left (`edge: .end`) `status` in `area`
    /// during `range` (see ``ProgramSnapshot/countFlow(_:_:in:during:)``).
    ///
    /// ```swift
    /// let entered = try program.countFlow(.addict, .start, in: .province(20), during: Period.quarter(year: 2025, quarter: 1).range())
    /// print(entered)   // 0
    /// ```
    public func countFlow(_ status: Status, _ edge: IntervalEdge, in area: Area, during range: DayRange) throws -> Int {
        try read { try $0.countFlow(status, edge, in: area, during: range) }
    }

    /// The persons in `status` in `area` on `day`, by id, from the interval index.
    ///
    /// ```swift
    /// let ids = try program.persons(.addict, in: .commune(congSon), on: Day(year: 2025, month: 12, day: 10)!)
    /// print(ids)   // []
    /// ```
    public func persons(_ status: Status, in area: Area, on day: Day) throws -> [RecordID] {
        try read { try $0.personIDs([status], in: [area], on: day) }
    }

    /// The persons who entered or left `status` in `area` during `range` (counting a move into
    /// or out of a commune of the area as entering or leaving it), by id.
    ///
    /// ```swift
    /// let ids = try program.persons(.illegalUser, .start, in: .province(20), during: Period.year(2025).range())
    /// print(ids)   // []
    /// ```
    public func persons(_ status: Status, _ edge: IntervalEdge, in area: Area, during range: DayRange) throws -> [RecordID] {
        try read { try $0.personIDs([status], edge, in: [area], during: range) }
    }

    // MARK: Current persons (as of the tenant's current day)

    /// Persons whose status is `status` now, in `area`: one key read of the count index.
    ///
    /// ```swift
    /// let n = try program.currentCount(.addict, in: .commune(congSon))
    /// print(n)   // 0
    /// ```
    public func currentCount(_ status: Status, in area: Area) throws -> Int {
        try read { try $0.currentCount(status, in: area) }
    }

    /// Current persons per status in `area`.
    ///
    /// ```swift
    /// let byStatus = try program.currentCounts(in: .province(20))
    /// print(byStatus[.addict] ?? 0)   // 0
    /// ```
    public func currentCounts(in area: Area) throws -> [Status: Int] {
        try read { try $0.currentCounts(in: area) }
    }

    /// Current persons of `area`, optionally only those in `status`, in key then id order, paged.
    ///
    /// ```swift
    /// let next = try program.currentPersons(in: .commune(congSon), status: .addict, limit: 100) { print($0.fullName); return true }
    /// print(next == nil)   // true
    /// ```
    @discardableResult
    public func currentPersons(in area: Area, status: Status? = nil, after continuation: Continuation? = nil, limit: Int? = nil,
                               _ body: (Person) throws -> Bool) throws -> Continuation? {
        try read { try $0.currentPersons(in: area, status: status, after: continuation, limit: limit, body) }
    }

    /// The person holding a national ID.
    ///
    /// ```swift
    /// let p = try program.person(nationalID: "020090001234")
    /// print(p == nil)   // true
    /// ```
    public func person(nationalID: String) throws -> Person? { try read { try $0.person(nationalID: nationalID) } }

    /// The person with `id`.
    ///
    /// ```swift
    /// let p = try program.person(id: 42)
    /// print(p == nil)   // true
    /// ```
    public func person(id: RecordID) throws -> Person? { try read { try $0.person(id: id) } }

    // MARK: Case events

    /// Case events per kind in `area` during `range`, from the dated count index.
    ///
    /// ```swift
    /// let byKind = try program.countEvents(in: .commune(congSon), during: Period.month(year: 2025, month: 6).range())
    /// print(byKind[.drugCase] ?? 0)   // 0
    /// ```
    public func countEvents(in area: Area, during range: DayRange) throws -> [CaseEvent.Kind: Int] {
        try read { try $0.countEvents(in: area, during: range) }
    }

    /// The sum of `measure` over events of `kind` in `area` during `range` (plants destroyed,
    /// persons arrested…), from the dated sum indexes (and, for days inside a month of a
    /// commune, the events of those days).
    ///
    /// ```swift
    /// let plants = try program.sumEvents(.plants, kind: .cultivation, in: .province(20), during: Period.year(2025).range())
    /// print(plants)   // 0
    /// ```
    public func sumEvents(_ measure: CaseEvent.Measure, kind: CaseEvent.Kind, in area: Area, during range: DayRange) throws -> Int {
        try read { try $0.sumEvents(measure, kind: kind, in: area, during: range) }
    }

    /// Case events of `kind` in `commune` during `range`, in date then id order.
    ///
    /// ```swift
    /// let cases = try program.events(.drugCase, in: congSon, during: Period.month(year: 2025, month: 6).range())
    /// print(cases.count)   // 0
    /// ```
    public func events(_ kind: CaseEvent.Kind, in commune: CommuneRef, during range: DayRange) throws -> [CaseEvent] {
        var out: [CaseEvent] = []
        try read { try $0.events(kind, in: commune, during: range) { out.append($0); return true } }
        return out
    }

    /// Case events that involve person `id`.
    ///
    /// ```swift
    /// let involving = try program.events(involving: 42)
    /// print(involving.count)   // 0
    /// ```
    public func events(involving id: RecordID) throws -> [CaseEvent] {
        var out: [CaseEvent] = []
        try read { try $0.events(involving: id) { out.append($0); return true } }
        return out
    }
}
