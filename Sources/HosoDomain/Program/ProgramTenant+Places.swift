import HosoStore

/// A record imported from old data that named a pre-2025 commune split across several 2025
/// communes and went to the primary successor by default: what an officer reviews
/// (``ProgramTenant/placementReviews()``) and may move (``ProgramTenant/assignPlace(person:to:)``).
///
/// ```swift
/// for r in try program.placementReviews() { print(r.record, r.named.commune, r.among) }
/// print(try program.placementReviews().count)   // 0
/// ```
public struct PlacementReview: Sendable, Hashable {
    /// A person's file or a case event.
    public enum Record: Sendable, Hashable, CustomStringConvertible {
        case person(RecordID)
        case event(RecordID)
        public var description: String {
            switch self {
            case .person(let id): "person \(id)"
            case .event(let id): "event \(id)"
            }
        }
    }
    /// The record.
    public var record: Record
    /// The old commune it named (2024 province, district, commune).
    public var named: CommuneRef
    /// The 2025 commune it is counted in now (the primary successor).
    public var placedIn: CommuneRef
    /// The 2025 communes the old commune was split across (`placedIn` among them).
    public var among: [Int32]
    /// The file's village (a personal field: `nil` for an event, for a file naming none, and
    /// for a handle that does not read personal fields or lacks the key they are sealed under),
    /// what an officer places it by (``ProgramTenant/addVillageRule(oldCommune:village:to:)``).
    public var village: String? = nil
}

extension ProgramTenant {
    // MARK: Places of records imported from old data

    /// The records placed by default in a split commune's primary successor, awaiting review:
    /// persons, then events, each by id (read from the `placement_review` indexes), each
    /// person with its village (a personal field: log what is shown with
    /// ``logPersonalRead(_:personIDs:)``).
    ///
    /// ```swift
    /// print(try program.placementReviews().isEmpty)   // true
    /// ```
    public func placementReviews() throws -> [PlacementReview] {
        let history = try PlaceHistory.official()
        func among(_ named: CommuneRef) -> [Int32] { history.mapping.successors(ofOldCommune: named.commune).map(\.newCode) }
        return try read { q in
            var personIDs: [RecordID] = [], eventIDs: [RecordID] = []
            _ = try q.txn.ids(in: Person.placementReview) { _, id in personIDs.append(id); return true }
            _ = try q.txn.ids(in: CaseEvent.placementReview) { _, id in eventIDs.append(id); return true }
            var out: [PlacementReview] = []
            _ = try q.persons(ids: personIDs.sorted()) { p in
                if let n = p.namedPlace { out.append(PlacementReview(record: .person(p.id), named: n.commune, placedIn: p.commune, among: among(n.commune), village: p.village)) }
                return true
            }
            _ = try q.events(ids: eventIDs.sorted()) { e in
                if let n = e.namedPlace { out.append(PlacementReview(record: .event(e.id), named: n.commune, placedIn: e.commune, among: among(n.commune))) }
                return true
            }
            return out
        }
    }

    /// Moves a file imported from old data to another 2025 commune its old commune went into
    /// (one of a split commune's successors, or any commune of the tenant for an old commune the
    /// mapping has no row for), as an officer's decision: a logged update; the file leaves the
    /// review list and its history is derived again in the new commune.
    ///
    /// - Throws: ``ProgramError/placementRefused(record:reason:)`` when the file names no old
    ///   commune, its old commune went whole into one commune, or `code` is not a successor.
    ///
    /// ```swift
    /// do { try program.assignPlace(person: 1, to: 6184) } catch { print(error) }   // person 1: assignment refused: …
    /// ```
    @discardableResult
    public func assignPlace(person id: RecordID, to code: Int32) throws -> Person {
        guard var p = try read({ try $0.person(id: id) }) else { throw HosoError.recordNotFound(type: "person", id: id) }
        guard let named = p.namedPlace else {
            throw ProgramError.placementRefused(record: "person \(id)", reason: "the file names no pre-2025 commune (it was not imported from old data), so there is no successor to choose; change its commune with a move event instead")
        }
        p.commune = try successor(named, code, record: "person \(id)")
        p.namedPlace?.placedBy = .officer
        return try updatePerson(p)
    }

    /// Moves a case event imported from old data to another 2025 commune its old commune went
    /// into, as ``assignPlace(person:to:)`` does for a file.
    ///
    /// ```swift
    /// do { try program.assignPlace(event: 1, to: 6184) } catch { print(error) }   // event 1: assignment refused: …
    /// ```
    public func assignPlace(event id: RecordID, to code: Int32) throws {
        guard var e = try read({ try $0.event(id: id) }) else { throw HosoError.recordNotFound(type: "event", id: id) }
        guard let named = e.namedPlace else {
            throw ProgramError.placementRefused(record: "event \(id)", reason: "the event names no pre-2025 commune (it was not imported from old data), so there is no successor to choose")
        }
        e.commune = try successor(named, code, record: "event \(id)")
        e.namedPlace?.placedBy = .officer
        try updateEvent(e)
    }

