import HosoStore

/// The access decisions of a program tenant (Law 91/2025 and Decree 356/2025: access
/// restricted by role and place), made below every read of the engine: a handle opened by
/// ``ProgramTenant/open(in:name:as:policy:)`` carries it, so gets, scans, index walks, counts,
/// as-of questions, exports, reports and the shell all pass it.
///
/// - **admin**: everything.
/// - **analyst**: every count, sum and report of every commune; records are seen without their
///   personal fields (full name, national ID, birth date, villages, occupation, notes), a
///   national-ID lookup finds nothing, nothing is written.
/// - **officer**: the whole records of the communes assigned (a person is of a commune that
///   manages or managed them; a case event of its commune), the counts of those communes and
///   nothing else: a province or district total, which counts other communes' people, is
///   refused; writes only records of those communes.
/// - **auditor**: the processing log only.
///
/// A principal whose role is none of these is refused everything.
///
/// ```swift
/// let person = Person(id: 1, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: Day(year: 2025, month: 5, day: 2)!)
/// try program.addPerson(person, events: [PersonEvent(date: person.fileOpened, kind: .addictionDetermination, outcome: .addicted)])
/// let lan = Principal(name: "lan", role: "officer", scopes: [String(congSon.commune)])
/// let officer = try ProgramTenant.open(in: store, name: program.name, as: lan)
/// print(try officer.person(id: 1)?.fullName ?? "hidden")   // Nguyễn Văn An
/// let analyst = try ProgramTenant.open(in: store, name: program.name, as: Principal(name: "minh", role: "analyst"))
/// print(try analyst.person(id: 1)?.fullName.isEmpty ?? false, try analyst.currentCount(.addict, in: .province(20)))   // true 1
/// ```
public struct ProgramAccess: AccessPolicy {
    /// The role of the principal the policy was made for (`nil`: not a program role).
    public let role: ProgramRole?
    /// The communes an officer reads (their full references in this tenant); empty for other roles.
    public let communes: Set<CommuneRef>
    private let paths: Set<[Int64]>

    /// The policy for `principal` on a tenant with `settings`.
    public init(for principal: Principal, settings: ProgramSettings) {
        role = principal == .system ? .admin : ProgramRole(rawValue: principal.role)
        if role == .officer {
            let codes = Set(principal.scopes.compactMap(Int32.init))
            communes = Set(settings.communes.map(\.ref).filter { codes.contains($0.commune) })
        } else {
            communes = []
        }
        paths = Set(communes.map { $0.path.map(Int64.init) })
    }

    /// Whether the role reads names, national IDs, birth dates, villages, occupations and notes.
    public var readsPersonalFields: Bool { role == .admin || role == .officer }

    /// Whether the role reads the province's (and districts') figures, which count every commune.
    public var readsProvinceFigures: Bool { role == .admin || role == .analyst }

    /// Whether the role reads a commune's figures: every commune, or the officer's own.
    public func readsFigures(of commune: CommuneRef) -> Bool {
        switch role {
        case .admin, .analyst: true
        case .officer: communes.contains(commune)
        case .auditor, nil: false
        }
    }

    public func authorize(_ operation: AccessOperation, by principal: Principal) throws(HosoError) {
        func deny(_ reason: String) -> HosoError { .accessDenied(principal: principal.name, operation: operation.description, reason: reason) }
        guard let role else {
            throw deny("the role '\(principal.role)' is not a role of the program (\(ProgramRole.codes.joined(separator: ", "))): see hoso users list")
        }
        switch (role, operation) {
        case (.admin, _): return
        case (.auditor, .readProcessingLog), (_, .administer("describe the tenant")): return
        case (.auditor, _): throw deny("an auditor reads the processing log only (hoso audit, the processing_log table)")
        case (_, .readProcessingLog): throw deny("the processing log is read by an auditor or an admin")
        case (.analyst, .read): return
        case (.analyst, .write): throw deny("an analyst reads counts, sums and reports; it writes nothing")
        case (.officer, .read), (.officer, .write): return   // the gate decides record by record
        case (_, .administer): throw deny("only an admin may \(operation.description)")
        }
    }

