import HosoStore

// The engine's types that callers of the domain use, under the domain's names: the shell, the
// `hoso` tool and an embedding app import HosoDomain and nothing below it. Each name is the
// engine's own type (not a copy), so values pass between the layers unchanged; what the engine
// offers beyond these (transactions, index keys, record codecs) stays behind the domain's API.
//
// ```swift
// import HosoDomain
//
// let store = try Store(directory: "/var/lib/hoso")
// let program = try ProgramTenant.open(in: store, name: "lang-son")
// let day = try Day.parse("10/12/2025")
// let n = try program.countPersons(.addict, in: .province(20), on: day)
// ```

/// A directory of tenants (``HosoStore/Store``): open it, then a ``ProgramTenant`` in it.
///
/// <!-- doc-example: compile-only -->
/// ```swift
/// let store = try Store(directory: "/var/lib/hoso")
/// print(try store.tenantNames())
/// ```
public typealias Store = HosoStore.Store

/// A calendar day (``HosoStore/Day``).
///
/// ```swift
/// let day = Day(year: 2025, month: 12, day: 10)!
/// print(day)   // 2025-12-10
/// ```
public typealias Day = HosoStore.Day

/// Why a text is not a day (``HosoStore/DayParseError``).
///
/// ```swift
/// do {
///     _ = try Day.parse("31/02/2025")
/// } catch {
///     print(error.reason)   // February 2025 has 28 days
/// }
/// ```
public typealias DayParseError = HosoStore.DayParseError

/// A half-open range of days (``HosoStore/DayRange``).
///
/// ```swift
/// let june = DayRange(Day(year: 2025, month: 6, day: 1)!, Day(year: 2025, month: 7, day: 1)!)
/// print(june)   // 2025-06-01…2025-06-30
/// ```
public typealias DayRange = HosoStore.DayRange

/// The id of a record (``HosoStore/RecordID``).
///
/// ```swift
/// let id: RecordID = 42
/// print(id)   // 42
/// ```
public typealias RecordID = HosoStore.RecordID

/// Who is acting (``HosoStore/Principal``), recorded in the change log.
///
/// ```swift
/// let officer = Principal(name: "ca.tinh.pc04.nguyenvana")
/// print(officer.name)   // ca.tinh.pc04.nguyenvana
/// ```
public typealias Principal = HosoStore.Principal

/// A user of the store (``HosoStore/StoreUser``): a role, its communes, the accounts acting as it.
///
/// ```swift
/// let lan = try ProgramRole.officer.user(name: "lan", communes: [6184], accounts: ["lan"])
/// try store.saveUser(lan, by: store.principal)
/// print(try store.principal(forAccount: "lan"))   // lan (officer)
/// ```
public typealias StoreUser = HosoStore.StoreUser

/// Decides what a principal may do (``HosoStore/AccessPolicy``).
///
/// ```swift
/// let again = try ProgramTenant.open(in: store, name: program.name, policy: AllowAll())
/// print(again.name)   // lang-son
/// ```
public typealias AccessPolicy = HosoStore.AccessPolicy

/// The policy that allows everything (``HosoStore/AllowAll``).
///
/// ```swift
/// let policy: any AccessPolicy = AllowAll()
/// print(policy is AllowAll)   // true
/// ```
public typealias AllowAll = HosoStore.AllowAll

/// A tenant's metadata: name, display name, creator, unfinished mark (``HosoStore/TenantInfo``).
///
/// ```swift
/// let info = TenantInfo(name: "lang-son", displayName: "Tỉnh Lạng Sơn")
/// print(info.displayName)   // Tỉnh Lạng Sơn
/// ```
public typealias TenantInfo = HosoStore.TenantInfo

/// A tenant's metadata, sizes and record counts (``HosoStore/TenantDescription``).
///
/// ```swift
/// let d: TenantDescription = try program.describe()
/// print(d.info.name)   // lang-son
/// ```
public typealias TenantDescription = HosoStore.TenantDescription

/// An error of the engine (``HosoStore/HosoError``): a tenant that does not exist, a record id
/// in use, a full disk… The program's own refusals are ``ProgramError``s.
///
/// <!-- doc-example: compile-only -->
/// ```swift
/// do {
///     _ = try program.personCount()
/// } catch HosoError.tenantReplaced(let name) {
///     print("open \(name) again")
/// }
/// ```
public typealias HosoError = HosoStore.HosoError

