import HosoStore

// The indexes of a program tenant and the layout of every one of their keys: what a person or a
// case event files under (`indexEntries`) and the keys and ranges the questions read
// (``ProgramKeys``) are built here and nowhere else, so a layout is written once.

// MARK: - Persons

extension Person {
    /// Persons by the commune managing them now: `(province, [district,] commune)`.
    public static let byCommune = IndexDefinition("commune", kind: .value, key: "(province, [district,] commune) now")
    /// Persons by current status: `(status)`.
    public static let byStatus = IndexDefinition("status", kind: .value, key: "(status) now")
    /// Persons by current status and commune: `(status, province, [district,] commune)`.
    public static let byStatusCommune = IndexDefinition("status_commune", kind: .value, key: "(status, province, [district,] commune) now")
    /// National ID, unique: `(national ID)`.
    public static let byNationalID = IndexDefinition("national_id", kind: .unique, key: "(national ID)")
    /// National IDs waiting for a merge (``Person/pendingNationalID``), not unique: `(national ID)`.
    public static let byPendingNationalID = IndexDefinition("pending_national_id", kind: .value, key: "(national ID) waiting for a merge")
    /// Current persons per area and status: `(level, path prefix…, status)` → count, with level 1 =
    /// province, 2 = commune (or district), 3 = commune.
    public static let currentCounts = IndexDefinition("current_count", kind: .count, key: "(level, area path…, status) now")
    /// Status intervals: `(status, province, [district,] commune)` → `[start, end)` per person.
    public static let statusIntervals = IndexDefinition("status_interval", kind: .interval, key: "(status, province, [district,] commune)")
    /// Entries into (edge 0) and exits from (edge 1) a status per province (and district) and
    /// day: `(edge, level, path prefix…)` by `(status)`; a move inside the area is neither.
    /// Kept as running totals per status (``IndexDefinition/Kind/runningCount``), so an as-of
    /// count is a few key reads however long the history.
    public static let statusFlow = IndexDefinition("status_flow", kind: .runningCount, key: "(edge, level, area path…) by (status)")
    /// The same per commune: `(edge, level, province, [district,] commune)` by `(status)`, as
    /// running totals per status and day.
    public static let communeFlow = IndexDefinition("commune_flow", kind: .runningCount, key: "(edge, level, commune path) by (status)")
    /// Days on which the person's current-status entries change: `(day)`.
    public static let transitions = IndexDefinition("transition", kind: .value, key: "(day)")
    /// Status changes with their causes (``StatusChange``): `(province, [district,] commune, day,
    /// status, direction, cause, event)`, event 0 when a term ran out. The rows of
    /// ``ProgramSnapshot/statusChanges(in:during:status:_:)`` and the days of partial months of
    /// ``communeChanges``.
    public static let byStatusChange = IndexDefinition("status_change", kind: .value,
                                                       key: "(province, [district,] commune, day, status, direction, cause, event)")
    /// Status changes per province (and district) and day: `(level, area path…)` by `(status,
    /// direction, cause, event)`; a move between two communes of the area is not counted there.
    public static let changeFlow = IndexDefinition("change_flow", kind: .datedCount,
                                                   key: "(level, area path…) by (status, direction, cause, event)")
    /// Status changes per commune and month: `(level, commune path)` by `(status, direction,
    /// cause, event)`. Days inside a month come from ``byStatusChange``.
    public static let communeChanges = IndexDefinition("commune_changes", kind: .datedCount,
                                                       key: "(level, commune path) by (status, direction, cause, event)", finest: .month)
    /// Files imported from old data and placed in a split commune's primary successor by
    /// default, awaiting an officer's review: `(province, [district,] commune)` of the successor.
    public static let placementReview = IndexDefinition("placement_review", kind: .value,
                                                        key: "(province, [district,] commune) placed by default through a split")
    /// Current persons naming a pre-2025 commune, per the commune managing them and that old
    /// commune: `(level, commune path…, old province, old district, old commune, status)` → count
    /// (files that name none, or that moved away from the commune they were placed in, are not
    /// here: ``currentCounts`` minus these). Asking by the communes as they were is a mapping of
    /// these keys (``ProgramSnapshot/currentCountsByPlaces(on:in:)``).
    public static let namedCounts = IndexDefinition("named_count", kind: .count,
                                                    key: "(level, commune path…, old province, old district, old commune, status) now")
    /// Entries into (edge 0) and exits from (edge 1) a status of files naming a pre-2025
    /// commune, while they are in the commune they were placed in: `(edge, level, commune path)`
    /// by `(old province, old district, old commune, status)`, as running totals per day. The
    /// same edges as ``communeFlow`` for those stretches, so ``communeFlow`` minus these counts
    /// the files that name no old commune (or moved away); asking "in status S on day D by the
    /// communes as they were" is a mapping of these keys
    /// (``ProgramSnapshot/countPersonsByPlaces(on:placesAsOf:in:)``).
    public static let namedFlow = IndexDefinition("named_flow", kind: .runningCount,
                                                  key: "(edge, level, commune path) by (old province, old district, old commune, status)")