    public func gate(for recordType: String, by principal: Principal) throws(HosoError) -> (any RecordGate)? {
        switch role {
        case .admin, nil, .auditor: nil
        case .analyst: AnalystGate()
        case .officer: OfficerGate(communes: communes, paths: paths)
        }
    }
}

/// Where an index of the program keeps the commune path in its key.
private enum PathInKey {
    /// `elements[from...]` is the path.
    case rest(from: Int)
    /// The key starts with the path.
    case leading
    /// `elements[at]` is a level `n`, the next `n` elements the path (an area: a province,
    /// district or commune).
    case levelled(at: Int)
    /// The key names no place: the record decides.
    case none

    static func of(_ index: IndexDefinition) -> PathInKey {
        switch index.name {
        case Person.byCommune.name, Person.placementReview.name: .rest(from: 0)
        case Person.byStatusCommune.name, Person.statusIntervals.name, CaseEvent.overdue.name: .rest(from: 1)
        case Person.byStatusChange.name, CaseEvent.byCommuneKindDate.name: .leading
        case Person.currentCounts.name, Person.changeFlow.name, Person.communeChanges.name,
             CaseEvent.perDay.name, CaseEvent.perMonth.name, CaseEvent.amountsPerDay.name, CaseEvent.amountsPerMonth.name,
             CaseEvent.lifecycle.name, Person.namedCounts.name, CaseEvent.namedPerDay.name, CaseEvent.namedAmountsPerDay.name, Person.namedChanges.name: .levelled(at: 0)
        case Person.statusFlow.name, Person.communeFlow.name, Person.namedFlow.name: .levelled(at: 1)
        default: .none
        }
    }
}

/// An officer's gate: the records and index keys of the communes assigned.
private struct OfficerGate: RecordGate {
    let communes: Set<CommuneRef>
    let paths: Set<[Int64]>

    func admits(_ record: any StoredRecord) -> Bool {
        switch record {
        case let p as Person: communes.contains(p.commune) || p.history.contains { communes.contains($0.commune) }
        case let e as CaseEvent: communes.contains(e.commune)
        case is PersonAlias: true
        default: false
        }
    }

    func access(to index: IndexDefinition, key: Tuple) -> IndexKeyAccess {
        let e = key.elements.map { $0.intValue }
        func path(_ r: some Collection<Int64?>) -> [Int64]? {
            var out: [Int64] = []
            for x in r { guard let x else { return nil }; out.append(x) }
            return out
        }
        switch PathInKey.of(index) {
        case .none:
            return .byRecord
        case .rest(let from):
            guard e.count > from, let p = path(e[from...]) else { return .hidden }
            return paths.contains(p) ? .visible : .hidden
        case .leading:
            return paths.contains { p in e.count >= p.count && zip(p, e).allSatisfy { $0 == $1 } } ? .visible : .hidden
        case .levelled(let at):
            guard e.count > at, let level = e[at].map(Int.init), level >= 0, e.count >= at + 1 + level,
                  let p = path(e[(at + 1)..<(at + 1 + level)]) else { return .hidden }
            return paths.contains(p) ? .visible : .hidden
        }
    }
}

/// An analyst's gate: every record, without its personal fields; no national-ID lookups.
private struct AnalystGate: RecordGate {
    func admits(_ record: any StoredRecord) -> Bool { true }
    func view<R: StoredRecord>(_ record: R) -> R { record.redactedForDeletion() }
    var withholdsFields: Bool { true }
    func access(to index: IndexDefinition, key: Tuple) -> IndexKeyAccess {
        index.name == Person.byNationalID.name || index.name == Person.byPendingNationalID.name ? .hidden : .visible
    }
}
