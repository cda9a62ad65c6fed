import HosoDomain
import Synchronization

/// The persons whose personal fields (names, national IDs, birth dates, villages, occupation,
/// notes) the running statement read, collected by both engines so that the session can log
/// the statement in the tenant's processing log (``HosoDomain/ProgramTenant/logPersonalRead(_:personIDs:)``).
public final class PersonalReads: Sendable {
    private let ids = Mutex<Set<RecordID>>([])

    /// Creates an empty collector.
    public init() {}

    /// The columns of each query table that hold personal fields.
    public static let columns: [String: Set<String>] = [
        "persons": ["full_name", "birth_date", "national_id", "village", "permanent_village", "occupation"],
        "person_events": ["note"],
        "events": ["note"],
    ]

    /// The columns a principal that does not read personal fields (an analyst,
    /// ``HosoDomain/ProgramAccess/readsPersonalFields``) may not use in any part of a
    /// statement: the personal ones, and `persons.minor`, which is computed from the birth date.
    public static func withheld(in table: String) -> Set<String> {
        (columns[table] ?? []).union(table == "persons" ? ["minor"] : [])
    }

    /// The error for a statement of `program`'s principal that uses columns `used` of `table`
    /// it may not read, or nil when it may read them all.
    public static func refusal(of used: some Sequence<String>, in table: String, allColumns: [String],
                               program: ProgramTenant) -> QueryError? {
        let access = program.access
        guard !access.readsPersonalFields else { return nil }
        let withheld = withheld(in: table)
        let refused = Array(Set(used).intersection(withheld)).sorted()
        guard !refused.isEmpty else { return nil }
        let principal = program.tenant.principal
        let readable = allColumns.filter { !withheld.contains($0) }
        return QueryError("\(principal.name) (\(principal.role)) may not read \(table).\(refused.joined(separator: ", ")): "
                          + "the \(principal.role) role reads counts, sums and reports, not names, national IDs, birth dates, villages, occupations or notes"
                          + (refused.contains("minor") ? " (minor is computed from the birth date)" : "")
                          + "; it may read \(table).\(readable.joined(separator: ", "))", location: nil)
    }

    /// Notes that person `id`'s personal fields were read.
    public func insert(_ id: RecordID) { ids.withLock { _ = $0.insert(id) } }
    /// Notes several persons.
    public func insert(contentsOf more: some Collection<RecordID>) {
        ids.withLock { set in
            // Room for them all at once: a count's examined files come by the ten thousand.
            set.reserveCapacity(set.count + more.count)
            set.formUnion(more)
        }
    }
    /// Returns what was collected and starts again.
    public func take() -> Set<RecordID> { ids.withLock { let out = $0; $0 = []; return out } }
}
