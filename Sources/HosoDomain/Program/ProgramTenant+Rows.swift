import HosoStore

/// Which persons to visit, and the index that finds them: what a query planner picks from
/// the conditions of a question before checking the rest on each person.
///
/// ```swift
/// try program.persons(from: .onDay(statuses: [.addict], areas: [.province(20)], day: day)) { p in print(p.id); return true }
/// ```
public enum PersonSource: Sendable, Hashable {
    /// Persons by id (record gets), in the order given.
    case ids([RecordID])
    /// The person holding a national ID (unique index `person.national_id`).
    case nationalID(String)
    /// Persons of the areas now, in any of the statuses (all statuses for nil): indexes
    /// `person.status_commune` and `person.commune`, as of the tenant's current day.
    case current(statuses: [Status]?, areas: [Area])
    /// Persons in any of the statuses in the areas on a day (interval index
    /// `person.status_interval`), by id.
    case onDay(statuses: [Status], areas: [Area], day: Day)
    /// Persons who entered (`.start`) or left (`.end`) any of the statuses in the areas during
    /// a range (the interval index by start or by end), by id.
    case flow(statuses: [Status], edge: IntervalEdge, areas: [Area], range: DayRange)
    /// Every person, by id (a full scan).
    case all
    /// The persons whose own fields satisfy the filter, by id: a full scan deciding it on the
    /// stored bytes (``ProgramSnapshot/persons(matching:rejected:_:)``).
    case matching(PersonFilter)
}

/// Which case events to visit, and the index that finds them.
///
/// ```swift
/// try program.events(from: .days(Period.half(year: 2025, half: 1).range())) { e in print(e.kind); return true }
/// ```
public enum EventSource: Sendable, Hashable {
    /// Events by id (record gets), in the order given.
    case ids([RecordID])
    /// Events of the kinds in the communes during a range, commune by commune and kind by
    /// kind, in date order (index `event.commune_kind_date`).
    case communeKindDays(communes: [CommuneRef], kinds: [CaseEvent.Kind], range: DayRange)
    /// Events during a range, in date order (index `event.date`).
    case days(DayRange)
    /// Every event, by id (a full scan).
    case all
}

extension ProgramTenant {
    /// Visits the persons of `source` on one snapshot; `body` returns `false` to stop. Returns
    /// `false` when it was stopped.
    ///
    /// ```swift
    /// var names: [String] = []
    /// try program.persons(from: .current(statuses: [.addict], areas: [.commune(congSon)])) { names.append($0.fullName); return true }
    /// print(names)   // []
    /// ```
    @discardableResult
    public func persons(from source: PersonSource, _ body: (Person) throws -> Bool) throws -> Bool {
        try read { q in
            switch source {
            case .ids(let ids):
                return try q.persons(ids: ids, body)
            case .nationalID(let n):
                guard let p = try q.person(nationalID: n) else { return true }
                return try body(p)
            case let .current(statuses, areas):
                for status in statuses.map({ $0.map(Optional.some) }) ?? [nil] {
                    for area in areas where try q.currentPersons(in: area, status: status, body) != nil { return false }
                }
                return true
            case let .onDay(statuses, areas, day):
                return try q.persons(ids: try q.personIDs(statuses, in: areas, on: day), body)
            case let .flow(statuses, edge, areas, range):
                return try q.persons(ids: try q.personIDs(statuses, edge, in: areas, during: range), body)
            case .all:
                return try q.allPersons(body)
            case .matching(let filter):
                return try q.persons(matching: filter, body)
            }
        }
    }

    /// Visits the case events of `source` on one snapshot; `body` returns `false` to stop.
    /// Returns `false` when it was stopped.
    ///
    /// ```swift
    /// var n = 0
    /// try program.events(from: .communeKindDays(communes: [congSon], kinds: [.drugCase], range: Period.year(2025).range())) { _ in n += 1; return true }
    /// print(n)   // 0
    /// ```
    @discardableResult
    public func events(from source: EventSource, _ body: (CaseEvent) throws -> Bool) throws -> Bool {
        try read { q in
            switch source {
            case .ids(let ids):
                return try q.events(ids: ids, body)
            case let .communeKindDays(communes, kinds, range):
                for commune in communes {
                    for kind in kinds where try !q.events(kind, in: commune, during: range, body) { return false }
                }
                return true
            case .days(let range):
                return try q.events(during: range, body)
            case .all:
                return try q.allEvents(body)
            }
        }
    }

    /// How many persons' own fields satisfy `filter`, on one snapshot, decided on the stored
    /// bytes with no file decoded (``ProgramSnapshot/countPersons(matching:)``).
    ///
    /// ```swift
    /// let n = try program.countPersons(matching: PersonFilter([.occupation(["Lái xe"]), .birthDate(.less, Day(year: 1980, month: 1, day: 1)!)]))
    /// print(n)   // 0
    /// ```
    public func countPersons(matching filter: PersonFilter) throws -> Int { try read { try $0.countPersons(matching: filter) } }

    /// How many persons are on file.
    ///
    /// ```swift
    /// let n = try program.personCount()
    /// print(n)   // 0
    /// ```
    public func personCount() throws -> Int { try read { try $0.personCount() } }

    /// How many case events are on file.
    ///
    /// ```swift
    /// let n = try program.eventCount()
    /// print(n)   // 0
    /// ```
    public func eventCount() throws -> Int { try read { try $0.eventCount() } }

    /// Whether a person with `id` is on file.
    ///
    /// ```swift
    /// if try !program.containsPerson(id: 42) {
    ///     print("import the persons first")   // import the persons first
    /// }
    /// ```
    public func containsPerson(id: RecordID) throws -> Bool { try read { try $0.containsPerson(id: id) } }

    /// Whether a case event with `id` is on file.
    ///
    /// ```swift
    /// if try program.containsEvent(id: 9) { print("event 9 exists") }
    /// ```
    public func containsEvent(id: RecordID) throws -> Bool { try read { try $0.containsEvent(id: id) } }
}