    /// Status changes of files naming a pre-2025 commune, in the commune they were placed in,
    /// per day: `(level, commune path)` by `(old province, old district, old commune, status,
    /// direction, cause, event)`. The same changes as ``communeChanges`` for those files, so
    /// ``communeChanges`` minus these counts the others; asking "changes of a period by the
    /// communes as they were" is a mapping of these keys
    /// (``ProgramSnapshot/countStatusChangesByPlaces(during:placesAsOf:in:)``). Kept by day (old
    /// data only): a period's days inside a month need no other read.
    public static let namedChanges = IndexDefinition("named_changes", kind: .datedCount,
                                                     key: "(level, commune path) by (old province, old district, old commune, status, direction, cause, event)")

    /// The record type `person` with its indexes.
    public static let schema = RecordSchema(
        Person.self, name: "person", formatVersion: 1,
        indexes: [byCommune, byStatus, byStatusCommune, byNationalID, currentCounts, statusIntervals, statusFlow, communeFlow, transitions,
                  byStatusChange, changeFlow, communeChanges, byPendingNationalID, placementReview, namedCounts, namedFlow, namedChanges],
        transitionIndex: transitions)

    /// The index entries of the person as of the tenant's current day (`context.today`).
    public func indexEntries(_ entries: inout IndexEntries, context: IndexContext) {
        let today = Day(rawValue: context.today)
        let place = commune(on: today)
        let now = Int64(status(on: today).rawValue)
        entries.value(Self.byCommune, ProgramKeys.commune(place))
        entries.value(Self.byStatus, ProgramKeys.status(now))
        entries.value(Self.byStatusCommune, ProgramKeys.statusCommune(now, place))
        // A sealed tenant indexes the digests (the values are sealed; the digests stay in clear).
        if let key = nationalIDDigest ?? nationalID, !key.isEmpty { entries.value(Self.byNationalID, ProgramKeys.nationalID(key)) }
        if let key = pendingNationalIDDigest ?? pendingNationalID, !key.isEmpty { entries.value(Self.byPendingNationalID, ProgramKeys.nationalID(key)) }
        for level in 1...place.depth {
            entries.count(Self.currentCounts, ProgramKeys.currentCount(level: level, place, now))
        }
        if let namedPlace, namedPlace.placedBy.needsReview { entries.value(Self.placementReview, ProgramKeys.commune(commune)) }
        if let namedPlace, place == commune { entries.count(Self.namedCounts, ProgramKeys.namedCount(place, named: namedPlace.commune, now)) }
        var days: [Int32] = []
        days.reserveCapacity(history.count * 2 + 2)
        for (k, interval) in history.enumerated() {
            let status = Int64(interval.status.rawValue)
            let statusKey = ProgramKeys.status(status)
            entries.interval(Self.statusIntervals, group: ProgramKeys.statusCommune(status, interval.commune),
                             start: interval.start.rawValue, end: interval.end?.rawValue ?? .max)
            days.append(interval.start.rawValue)
            if let end = interval.end { days.append(end.rawValue) }
            let previous = k > 0 ? history[k - 1] : nil
            let next = k + 1 < history.count ? history[k + 1] : nil
            for level in 1...interval.commune.depth {
                let flow = level == interval.commune.depth ? Self.communeFlow : Self.statusFlow
                let continuesPrevious = previous.map {
                    $0.end == interval.start && $0.status == interval.status && $0.commune.samePrefix(as: interval.commune, depth: level)
                } ?? false
                // The stretches in the commune a file naming an old commune was placed in, by that old commune.
                let named = level == interval.commune.depth && interval.commune == commune ? namedPlace : nil
                if !continuesPrevious {
                    entries.dated(flow, group: ProgramKeys.flowGroup(edge: 0, level: level, interval.commune),
                                  day: interval.start.rawValue, subgroup: statusKey)
                    if let named {
                        entries.dated(Self.namedFlow, group: ProgramKeys.flowGroup(edge: 0, level: level, interval.commune),
                                      day: interval.start.rawValue, subgroup: ProgramKeys.namedSubgroup(named.commune, status))
                    }
                }
                if let end = interval.end {
                    let continuesNext = next.map {
                        $0.start == end && $0.status == interval.status && $0.commune.samePrefix(as: interval.commune, depth: level)
                    } ?? false
                    if !continuesNext {
                        entries.dated(flow, group: ProgramKeys.flowGroup(edge: 1, level: level, interval.commune),
                                      day: end.rawValue, subgroup: statusKey)
                        if let named {
                            entries.dated(Self.namedFlow, group: ProgramKeys.flowGroup(edge: 1, level: level, interval.commune),
                                          day: end.rawValue, subgroup: ProgramKeys.namedSubgroup(named.commune, status))
                        }
                    }
                }
            }
        }
        for e in events where e.kind == .moveIn || e.kind == .moveOut { days.append(e.date.rawValue) }
        for d in Set(days) { entries.value(Self.transitions, ProgramKeys.day(d)) }
        for c in statusChanges {
            let sub = ProgramKeys.changeSubgroup(c)
            entries.value(Self.byStatusChange, ProgramKeys.statusChange(c))
            for level in 1...c.commune.depth where c.counts(atDepth: level) {
                entries.dated(level == c.commune.depth ? Self.communeChanges : Self.changeFlow,
                              group: ProgramKeys.areaGroup(level: level, c.commune), day: c.date.rawValue, subgroup: sub)
            }
            if let namedPlace, c.commune == commune, c.counts(atDepth: c.commune.depth) {
                entries.dated(Self.namedChanges, group: ProgramKeys.areaGroup(level: c.commune.depth, c.commune), day: c.date.rawValue,
                              subgroup: ProgramKeys.namedSubgroup(namedPlace.commune, Int64(c.status.rawValue), Int64(c.direction.rawValue),
                                                                  Int64(c.cause.rawValue), Int64(c.event?.rawValue ?? 0)))
            }
        }
    }
}

