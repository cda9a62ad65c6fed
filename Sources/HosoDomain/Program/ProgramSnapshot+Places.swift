import HosoStore

/// A commune of the tree in force on a day, as a count by the communes as they were names it:
/// an old commune (its 2024 province, district and code) before 1 July 2025, a 2025 commune
/// from then on, or, before then, a 2025 commune whose files cannot be placed in the old tree
/// (they name no old commune and the commune took over several).
///
/// ```swift
/// let place = PlaceAsOf(commune: CommuneRef(province: 20, district: 181, commune: 6079), hierarchy: .before2025)
/// print(place)   // 20/181/6079 (before2025)
/// ```
public struct PlaceAsOf: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The commune, of the tree `hierarchy`.
    public var commune: CommuneRef
    /// The tree the commune belongs to.
    public var hierarchy: PlaceHistory.Hierarchy

    /// Creates a place.
    public init(commune: CommuneRef, hierarchy: PlaceHistory.Hierarchy) {
        self.commune = commune; self.hierarchy = hierarchy
    }

    public static func < (a: PlaceAsOf, b: PlaceAsOf) -> Bool {
        (a.hierarchy == .since2025 ? 1 : 0, a.commune) < (b.hierarchy == .since2025 ? 1 : 0, b.commune)
    }
    public var description: String { "\(commune) (\(hierarchy))" }
}

extension PlaceHistory {
    /// Where a record managed by 2025 commune `current` is counted among the communes in force on
    /// `day`: `current` from 1 July 2025; before, the old commune the record named (`named`)
    /// while it is still in the commune it was placed in (`placedIn`), else the only old commune
    /// `current` took over, else `current` itself (a 2025 commune the record cannot be placed
    /// back from).
    ///
    /// ```swift
    /// let places = try PlaceHistory.official()
    /// let named = NamedPlace(commune: CommuneRef(province: 20, district: 181, commune: 6079), placedBy: .primary)
    /// let here = CommuneRef(province: 20, commune: 6079)
    /// print(places.place(on: Day(year: 2025, month: 3, day: 1)!, current: here, named: named, placedIn: here))   // 20/181/6079 (before2025)
    /// print(places.place(on: PlaceHistory.reformDay, current: here, named: named, placedIn: here))   // 20/6079 (since2025)
    /// ```
    public func place(on day: Day, current: CommuneRef, named: NamedPlace?, placedIn: CommuneRef) -> PlaceAsOf {
        guard hierarchy(on: day) == .before2025 else { return PlaceAsOf(commune: current, hierarchy: .since2025) }
        if let named, current == placedIn { return PlaceAsOf(commune: named.commune, hierarchy: .before2025) }
        let predecessors = predecessors(ofNewCommune: current.commune)
        if predecessors.count == 1, let old = before.commune(code: predecessors[0].oldCode) {
            return PlaceAsOf(commune: CommuneRef(province: old.provinceCode, district: old.districtCode ?? 0, commune: old.code), hierarchy: .before2025)
        }
        return PlaceAsOf(commune: current, hierarchy: .since2025)
    }
}

