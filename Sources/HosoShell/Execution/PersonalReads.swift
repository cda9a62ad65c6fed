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

    /// Notes that person `id`'s personal fields were read.
    public func insert(_ id: RecordID) { ids.withLock { _ = $0.insert(id) } }
    /// Notes several persons.
    public func insert(contentsOf more: some Sequence<RecordID>) { ids.withLock { $0.formUnion(more) } }
    /// Returns what was collected and starts again.
    public func take() -> Set<RecordID> { ids.withLock { let out = $0; $0 = []; return out } }
}