// MARK: - Case events

extension CaseEvent {
    /// Events by `(province, [district,] commune, kind, day)`.
    public static let byCommuneKindDate = IndexDefinition("commune_kind_date", kind: .value, key: "(province, [district,] commune, kind, day)")
    /// Events by `(day)`.
    public static let byDate = IndexDefinition("date", kind: .value, key: "(day)")
    /// Events by `(person id)`, one entry per person involved.
    public static let byPerson = IndexDefinition("person", kind: .value, key: "(person id)")
    /// Events of the province per day, by `(kind)`: key `(1, province)`.
    public static let perDay = IndexDefinition("province_per_day", kind: .datedCount, key: "(1, province) by (kind)")
    /// Events per district or commune and month, by `(kind)`: key `(level, area path…)` with
    /// level 2 (and 3 before 2025). Days inside a month come from ``byCommuneKindDate``.
    public static let perMonth = IndexDefinition("area_per_month", kind: .datedCount, key: "(level, area path…) by (kind)", finest: .month)
    /// Amounts of the province per day, by `(kind, measure)`.
    public static let amountsPerDay = IndexDefinition("province_amounts_per_day", kind: .datedCount, key: "(1, province) by (kind, measure)")
    /// Amounts per district or commune and month, by `(kind, measure)`.
    public static let amountsPerMonth = IndexDefinition("area_amounts_per_month", kind: .datedCount,
                                                        key: "(level, area path…) by (kind, measure)", finest: .month)

