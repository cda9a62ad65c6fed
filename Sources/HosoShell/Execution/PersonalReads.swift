import HosoDomain
import Synchronization

/// The persons whose personal fields (names, national IDs, birth dates, villages, occupation,
/// notes) the running statement read, collected by both engines so that the session can log
/// the statement in the tenant's processing log (``HosoDomain/ProgramTenant/logPersonalRead(_:personIDs:)``).
///
/// Ids are kept as they come, in arrays, and sorted and made unique now and then (when as many
/// have come since as were kept, and at least 65,536) and when taken: a count that compares a
/// personal field in every file hands over its examined ids by the ten thousand, in order, and
/// collecting them costs no hashing.
public final class PersonalReads: Sendable {
    private struct Collected {
        /// Sorted and unique (the ids of the last compaction).
        var kept: [RecordID] = []
        /// Arrays as they came (each as given), and single ids.
        var chunks: [[RecordID]] = []
        var singles: [RecordID] = []
        /// Ids in `chunks` and `singles`.
        var pending = 0

        mutating func compact() {
            guard pending > 0 else { return }
            var all = kept
            all.reserveCapacity(kept.count + pending)
            for c in chunks { all += c }
            all += singles
            // Runs already in order (the usual case) make the sort a merge.
            all.sort()
            var w = 0
            for r in 0..<all.count where r == 0 || all[r] != all[w - 1] { all[w] = all[r]; w += 1 }
            all.removeLast(all.count - w)
            kept = all; chunks = []; singles = []; pending = 0
        }

        mutating func noteAdded(_ n: Int) {
            pending += n
            if pending >= Swift.max(65_536, kept.count) { compact() }
        }
    }
    private let collected = Mutex(Collected())

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
    public func insert(_ id: RecordID) { collected.withLock { $0.singles.append(id); $0.noteAdded(1) } }
    /// Notes several persons.
    public func insert(contentsOf more: some Collection<RecordID>) {
        guard !more.isEmpty else { return }
        let ids = Array(more)
        collected.withLock { $0.chunks.append(ids); $0.noteAdded(ids.count) }
    }
    /// Returns what was collected, in ascending order, each person once, and starts again.
    ///
    /// ```swift
    /// let reads = PersonalReads()
    /// reads.insert(contentsOf: [3, 4, 5]); reads.insert(4); reads.insert(1)
    /// print(reads.take(), reads.take())   // [1, 3, 4, 5] []
    /// ```
    public func take() -> [RecordID] {
        collected.withLock { c in
            c.compact()
            defer { c = Collected() }
            return c.kept
        }
    }
}