extension ProgramSnapshot {
    /// Current persons per status in `area`, by the communes in force on `day`: today's
    /// communes from 1 July 2025 (old history rolled in, as ``currentCounts(in:)``); before then
    /// the old communes, each file counted in the old commune it named (``Person/namedPlace``,
    /// while it stays in the commune it was placed in) or else in the only old commune its 2025
    /// commune took over; files of a 2025 commune that took over several old ones and that name
    /// none stay under that 2025 commune (``PlaceAsOf/hierarchy`` `since2025`).
    ///
    /// Answered from indexes: the count index ``Person/currentCounts`` per commune and
    /// ``Person/namedCounts``, whose keys are mapped to the old communes; no record is read.
    ///
    /// ```swift
    /// let byOld = try q.currentCountsByPlaces(on: Day(year: 2025, month: 3, day: 1)!, in: .province(20))
    /// print(byOld.values.flatMap(\.values).reduce(0, +) == (try q.currentCounts(in: .province(20)).values.reduce(0, +)))   // true
    /// ```
    public func currentCountsByPlaces(on day: Day, in area: Area) throws -> [PlaceAsOf: [Status: Int]] {
        let places = try PlaceHistory.official()
        var out: [PlaceAsOf: [Status: Int]] = [:]
        let before = places.hierarchy(on: day) == .before2025
        for c in program.communes(in: area) {
            var counts = try currentCounts(in: .commune(c))
            if before {
                let prefix = Tuple([.int(Int64(c.depth))]).appending(c.tuple)
                let n = prefix.elements.count
                try txn.counts(Person.namedCounts, .prefix(prefix)) { key, count in
                    let e = key.elements.map { $0.intValue ?? 0 }
                    guard e.count == n + 4, let s = Status(rawValue: Int(e[n + 3])) else { return }
                    let old = CommuneRef(province: Int32(e[n]), district: Int32(e[n + 1]), commune: Int32(e[n + 2]))
                    out[PlaceAsOf(commune: old, hierarchy: .before2025), default: [:]][s, default: 0] += Int(count)
                    counts[s, default: 0] -= Int(count)
                }
            }
            PlaceAsOf.add(counts, of: c, on: day, places, to: &out)
        }
        return out
    }

    /// Persons per status in `area` on `day`, by the communes in force on `placesAsOf` (by
    /// default `day`): today's communes from 1 July 2025 (as ``countPersonsByStatus(in:on:)``
    /// per commune); before then the old communes, each file counted in the old commune it named
    /// (``Person/namedPlace``) while it was in the commune it was placed in, else as
    /// ``PlaceHistory/place(on:current:named:placedIn:)`` places a file naming none: in the only
    /// old commune its commune of `day` took over, or under that 2025 commune.
    ///
    /// Answered from indexes, per 2025 commune: its ``Person/communeFlow`` count on `day` minus
    /// the named ones, the entries minus exits of ``Person/namedFlow`` up to `day`, whose keys
    /// name the old communes; no record is read. Every person in a status on `day` is counted
    /// once, so the totals per status equal ``countPersonsByStatus(in:on:)``.
    ///
    /// ```swift
    /// let day = Day(year: 2024, month: 12, day: 10)!
    /// let byOld = try q.countPersonsByPlaces(on: day, in: .province(20))
    /// print(byOld.values.flatMap(\.values).reduce(0, +) == (try q.countPersonsByStatus(in: .province(20), on: day).values.reduce(0, +)))   // true
    /// ```
    public func countPersonsByPlaces(on day: Day, placesAsOf: Day? = nil, in area: Area) throws -> [PlaceAsOf: [Status: Int]] {
        let places = try PlaceHistory.official()
        let placesDay = placesAsOf ?? day
        let before = places.hierarchy(on: placesDay) == .before2025
        let through = Self.through(day)
        var out: [PlaceAsOf: [Status: Int]] = [:]
        for c in program.communes(in: area) {
            var counts = try countPersonsByStatus(in: .commune(c), on: day)
            if before {
                for (edge, sign) in [(IntervalEdge.start, 1), (.end, -1)] {
                    for (sub, n) in try txn.datedCounts(Person.namedFlow, group: ProgramKeys.flowGroup(edge, in: .commune(c)), in: through) {
                        guard let (old, code) = ProgramKeys.named(ofSubgroup: sub), let s = Status(rawValue: code[0]) else { continue }
                        out[PlaceAsOf(commune: old, hierarchy: .before2025), default: [:]][s, default: 0] += sign * Int(n)
                        counts[s, default: 0] -= sign * Int(n)
                    }
                }
            }
            PlaceAsOf.add(counts, of: c, on: placesDay, places, to: &out)
        }
        return PlaceAsOf.withoutZeros(out)
    }