    /// Tips and hotspots past their ``deadline``: `(kind, province, [district,] commune)` →
    /// `[deadline + 1, resolved)` (open-ended while undecided or not cleared), so "overdue on
    /// D" is one interval query, bounded by the smaller of the deadlines and the resolutions.
    public static let overdue = IndexDefinition("overdue", kind: .interval, key: "(kind, province, [district,] commune)")
    /// Lifecycle milestones of tips and hotspots per area and day: `(level, area path…)` by
    /// `(kind, milestone)` (``LifecycleMilestone``): received/found on its day, decided/cleared
    /// (in time or late) on the resolution's day, re-formed on its day.
    public static let lifecycle = IndexDefinition("lifecycle", kind: .datedCount, key: "(level, area path…) by (kind, milestone)")

    /// Events imported from old data and placed in a split commune's primary successor by
    /// default, awaiting an officer's review: `(province, [district,] commune)` of the successor.
    public static let placementReview = IndexDefinition("placement_review", kind: .value,
                                                        key: "(province, [district,] commune) placed by default through a split")

    /// Events naming a pre-2025 commune per commune they are counted in and day:
    /// `(level, commune path)` by `(old province, old district, old commune, kind)`. The same
    /// events as ``perMonth`` at commune level, so ``perMonth`` minus these counts the events that
    /// name no old commune; asking "events of a period by the communes as they were" is a
    /// mapping of these keys (``ProgramSnapshot/countEventsByPlaces(during:placesAsOf:in:)``).
    /// Kept by day (old data only, a small index): a period's days inside a month need no other read.
    public static let namedPerDay = IndexDefinition("named_per_day", kind: .datedCount,
                                                    key: "(level, commune path) by (old province, old district, old commune, kind)")

    /// Amounts of events naming a pre-2025 commune per commune and day: `(level, commune path)`
    /// by `(old province, old district, old commune, kind, measure)`, the companion of
    /// ``amountsPerMonth`` as ``namedPerDay`` is of ``perMonth``
    /// (``ProgramSnapshot/sumEventsByPlaces(_:kind:during:placesAsOf:in:)``).
    public static let namedAmountsPerDay = IndexDefinition("named_amounts_per_day", kind: .datedCount,
                                                           key: "(level, commune path) by (old province, old district, old commune, kind, measure)")

    /// The record type `event` with its indexes.
    public static let schema = RecordSchema(CaseEvent.self, name: "event", formatVersion: 1,
                                            indexes: [byCommuneKindDate, byDate, byPerson, perDay, perMonth, amountsPerDay, amountsPerMonth,
                                                      overdue, lifecycle, placementReview, namedPerDay, namedAmountsPerDay])