    /// The tenant's reference of `code` if it is a commune the old commune `named` went into.
    private func successor(_ named: NamedPlace, _ code: Int32, record: String) throws -> CommuneRef {
        try successor(ofOldCommune: named.commune.commune, code, record: record)
    }

    /// The tenant's reference of `code` if it is a commune old commune `old` went into: one of
    /// a split commune's successors, or any commune of the tenant for an old commune the
    /// mapping has no row for; refused for an old commune that went whole into one.
    func successor(ofOldCommune old: Int32, _ code: Int32, record: String) throws -> CommuneRef {
        let history = try PlaceHistory.official()
        let oldName = history.before.commune(code: old).map { "\(old) \($0.name)" } ?? String(old)
        switch history.placement(ofOldCommune: old) {
        case .whole(let c):
            throw ProgramError.placementRefused(record: record, reason: "old commune \(oldName) went whole into \(c), so there is no other successor to choose")
        case let .split(_, among):
            guard among.contains(code) else {
                let names = among.map { c in history.after.commune(code: c).map { "\(c) \($0.name)" } ?? String(c) }
                throw ProgramError.placementRefused(record: record, reason: "\(code) is not one of the communes old commune \(oldName) was split across: assign one of \(names.joined(separator: ", ")) (hoso places old \(old))")
            }
        case .unmapped:
            break
        }
        guard let entry = commune(code: code) else {
            throw ProgramError.placementRefused(record: record, reason: "\(code) is not a commune of this tenant (SELECT code, name FROM communes in hoso shell)")
        }
        return entry.ref
    }
}

extension ProgramTenant {
    /// Persons per status in `area` on `day` by the communes in force on `placesAsOf` (see
    /// ``ProgramSnapshot/countPersonsByPlaces(on:placesAsOf:in:)``), from one snapshot.
    ///
    /// ```swift
    /// let byOld = try program.countPersonsByPlaces(on: Day(year: 2024, month: 12, day: 10)!, in: .province(20))
    /// print(byOld.isEmpty == (try program.read { try $0.personCount() } == 0))   // true
    /// ```
    public func countPersonsByPlaces(on day: Day, placesAsOf: Day? = nil, in area: Area) throws -> [PlaceAsOf: [Status: Int]] {
        try read { try $0.countPersonsByPlaces(on: day, placesAsOf: placesAsOf, in: area) }
    }

    /// The status changes of `area` during `range` by the communes in force on `placesAsOf`
    /// (see ``ProgramSnapshot/countStatusChangesByPlaces(during:placesAsOf:in:)``), from one snapshot.
    ///
    /// ```swift
    /// let byOld = try program.countStatusChangesByPlaces(during: Period.year(2024).range(), placesAsOf: Day(year: 2024, month: 12, day: 31)!, in: .province(20))
    /// print(byOld.isEmpty == (try program.read { try $0.personCount() } == 0))   // true
    /// ```
    public func countStatusChangesByPlaces(during range: DayRange, placesAsOf: Day, in area: Area) throws -> [PlaceAsOf: StatusChangeTally] {
        try read { try $0.countStatusChangesByPlaces(during: range, placesAsOf: placesAsOf, in: area) }
    }

    /// Case events per kind in `area` during `range` by the communes in force on `placesAsOf`
    /// (see ``ProgramSnapshot/countEventsByPlaces(during:placesAsOf:in:)``), from one snapshot.
    ///
    /// ```swift
    /// let byOld = try program.countEventsByPlaces(during: Period.year(2024).range(), placesAsOf: Day(year: 2024, month: 12, day: 31)!, in: .province(20))
    /// print(byOld.isEmpty == (try program.read { try $0.eventCount() } == 0))   // true
    /// ```
    public func countEventsByPlaces(during range: DayRange, placesAsOf: Day, in area: Area) throws -> [PlaceAsOf: [CaseEvent.Kind: Int]] {
        try read { try $0.countEventsByPlaces(during: range, placesAsOf: placesAsOf, in: area) }
    }

    /// Current persons per status in `area` by the communes in force on `day` (see
    /// ``ProgramSnapshot/currentCountsByPlaces(on:in:)``), from one snapshot.
    ///
    /// ```swift
    /// let byOld = try program.currentCountsByPlaces(on: Day(year: 2025, month: 3, day: 1)!, in: .province(20))
    /// print(byOld.isEmpty == (try program.read { try $0.personCount() } == 0))   // true
    /// ```
    public func currentCountsByPlaces(on day: Day, in area: Area) throws -> [PlaceAsOf: [Status: Int]] {
        try read { try $0.currentCountsByPlaces(on: day, in: area) }
    }
}