    /// The status changes of `area` during `range` (``countStatusChanges(in:during:)`` per
    /// commune), by the communes in force on `placesAsOf`: today's communes from 1 July 2025;
    /// before then each change of a file naming a pre-2025 commune, made in the commune the file
    /// was placed in, under that old commune, and the others as
    /// ``PlaceHistory/place(on:current:named:placedIn:)`` places a record naming none (the only
    /// old commune their commune took over, or that 2025 commune). As at commune level, every
    /// move in or out counts. For every status, entries minus exits up to a day per place is
    /// ``countPersonsByPlaces(on:placesAsOf:in:)``.
    ///
    /// Answered from indexes, per 2025 commune: ``Person/communeChanges`` (days of partial
    /// months from ``Person/byStatusChange``) minus ``Person/namedChanges``, whose keys name the
    /// old communes; no record is read.
    ///
    /// ```swift
    /// let year = Period.year(2024).range()
    /// let byOld = try q.countStatusChangesByPlaces(during: year, placesAsOf: Day(year: 2024, month: 12, day: 31)!, in: .province(20))
    /// print(byOld.values.reduce(0) { $0 + $1.new(.addict) })   // 0
    /// ```
    public func countStatusChangesByPlaces(during range: DayRange, placesAsOf: Day, in area: Area) throws -> [PlaceAsOf: StatusChangeTally] {
        let places = try PlaceHistory.official()
        let before = places.hierarchy(on: placesAsOf) == .before2025
        var out: [PlaceAsOf: StatusChangeTally] = [:]
        for c in program.communes(in: area) {
            var tally = try countStatusChanges(in: .commune(c), during: range)
            if before {
                for (sub, n) in try txn.datedCounts(Person.namedChanges, group: ProgramKeys.areaGroupTuple(.commune(c)), in: range) {
                    guard let (old, _) = ProgramKeys.named(ofSubgroup: sub, codes: 4),
                          let key = ProgramKeys.changeKey(ofSubgroup: Tuple(Array(sub.elements.dropFirst(3)))) else { continue }
                    out[PlaceAsOf(commune: old, hierarchy: .before2025), default: StatusChangeTally()].add(key, Int(n))
                    tally.add(key, -Int(n))
                }
            }
            guard !tally.counts.isEmpty else { continue }
            let place = places.place(on: placesAsOf, current: c, named: nil, placedIn: c)
            for (key, n) in tally.counts { out[place, default: StatusChangeTally()].add(key, n) }
        }
        return out.filter { !$0.value.counts.isEmpty }
    }

    /// Case events per kind in `area` during `range`, by the communes in force on `placesAsOf`:
    /// today's communes from 1 July 2025 (as ``countEvents(in:during:)`` per commune); before
    /// then each event that named a pre-2025 commune (``CaseEvent/namedPlace``) in that old
    /// commune, and the others as ``PlaceHistory/place(on:current:named:placedIn:)`` places a
    /// record naming none: in the only old commune their commune took over, or under that 2025
    /// commune.
    ///
    /// Answered from indexes, per 2025 commune: its ``CaseEvent/perMonth`` counts (the days of
    /// partial months from the entries of ``CaseEvent/byCommuneKindDate``) minus the named ones,
    /// the counts of ``CaseEvent/namedPerDay``, whose keys name the old communes; no record is
    /// read. The totals per kind equal ``countEvents(in:during:)``.
    ///
    /// ```swift
    /// let year = Period.year(2024).range()
    /// let byOld = try q.countEventsByPlaces(during: year, placesAsOf: Day(year: 2024, month: 12, day: 31)!, in: .province(20))
    /// print(byOld.values.flatMap(\.values).reduce(0, +) == (try q.countEvents(in: .province(20), during: year).values.reduce(0, +)))   // true
    /// ```
    public func countEventsByPlaces(during range: DayRange, placesAsOf: Day, in area: Area) throws -> [PlaceAsOf: [CaseEvent.Kind: Int]] {
        let places = try PlaceHistory.official()
        let before = places.hierarchy(on: placesAsOf) == .before2025
        var out: [PlaceAsOf: [CaseEvent.Kind: Int]] = [:]
        for c in program.communes(in: area) {
            var counts = try countEvents(in: .commune(c), during: range)
            if before {
                for (sub, n) in try txn.datedCounts(CaseEvent.namedPerDay, group: ProgramKeys.areaGroupTuple(.commune(c)), in: range) {
                    guard let (old, code) = ProgramKeys.named(ofSubgroup: sub), let k = CaseEvent.Kind(rawValue: code[0]) else { continue }
                    out[PlaceAsOf(commune: old, hierarchy: .before2025), default: [:]][k, default: 0] += Int(n)
                    counts[k, default: 0] -= Int(n)
                }
            }
            PlaceAsOf.add(counts, of: c, on: placesAsOf, places, to: &out)
        }
        return PlaceAsOf.withoutZeros(out)
    }

