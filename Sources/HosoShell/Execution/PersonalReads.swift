import HosoDomain
import Synchronization

/// The persons whose personal fields (names, national IDs, birth dates, villages, occupation,
/// notes) the running statement read, collected by both engines so that the session can log
/// the statement in the tenant's processing log (``HosoDomain/ProgramTenant/logPersonalRead(_:personIDs:)``).
///
/// Ids are kept as they come, in ascending runs: a count that compares a personal field in
/// every file hands over its examined ids by the ten thousand, each slice of the scan in
/// order, so each array extends the run its slice started and collecting costs no hashing
/// and no sorting. The runs are merged (and other ids sorted in) when taken, and also when as
/// many ids have come since the last merge as it kept (at least 65,536), so a statement that
/// reads the same persons over and over holds at most about twice the persons it read.
public final class PersonalReads: Sendable {
    private struct Collected {
        /// Strictly ascending runs of ids; after a merge, one.
        var runs: [[RecordID]] = []
        /// Ids that came out of order, as they came.
        var singles: [RecordID] = []
        /// Ids in `runs` and `singles`, and of those the ones the last merge kept.
        var total = 0, kept = 0

        /// Adds `ids`, strictly ascending, to a run that ends below them (of the four started
        /// last: a scan's slices each extend their own), or as a run of their own.
        mutating func add(run ids: [RecordID]) {
            let first = ids[0]
            var i = runs.count - 1
            while i >= 0 && i >= runs.count - 4 {
                if runs[i][runs[i].count - 1] < first {
                    runs[i].append(contentsOf: ids)
                    return noteAdded(ids.count)
                }
                i -= 1
            }
            runs.append(ids)
            noteAdded(ids.count)
        }

        mutating func noteAdded(_ n: Int) {
            total += n
            if total - kept >= Swift.max(65_536, kept) { merge() }
        }

        /// Merges the runs and the single ids into one run, each id once.
        mutating func merge() {
            var all = runs
            if !singles.isEmpty {
                singles.sort()
                var w = 0
                for r in 0..<singles.count where r == 0 || singles[r] != singles[w - 1] { singles[w] = singles[r]; w += 1 }
                singles.removeLast(singles.count - w)
                all.append(singles)
            }
            while all.count > 1 {
                var next: [[RecordID]] = []
                next.reserveCapacity((all.count + 1) / 2)
                var i = 0
                while i + 1 < all.count { next.append(Self.union(all[i], all[i + 1])); i += 2 }
                if i < all.count { next.append(all[i]) }
                all = next
            }
            runs = all; singles = []
            total = runs.first?.count ?? 0; kept = total
        }

        /// The ids of two strictly ascending runs, ascending, each once.
        static func union(_ a: [RecordID], _ b: [RecordID]) -> [RecordID] {
            var out: [RecordID] = []
            out.reserveCapacity(a.count + b.count)
            var i = 0, j = 0
            while i < a.count && j < b.count {
                let x = a[i], y = b[j]
                if x < y { out.append(x); i += 1 } else if y < x { out.append(y); j += 1 } else { out.append(x); i += 1; j += 1 }
            }
            out.append(contentsOf: a[i...]); out.append(contentsOf: b[j...])
            return out
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
        var ascending = true
        for i in 1..<ids.count where ids[i - 1] >= ids[i] { ascending = false; break }
        collected.withLock { c in
            if ascending { c.add(run: ids) } else { c.singles += ids; c.noteAdded(ids.count) }
        }
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
            c.merge()
            defer { c = Collected() }
            return c.runs.first ?? []
        }
    }
}