/// A bulk load stopped by the engine at a batch (``HosoStore/BulkLoadError``).
///
/// <!-- doc-example: compile-only -->
/// ```swift
/// do {
///     try program.load(persons: [Person](), events: [CaseEvent]())
/// } catch let error as BulkLoadError {
///     print(error.recordsLoaded, "records were loaded before it")
/// }
/// ```
public typealias BulkLoadError = HosoStore.BulkLoadError

/// Progress of a load, after each batch (``HosoStore/BulkLoadProgress``).
///
/// ```swift
/// let people = (RecordID(1)...3).map { Person(id: $0, fullName: "Person \($0)", commune: congSon, fileOpened: day) }
/// try program.load(persons: people, events: []) { kind, p in print(kind, p.recordsLoaded) }
/// print(try program.personCount())   // 3
/// ```
public typealias BulkLoadProgress = HosoStore.BulkLoadProgress

/// What verifying a tenant found (``HosoStore/VerifyReport``).
///
/// ```swift
/// let report: VerifyReport = try program.verify()
/// print(report.isConsistent)   // true
/// ```
public typealias VerifyReport = HosoStore.VerifyReport

/// The start or the end of a status interval (``HosoStore/IntervalEdge``): entries into and
/// exits from a status.
///
/// ```swift
/// print(try program.countFlow(.addict, .start, in: .province(20), during: Period.year(2025).range()))   // 0
/// ```
public typealias IntervalEdge = HosoStore.IntervalEdge

/// Where a paged listing goes on (``HosoStore/Continuation``).
///
/// ```swift
/// let next = try program.currentPersons(in: .province(20), limit: 100) { _ in true }
/// print(next == nil)   // true
/// ```
public typealias Continuation = HosoStore.Continuation

/// A small seeded random number generator (``HosoStore/SplitMix64``), for reproducible samples.
///
/// ```swift
/// var rng = SplitMix64(seed: 7)
/// let commune = program.settings.communes.randomElement(using: &rng)
/// print(commune != nil)   // true
/// ```
public typealias SplitMix64 = HosoStore.SplitMix64

/// What one index of the program's schema is and answers (its kind, key and value layout,
/// databases and questions): ``ProgramTenant/indexCatalog`` lists them.
///
/// ```swift
/// for d in ProgramTenant.indexCatalog { print(d.recordType + "." + d.name, d.kind) }
/// ```
public typealias IndexDescription = HosoStore.IndexDescription

/// An index of a record type (the program's are static members of ``Person`` and ``CaseEvent``).
///
/// ```swift
/// let name = ProgramTenant.qualifiedName(of: Person.byNationalID)
/// print(name)   // person.national_id
/// ```
public typealias IndexDefinition = HosoStore.IndexDefinition

extension ProgramTenant {
    /// Every index of the program's schema, described by the engine: what a shell's `.indexes`
    /// and `EXPLAIN` show instead of naming indexes by hand.
    ///
    /// ```swift
    /// let dated = ProgramTenant.indexCatalog.filter { $0.kind == .datedCount }.map(\.name)
    /// print(dated.isEmpty)   // false
    /// ```
    public static var indexCatalog: [IndexDescription] { schema.indexDescriptions }

    /// `type.index` for an index of the program's schema (`person.status_flow`).
    ///
    /// ```swift
    /// print(ProgramTenant.qualifiedName(of: CaseEvent.byDate))   // event.date
    /// ```
    public static func qualifiedName(of index: IndexDefinition) -> String {
        let type = schema.recordTypes.first { $0.indexes.contains(index) }
        return (type.map { $0.name + "." } ?? "") + index.name
    }
}


/// A principal's sealing key pair (``HosoStore/SealingIdentity``): the private half in a key
/// file of its own, the public half with the store's user.
///
/// ```swift
/// let key = SealingIdentity.generate()
/// print(key.publicKey.count)   // 44
/// ```
public typealias SealingIdentity = HosoStore.SealingIdentity

/// A sealed tenant's keys and records, without key material (``HosoStore/SealingStatus``).
///
/// ```swift
/// print(try program.sealingStatus().isSealed)   // false
/// ```
public typealias SealingStatus = HosoStore.SealingStatus

/// What a change of a tenant's keys did (``HosoStore/KeyChange``).
///
/// ```swift
/// print(try program.syncKeys().wrapsAdded)   // 0
/// ```
public typealias KeyChange = HosoStore.KeyChange
