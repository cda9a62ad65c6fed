import HosoDomain

/// Turns records into rows of the query tables (column order of ``TableSchema``).
///
/// ```swift
/// let p = try context.program.person(id: 1)!
/// let row = RowBuilder(context: context).person(p, on: context.today)
/// print(row.count == TableSchema.persons.columns.count)   // true
/// ```
public struct RowBuilder: Sendable {
    /// The tenant context (commune names, current year).
    public let context: QueryContext
    /// Creates a builder.
    public init(context: QueryContext) { self.context = context }

    private func day(_ d: Day?) -> Value { d.map { .date($0) } ?? .null }
    private func text(_ s: String?) -> Value { s.map { $0.isEmpty ? .null : .text($0) } ?? .null }

    /// A `persons` row with status and commune as of `day`; with `placesDay` (before the 2025
    /// reform) the commune is the one of the communes in force then
    /// (``HosoDomain/PlaceHistory/place(on:current:named:placedIn:)``).
    public func person(_ p: Person, on day: Day, placesDay: Day? = nil) -> [Value] {
        let place = p.commune(on: day)
        let (code, name, province) = placed(place, named: p.namedPlace, placedIn: p.commune, placesDay)
        return [
            .int(Int64(bitPattern: p.id)), .text(p.fullName), self.day(p.birthDate), .text(p.sex.code), text(p.nationalID),
            code, name, province,
            text(p.village), p.permanentCommune.map { .int(Int64($0.commune)) } ?? .null, text(p.permanentVillage), text(p.occupation),
            p.drugs.isEmpty ? .null : .text(p.drugs.joined(separator: ";")), .text(p.status(on: day).code), .date(p.fileOpened),
            .bool(p.notPresent), .bool(p.fromAnotherLocality), .bool(p.hasPsychosis), .bool(p.isMinor(on: day)),
        ]
    }

    /// The commune, commune name and province columns of a record managed by `place`, by the
    /// communes of `placesDay` when given.
    func placed(_ place: CommuneRef, named: NamedPlace?, placedIn: CommuneRef, _ placesDay: Day?) -> (Value, Value, Value) {
        guard let placesDay, let places = try? PlaceHistory.official() else {
            return (.int(Int64(place.commune)), .text(context.communes.name(of: place.commune)), .int(Int64(place.province)))
        }
        let then = places.place(on: placesDay, current: place, named: named, placedIn: placedIn)
        let name = then.hierarchy == .before2025
            ? places.before.commune(code: then.commune.commune)?.name ?? ""
            : context.communes.name(of: place.commune) + " (2025 commune, not placed in the old communes)"
        return (.int(Int64(then.commune.commune)), .text(name), .int(Int64(then.commune.province)))
    }

    /// An `events` row; with `placesDay` (before the 2025 reform) its commune is the one of the
    /// communes in force then.
    public func event(_ e: CaseEvent, placesDay: Day? = nil) -> [Value] {
        let (code, name, province) = placed(e.commune, named: e.namedPlace, placedIn: e.commune, placesDay)
        return [
            .int(Int64(bitPattern: e.id)), .text(e.kind.code), code, name, province, .date(e.date), e.offenceArticle.map { .int(Int64($0)) } ?? .null,
            e.stage.map { .text($0.code) } ?? .null, .int(Int64(e.arrested)), .int(Int64(e.areaM2)), .int(Int64(e.plants)),
            .int(Int64(e.quantity)), e.tipOutcome.map { .text($0.code) } ?? .null, day(e.resolvedDate), .bool(e.mobileTrial),
            e.personIDs.isEmpty ? .null : .text(e.personIDs.map(String.init).joined(separator: ";")), text(e.note),
        ]
    }

    /// A `communes` row (population of the current calendar year); `targets` are the tenant's,
    /// of which the row names those that name the commune.
    public func commune(_ c: CommuneEntry, targets: [Target] = []) -> [Value] {
        let population = context.program.population(of: c.ref.commune, year: context.today.year)
        let named = RowBuilder.targetNames(of: c.ref.commune, in: targets)
        return [.int(Int64(c.ref.commune)), .text(c.name), .text(c.type), c.ref.district == 0 ? .null : .int(Int64(c.ref.district)),
                .int(Int64(c.ref.province)), population.map { .int(Int64($0)) } ?? .null, named.isEmpty ? .null : .text(named)]
    }

    /// The names of the targets that name commune `code` (its plan's communes to reach a class,
    /// or an indicator of its own), `; `-separated; empty when none.
    static func targetNames(of code: Int32, in targets: [Target]) -> String {
        targets.filter { $0.communes.contains(code) || $0.commune == code }.map(\.name).joined(separator: "; ")
    }

    /// A `status_changes` row; with `placesDay` (before the 2025 reform) and the person's
    /// file, its commune is the one of the communes in force then (the old commune the file
    /// named for a change in the commune it was placed in); `other_commune` stays a 2025 code.
    public func change(_ c: StatusChange, of person: Person? = nil, placesDay: Day? = nil) -> [Value] {
        let (code, name, _) = placed(c.commune, named: person?.namedPlace, placedIn: person?.commune ?? c.commune, person == nil ? nil : placesDay)
        return [.int(Int64(bitPattern: c.personID)), .date(c.date), .text(c.direction.code), .text(c.status.code), code,
         name, .text(c.cause.code), c.event.map { .text($0.code) } ?? .null,
         c.eventSequence.map { .int(Int64($0)) } ?? .null, c.otherCommune.map { .int(Int64($0.commune)) } ?? .null,
         .bool(c.counts(atDepth: 1))]
    }

    /// An `overdue` row of a tip or hotspot open past its deadline on `day`.
    public func overdue(_ e: CaseEvent, on asOf: Day) -> [Value] {
        [.int(Int64(bitPattern: e.id)), .text(e.kind.code), .int(Int64(e.commune.commune)), .text(context.communes.name(of: e.commune.commune)),
         .date(e.date), day(e.deadline), .int(Int64(e.extensions)), day(e.resolvedDate),
         e.deadline.map { .int(Int64(asOf.rawValue - $0.rawValue)) } ?? .null]
    }

    /// The `status_history` rows of a person.
    public func history(_ p: Person) -> [[Value]] {
        p.history.map { i in
            [.int(Int64(bitPattern: p.id)), .text(i.status.code), .int(Int64(i.commune.commune)), .text(context.communes.name(of: i.commune.commune)),
             .date(i.start), day(i.end), .bool(i.endsByTerm)]
        }
    }
}