    /// The index entries of the event.
    public func indexEntries(_ entries: inout IndexEntries, context: IndexContext) {
        let kindCode = Int64(kind.rawValue)
        let day = date.rawValue
        entries.value(Self.byCommuneKindDate, ProgramKeys.communeKindDay(commune, kindCode, day))
        entries.value(Self.byDate, ProgramKeys.day(day))
        if let namedPlace, namedPlace.placedBy.needsReview { entries.value(Self.placementReview, ProgramKeys.commune(commune)) }
        for (i, p) in personIDs.enumerated() where !personIDs[..<i].contains(p) {
            entries.value(Self.byPerson, ProgramKeys.person(p))
        }
        let kindKey = ProgramKeys.kind(kindCode)
        if let deadline, kind == .tip || kind == .hotspot {
            let late = deadline.adding(days: 1)
            if resolvedDate.map({ $0 > late }) ?? true {
                entries.interval(Self.overdue, group: ProgramKeys.kindCommune(kindCode, commune), start: late.rawValue,
                                 end: resolvedDate?.rawValue ?? .max)
            }
            for level in 1...commune.depth {
                let group = ProgramKeys.areaGroup(level: level, commune)
                entries.dated(Self.lifecycle, group: group, day: day, subgroup: ProgramKeys.milestone(kindCode, .opened))
                if reforms != nil { entries.dated(Self.lifecycle, group: group, day: day, subgroup: ProgramKeys.milestone(kindCode, .reformed)) }
                if let r = resolvedDate {
                    entries.dated(Self.lifecycle, group: group, day: r.rawValue, subgroup: ProgramKeys.milestone(kindCode, .resolved))
                    entries.dated(Self.lifecycle, group: group, day: r.rawValue,
                                  subgroup: ProgramKeys.milestone(kindCode, r <= deadline ? .resolvedInTime : .resolvedLate))
                }
            }
        }
        if let namedPlace {
            let group = ProgramKeys.areaGroup(level: commune.depth, commune)
            entries.dated(Self.namedPerDay, group: group, day: day, subgroup: ProgramKeys.namedSubgroup(namedPlace.commune, kindCode))
            for measure in Measure.allCases {
                let amount = self.amount(measure)
                if amount != 0 {
                    entries.dated(Self.namedAmountsPerDay, group: group, day: day,
                                  subgroup: ProgramKeys.namedSubgroup(namedPlace.commune, kindCode, Int64(measure.rawValue)), Int64(amount))
                }
            }
        }
        for level in 1...commune.depth {
            let group = ProgramKeys.areaGroup(level: level, commune)
            entries.dated(level == 1 ? Self.perDay : Self.perMonth, group: group, day: day, subgroup: kindKey)
            for measure in Measure.allCases {
                let amount = self.amount(measure)
                if amount != 0 {
                    entries.dated(level == 1 ? Self.amountsPerDay : Self.amountsPerMonth, group: group, day: day,
                                  subgroup: ProgramKeys.kindMeasure(kindCode, Int64(measure.rawValue)), Int64(amount))
                }
            }
        }
    }
}

// MARK: - Keys

/// The keys and key ranges of the program's indexes. Communes are `(province, [district,]
/// commune)` so that a province or district is a prefix; areas are counted at levels 1
/// (province), 2 (commune, or district before 2025) and 3 (commune under a district).
enum ProgramKeys {
    // Persons: `commune`, `status`, `status_commune`, `national_id`, `transition`.

    /// `(province, [district,] commune)`.
    @inline(__always)
    static func commune(_ place: CommuneRef) -> KeyBytes { KeyBytes { place.append(to: &$0) } }

    /// `(status)` (also the subgroup of the flow indexes).
    @inline(__always)
    static func status(_ status: Int64) -> KeyBytes { KeyBytes { $0.append(status) } }

    /// `(status, province, [district,] commune)` (also the group of the interval index).
    @inline(__always)
    static func statusCommune(_ status: Int64, _ place: CommuneRef) -> KeyBytes {
        KeyBytes { $0.append(status); place.append(to: &$0) }
    }

    /// `(national ID)`.
    @inline(__always)
    static func nationalID(_ id: String) -> KeyBytes { KeyBytes { $0.append(id) } }

    /// `(day)`: transitions of persons, dates of events.
    @inline(__always)
    static func day(_ day: Int32) -> KeyBytes { KeyBytes { $0.append(day) } }

    /// The persons of `area` in the `commune` index.
    static func communes(in area: Area) -> KeyRange { .prefix(area.tuple) }

    /// The persons of `area` in status `status` in the `status_commune` index.
    static func statusCommunes(_ status: Status, in area: Area) -> KeyRange {
        .prefix(Tuple([.int(Int64(status.rawValue))]).appending(area.tuple))
    }

    /// The lookup key of a national ID.
    static func nationalIDKey(_ id: String) -> Tuple { [.string(id)] }

