import Foundation
import HosoStore

/// One read of personal fields, as the processing log keeps it (Decree 356/2025: who
/// processed whose personal data, when, and how).
///
/// ```swift
/// try program.logPersonalRead("shown on the portal", personIDs: [7, 3])
/// let entry = try program.processingLog().last!
/// print(entry.user, entry.what, entry.personIDs, entry.personCount)   // system shown on the portal [3, 7] 2
/// ```
public struct PersonalRead: Sendable, Hashable {
    /// Its position in the tenant's change log.
    public var sequence: UInt64
    /// When, in milliseconds since 1970 (UTC).
    public var timestamp: Int64
    /// Who read: the user (principal) the tenant was opened as.
    public var user: String
    /// What was run: a statement, an export, an API call.
    public var what: String
    /// The persons whose fields were read, by id (the first ten thousand when more).
    public var personIDs: [RecordID]
    /// How many persons were read.
    public var personCount: Int

    /// The day it happened, in Vietnam (UTC+7).
    public var day: Day { Day(rawValue: Int32((Double(timestamp) / 1000 + 7 * 3600) / 86_400)) }
}

extension ProgramTenant {
    /// Records that the personal fields (names, national IDs, birth dates, villages,
    /// occupation, notes) of `personIDs` were read by the tenant's user, for `what`. The shell,
    /// `hoso query` and exports call it for every statement that returned such fields; an
    /// embedding program calls it for what it shows. Nothing is logged for an empty set.
    public func logPersonalRead(_ what: String, personIDs: some Collection<RecordID>) throws {
        guard !personIDs.isEmpty else { return }
        // Concurrent statements share one commit for their facts (group commit).
        let ids = Array(personIDs)
        try tenant.writeGrouped { try $0.logRead(of: Person.self, ids: ids, what: what) }
    }

    /// The processing log: every logged read of personal fields, oldest first, optionally from
    /// day `since` (inclusive), by `user`, or naming person `personID`.
    ///
    /// ```swift
    /// try program.logPersonalRead("export persons p.csv", personIDs: [1, 2])
    /// print(try program.processingLog(personID: 2).count, try program.processingLog(user: "someone else").count)   // 1 0
    /// ```
    public func processingLog(since: Day? = nil, user: String? = nil, personID: RecordID? = nil) throws -> [PersonalRead] {
        var out: [PersonalRead] = []
        var after: UInt64 = 0
        while true {
            let page = try tenant.read { try $0.readFacts(after: after, limit: 5_000) }
            guard let last = page.last else { break }
            after = last.sequence
            for c in page where c.operation == .read && c.recordType == Person.schema.name {
                let entry = PersonalRead(sequence: c.sequence, timestamp: c.timestamp, user: c.actor, what: c.detail ?? "",
                                         personIDs: c.recordIDs, personCount: c.recordsRead ?? c.recordIDs.count)
                if let since, entry.day < since { continue }
                if let user, entry.user != user { continue }
                if let personID, !entry.personIDs.contains(personID) { continue }
                out.append(entry)
            }
        }
        return out
    }
}