    /// The sum of `measure` over events of `kind` in `area` during `range` (plants destroyed,
    /// persons arrested…), by the communes in force on `placesAsOf`, placed as
    /// ``countEventsByPlaces(during:placesAsOf:in:)`` places the events: per 2025 commune its
    /// ``sumEvents(_:kind:in:during:)`` minus the amounts of ``CaseEvent/namedAmountsPerDay``,
    /// whose keys name the old communes. The total equals ``sumEvents(_:kind:in:during:)``.
    ///
    /// ```swift
    /// let year = Period.year(2024).range()
    /// let plants = try q.sumEventsByPlaces(.plants, kind: .cultivation, during: year, placesAsOf: Day(year: 2024, month: 12, day: 31)!, in: .province(20))
    /// print(plants.values.reduce(0, +) == (try q.sumEvents(.plants, kind: .cultivation, in: .province(20), during: year)))   // true
    /// ```
    public func sumEventsByPlaces(_ measure: CaseEvent.Measure, kind: CaseEvent.Kind, during range: DayRange, placesAsOf: Day, in area: Area) throws -> [PlaceAsOf: Int] {
        let places = try PlaceHistory.official()
        let before = places.hierarchy(on: placesAsOf) == .before2025
        var out: [PlaceAsOf: Int] = [:]
        for c in program.communes(in: area) {
            var rest = try sumEvents(measure, kind: kind, in: .commune(c), during: range)
            if before {
                for (sub, n) in try txn.datedCounts(CaseEvent.namedAmountsPerDay, group: ProgramKeys.areaGroupTuple(.commune(c)), in: range) {
                    guard let (old, codes) = ProgramKeys.named(ofSubgroup: sub, codes: 2), codes == [kind.rawValue, measure.rawValue] else { continue }
                    out[PlaceAsOf(commune: old, hierarchy: .before2025), default: 0] += Int(n)
                    rest -= Int(n)
                }
            }
            if rest != 0 { out[places.place(on: placesAsOf, current: c, named: nil, placedIn: c), default: 0] += rest }
        }
        return out.filter { $0.value != 0 }
    }

    /// How many current files of `area` named a pre-2025 commune and were placed in its 2025
    /// successor (imports with `--places before2025`), from ``Person/namedCounts``: no record
    /// is read.
    ///
    /// ```swift
    /// print(try q.filesNamingOldCommunes(in: .province(20)))   // 0
    /// ```
    public func filesNamingOldCommunes(in area: Area) throws -> Int {
        var n = 0
        for c in program.communes(in: area) {
            let prefix = Tuple([.int(Int64(c.depth))]).appending(c.tuple)
            try txn.counts(Person.namedCounts, .prefix(prefix)) { _, count in n += Int(count) }
        }
        return n
    }
}

extension PlaceAsOf {
    /// Adds the counts of 2025 commune `c` that no old commune took (those left once the files
    /// naming one are counted there) under the place `c` has on `day`.
    static func add<K: Hashable>(_ counts: [K: Int], of c: CommuneRef, on day: Day, _ places: PlaceHistory, to out: inout [PlaceAsOf: [K: Int]]) {
        let rest = counts.filter { $0.value != 0 }
        guard !rest.isEmpty else { return }
        let place = places.place(on: day, current: c, named: nil, placedIn: c)
        for (k, n) in rest { out[place, default: [:]][k, default: 0] += n }
    }

    /// The counts without zeros, and without the places left with none.
    static func withoutZeros<K: Hashable>(_ out: [PlaceAsOf: [K: Int]]) -> [PlaceAsOf: [K: Int]] {
        out.compactMapValues { counts in
            let kept = counts.filter { $0.value != 0 }
            return kept.isEmpty ? nil : kept
        }
    }
}