    // Persons: `current_count`.

    /// `(level, first level elements of the commune path, status)`.
    @inline(__always)
    static func currentCount(level: Int, _ place: CommuneRef, _ status: Int64) -> KeyBytes {
        KeyBytes { $0.append(level); place.append(to: &$0, depth: level); $0.append(status) }
    }

    /// The count key of `status` in `area` (its level is the length of its path).
    static func currentCount(_ status: Status, in area: Area) -> KeyBytes {
        let path = area.path
        return KeyBytes { k in
            k.append(path.count)
            for p in path { k.append(p) }
            k.append(status.rawValue)
        }
    }

    /// `(level, commune path…, old province, old district, old commune, status)`.
    static func namedCount(_ place: CommuneRef, named: CommuneRef, _ status: Int64) -> KeyBytes {
        KeyBytes { k in
            k.append(place.depth); place.append(to: &k)
            k.append(named.province); k.append(named.district); k.append(named.commune)
            k.append(status)
        }
    }

    /// `(old province, old district, old commune, codes…)`: the subgroup of `named_flow` (codes:
    /// the status), `named_changes` (status, direction, cause, event), `named_per_day` (the
    /// kind) and `named_amounts_per_day` (kind, measure).
    @inline(__always)
    static func namedSubgroup(_ named: CommuneRef, _ codes: Int64...) -> KeyBytes {
        KeyBytes { k in
            k.append(named.province); k.append(named.district); k.append(named.commune)
            for c in codes { k.append(c) }
        }
    }

    /// The old commune and the `count` codes after it that a `named_…` subgroup names.
    static func named(ofSubgroup t: Tuple, codes count: Int = 1) -> (CommuneRef, [Int])? {
        let e = t.elements.compactMap { $0.intValue }
        guard e.count == 3 + count, t.elements.count == e.count else { return nil }
        return (CommuneRef(province: Int32(e[0]), district: Int32(e[1]), commune: Int32(e[2])), e.dropFirst(3).map { Int($0) })
    }

    /// The count keys of every status in `area`: `(level, path…)` then one element, the status.
    static func currentCounts(in area: Area) -> (range: KeyRange, statusAt: Int) {
        let prefix = Tuple([.int(Int64(area.path.count))]).appending(area.tuple)
        return (.prefix(prefix), prefix.elements.count)
    }

    // Persons: `status_interval`, `status_flow`, `commune_flow`.

    /// The interval groups of `status` in `area`: one commune exactly, or every commune under a prefix.
    static func statusIntervals(_ status: Status, in area: Area) -> KeyRange {
        let t = Tuple([.int(Int64(status.rawValue))]).appending(area.tuple)
        if case .commune = area { return .exactly(t) }
        return .prefix(t)
    }

    /// The interval group of `status` in one commune.
    static func statusInterval(_ status: Status, _ commune: CommuneRef) -> KeyBytes {
        statusCommune(Int64(status.rawValue), commune)
    }

    /// `(edge, level, first level elements of the commune path)`: edge 0 entries, 1 exits.
    @inline(__always)
    static func flowGroup(edge: Int64, level: Int, _ commune: CommuneRef) -> KeyBytes {
        KeyBytes { $0.append(edge); $0.append(level); commune.append(to: &$0, depth: level) }
    }

    /// The flow group of `area` for entries (`.start`) or exits (`.end`).
    static func flowGroup(_ edge: IntervalEdge, in area: Area) -> Tuple {
        Tuple([.int(edge == .start ? 0 : 1), .int(Int64(area.path.count))]).appending(area.tuple)
    }

    /// ``flowGroup(_:in:)`` as key bytes (no allocation).
    @inline(__always)
    static func flowGroupKey(_ edge: IntervalEdge, in area: Area) -> KeyBytes {
        KeyBytes { k in
            k.append(Int64(edge == .start ? 0 : 1))
            switch area {
            case .province(let p): k.append(Int64(1)); k.append(p)
            case let .district(p, d): k.append(Int64(2)); k.append(p); k.append(d)
            case .commune(let c): k.append(Int64(c.depth)); c.append(to: &k)
            }
        }
    }

    /// The flow index answering for `area`: per commune by month, else per province (district) by day.
    static func flowIndex(for area: Area) -> IndexDefinition {
        if case .commune = area { return Person.communeFlow }
        return Person.statusFlow
    }

    /// The flow subgroup of `status`.
    static func statusSubgroup(_ status: Status) -> Tuple { [.int(Int64(status.rawValue))] }

    /// The status a flow subgroup names.
    static func status(ofSubgroup subgroup: Tuple) -> Status? {
        subgroup.elements.first?.intValue.flatMap { Status(rawValue: Int($0)) }
    }

    // Persons: `status_change`, `change_flow`, `commune_changes`.

    /// `(status, direction, cause, event)`, event 0 when a term ran out.
    @inline(__always)
    static func changeSubgroup(_ c: StatusChange) -> KeyBytes {
        KeyBytes { $0.append(c.status.rawValue); $0.append(c.direction.rawValue); $0.append(c.cause.rawValue); $0.append(c.event?.rawValue ?? 0) }
    }

    /// `(province, [district,] commune, day, status, direction, cause, event)`.
    @inline(__always)
    static func statusChange(_ c: StatusChange) -> KeyBytes {
        KeyBytes {
            c.commune.append(to: &$0); $0.append(c.date.rawValue)
            $0.append(c.status.rawValue); $0.append(c.direction.rawValue); $0.append(c.cause.rawValue); $0.append(c.event?.rawValue ?? 0)
        }
    }

    /// The status changes of `commune` on the days of `range`.
    static func statusChanges(_ commune: CommuneRef, _ range: DayRange) -> KeyRange {
        let base = commune.tuple
        return .between(base.appending(.int(Int64(range.start.rawValue))), base.appending(.int(Int64(range.end.rawValue))))
    }

    /// The change index answering for `area`: per commune by month, else per province (district) by day.
    static func changeIndex(for area: Area) -> IndexDefinition {
        if case .commune = area { return Person.communeChanges }
        return Person.changeFlow
    }

    /// The key of a change subgroup, decoded: `(status, direction, cause, event)`.
    static func changeKey(ofSubgroup t: Tuple) -> StatusChangeKey? {
        let e = t.elements
        guard e.count == 4, let s = e[0].intValue.flatMap({ Status(rawValue: Int($0)) }),
              let d = e[1].intValue.flatMap({ StatusChange.Direction(rawValue: Int($0)) }),
              let c = e[2].intValue.flatMap({ StatusChange.Cause(rawValue: Int($0)) }),
              let k = e[3].intValue else { return nil }
        return StatusChangeKey(status: s, direction: d, cause: c, event: k == 0 ? nil : PersonEvent.Kind(rawValue: Int(k)))
    }

    // Case events: `commune_kind_date`, `date`, `person`.

    /// `(province, [district,] commune, kind, day)`.
    @inline(__always)
    static func communeKindDay(_ commune: CommuneRef, _ kind: Int64, _ day: Int32) -> KeyBytes {
        KeyBytes { commune.append(to: &$0); $0.append(kind); $0.append(day) }
    }

    /// The events of `kind` in `commune` on the days of `range`.
    static func communeKindDays(_ commune: CommuneRef, _ kind: CaseEvent.Kind, _ range: DayRange) -> KeyRange {
        let base = commune.tuple.appending(.int(Int64(kind.rawValue)))
        return .between(base.appending(.int(Int64(range.start.rawValue))), base.appending(.int(Int64(range.end.rawValue))))
    }

    /// The events on the days of `range` in the `date` index.
    static func days(_ range: DayRange) -> KeyRange {
        .between([.int(Int64(range.start.rawValue))], [.int(Int64(range.end.rawValue))])
    }

    /// `(person id)`.
    @inline(__always)
    static func person(_ id: RecordID) -> KeyBytes { KeyBytes { $0.append(Int64(bitPattern: id)) } }

    /// The events involving person `id`.
    static func events(involving id: RecordID) -> KeyRange { .exactly([.int(Int64(bitPattern: id))]) }

    // Case events: `province_per_day`, `area_per_month` and their amounts.

    /// `(level, first level elements of the commune path)`.
    @inline(__always)
    static func areaGroup(level: Int, _ commune: CommuneRef) -> KeyBytes {
        KeyBytes { $0.append(level); commune.append(to: &$0, depth: level) }
    }

    /// The group of `area` (its level is the length of its path).
    static func areaGroup(_ area: Area) -> KeyBytes {
        let path = area.path
        return KeyBytes { k in k.append(path.count); for p in path { k.append(p) } }
    }

    /// The group of `area` as a tuple.
    static func areaGroupTuple(_ area: Area) -> Tuple { Tuple([.int(Int64(area.path.count))]).appending(area.tuple) }

    /// The event count index answering for `area`: per day for a province, per month below.
    static func eventCountIndex(for area: Area) -> IndexDefinition {
        area.path.count == 1 ? CaseEvent.perDay : CaseEvent.perMonth
    }

    /// The amount index answering for `area`.
    static func eventAmountIndex(for area: Area) -> IndexDefinition {
        area.path.count == 1 ? CaseEvent.amountsPerDay : CaseEvent.amountsPerMonth
    }

    /// `(kind)`.
    @inline(__always)
    static func kind(_ kind: Int64) -> KeyBytes { KeyBytes { $0.append(kind) } }

    // Case events: `overdue`, `lifecycle`.

    /// `(kind, province, [district,] commune)`.
    @inline(__always)
    static func kindCommune(_ kind: Int64, _ commune: CommuneRef) -> KeyBytes { KeyBytes { $0.append(kind); commune.append(to: &$0) } }

    /// The overdue groups of `kind` in `area`.
    static func overdueGroups(_ kind: CaseEvent.Kind, in area: Area) -> KeyRange {
        let t = Tuple([.int(Int64(kind.rawValue))]).appending(area.tuple)
        if case .commune = area { return .exactly(t) }
        return .prefix(t)
    }

    /// `(kind, milestone)`.
    @inline(__always)
    static func milestone(_ kind: Int64, _ m: LifecycleMilestone) -> KeyBytes { KeyBytes { $0.append(kind); $0.append(m.rawValue) } }

    /// The lifecycle subgroup of `milestone` of events of `kind`.
    static func milestone(_ kind: CaseEvent.Kind, _ m: LifecycleMilestone) -> Tuple { [.int(Int64(kind.rawValue)), .int(Int64(m.rawValue))] }

    /// `(kind, measure)`.
    @inline(__always)
    static func kindMeasure(_ kind: Int64, _ measure: Int64) -> KeyBytes { KeyBytes { $0.append(kind); $0.append(measure) } }

    /// The amount subgroup of `measure` of events of `kind`.
    static func kindMeasure(_ kind: CaseEvent.Kind, _ measure: CaseEvent.Measure) -> Tuple {
        [.int(Int64(kind.rawValue)), .int(Int64(measure.rawValue))]
    }
}

// MARK: - Commune paths as keys

extension CommuneRef {
    /// The key path's first `depth` elements as a tuple.
    func prefix(_ depth: Int) -> Tuple { Tuple(path.prefix(depth).map { .int(Int64($0)) }) }

    /// The whole key path as a tuple.
    var tuple: Tuple { prefix(path.count) }

    /// Appends the key path's first `depth` elements to `key` (no allocation).
    @inline(__always)
    func append(to key: inout KeyBytes, depth: Int? = nil) {
        let n = depth ?? self.depth
        if n >= 1 { key.append(province) }
        if self.district == 0 {
            if n >= 2 { key.append(commune) }
        } else {
            if n >= 2 { key.append(district) }
            if n >= 3 { key.append(commune) }
        }
    }
}

extension Area {
    /// The key path prefix of the area as a tuple.
    var tuple: Tuple { Tuple(path.map { .int(Int64($0)) }) }
}
