import Foundation
import HosoStore

// One person, one file: finding duplicate files, merging two into one (the absorbed id kept as
// a ``PersonAlias`` that still resolves), and undoing a merge exactly.

/// Two files that may be one person (``ProgramTenant/duplicates()``).
///
/// ```swift
/// for pair in try program.duplicates() {
///     print(pair.kept, pair.other, pair.reason, pair.isProposal ? "proposal" : "same national ID")
/// }
/// ```
public struct DuplicatePair: Sendable, Hashable, CustomStringConvertible {
    /// The file to keep: the holder of the national ID, or the older file of a proposal.
    public var kept: RecordID
    /// The file to merge into it.
    public var other: RecordID
    /// Why: `national ID 020090001234` or `same name, birth date and commune`.
    public var reason: String
    /// `true` for a match by name, birth date and commune (files without a national ID): a
    /// proposal for a person to check, never merged automatically.
    public var isProposal: Bool

    /// Creates a pair.
    public init(kept: RecordID, other: RecordID, reason: String, isProposal: Bool) {
        self.kept = kept; self.other = other; self.reason = reason; self.isProposal = isProposal
    }

    /// `kept ⇐ other (reason)`.
    public var description: String { "\(kept) ⇐ \(other) (\(reason)\(isProposal ? ", proposal only" : ""))" }
}

/// What a merge does (``ProgramTenant/planMerge(keeping:absorbing:)``): the file it writes, the
/// case events it re-points, and what differed between the two files.
///
/// ```swift
/// try program.addPerson(Person(id: 1, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: day))
/// try program.addPerson(Person(id: 2, fullName: "Nguyễn Văn Ân", commune: congSon, fileOpened: day))
/// let plan = try program.planMerge(keeping: 1, absorbing: 2)
/// print(plan.notes[0])   // full_name differs: kept 'Nguyễn Văn An', person 2 had 'Nguyễn Văn Ân'
/// ```
public struct MergePlan: Sendable {
    /// The kept file as stored now.
    public var kept: Person
    /// The absorbed file as stored now.
    public var absorbed: Person
    /// The kept file as the merge writes it: both histories, re-derived.
    public var merged: Person
    /// The case events naming the absorbed file, which will name the kept one.
    public var events: [RecordID]
    /// Differences and what was done about each (the kept file's value stays).
    public var notes: [String]
}

/// How an import treats a person whose national ID another file holds.
///
/// ```swift
/// print(DuplicatePolicy(code: "keep") == .keep)   // true
/// ```
public enum DuplicatePolicy: Int, CodedEnum {
    /// Reject the row (the default): the reject file names the holder.
    case reject = 0
    /// Store the file with its national ID as ``Person/pendingNationalID``, listed by
    /// ``ProgramTenant/duplicates()`` until it is merged.
    case keep

    /// What a policy is called in messages.
    public static let codeName = "duplicates policy"

    /// `reject` or `keep`.
    public var code: String {
        switch self {
        case .reject: "reject"
        case .keep: "keep"
        }
    }
}

extension ProgramTenant {
    // MARK: Finding duplicates

    /// Files that may be one person: pairs sharing a national ID (a file kept by an import with
    /// ``DuplicatePolicy/keep`` and the holder), then proposals for files without a national ID
    /// that match another by folded full name, birth date and commune (reads every file). A
    /// proposal is for a person to check; nothing is merged automatically.
    ///
    /// ```swift
    /// print(try program.duplicates().count)   // 0
    /// ```
    public func duplicates() throws -> [DuplicatePair] {
        try read { q in
            var pairs: [DuplicatePair] = []
            var pending: [(String, RecordID)] = []
            try q.txn.ids(in: Person.byPendingNationalID) { key, id in
                if let n = try Tuple.decode(key).elements.first?.stringValue { pending.append((n, id)) }
                return true
            }
            var firstWithoutHolder: [String: RecordID] = [:]
            for (n, id) in pending {
                if let holder = try q.txn.lookup(Person.byNationalID, ProgramKeys.nationalIDKey(n)) {
                    pairs.append(DuplicatePair(kept: holder, other: id, reason: "national ID \(n)", isProposal: false))
                } else if let first = firstWithoutHolder[n] {
                    pairs.append(DuplicatePair(kept: first, other: id, reason: "national ID \(n)", isProposal: false))
                } else {
                    firstWithoutHolder[n] = id
                }
            }
            var groups: [MatchKey: [(RecordID, String?)]] = [:]
            try q.allPersons { p in
                if let birth = p.birthDate {
                    groups[MatchKey(name: Gazetteer.foldForSearch(p.fullName), birth: birth, commune: p.commune.commune), default: []]
                        .append((p.id, p.nationalID ?? p.pendingNationalID))
                }
                return true
            }
            var proposals: [DuplicatePair] = []
            for (_, files) in groups where files.count > 1 {
                let sorted = files.sorted { $0.0 < $1.0 }
                for i in sorted.indices {
                    for j in sorted.indices where j > i {
                        // Two different national IDs are two persons; a pair sharing one is listed above.
                        if sorted[i].1 != nil && sorted[j].1 != nil { continue }
                        proposals.append(DuplicatePair(kept: sorted[i].0, other: sorted[j].0, reason: "same name, birth date and commune", isProposal: true))
                    }
                }
            }
            return pairs.sorted { ($0.kept, $0.other) < ($1.kept, $1.other) } + proposals.sorted { ($0.kept, $0.other) < ($1.kept, $1.other) }
        }
    }

    // MARK: Aliases

    /// Every alias (the ids of merged files), by id.
    ///
    /// ```swift
    /// print(try program.aliases().isEmpty)   // true
    /// ```
    public func aliases() throws -> [PersonAlias] {
        try tenant.read { txn in
            var out: [PersonAlias] = []
            try txn.scan(PersonAlias.self) { out.append($0); return true }
            return out
        }
    }

    /// The file that id `id` names: the person with that id, or, for the id of a merged file,
    /// the file it was merged into (following later merges); `nil` when neither exists.
    ///
    /// ```swift
    /// print(try program.resolvedPerson(id: 42) == nil)   // true
    /// ```
    public func resolvedPerson(id: RecordID) throws -> Person? { try read { try $0.resolvedPerson(id: id) } }

    // MARK: Merging

    /// What merging `absorbed` into `kept` would write, without writing it (what
    /// `hoso persons merge` prints before it asks).
    ///
    /// ```swift
    /// try program.addPerson(Person(id: 1, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: day))
    /// try program.addPerson(Person(id: 2, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: day),
    ///                       events: [PersonEvent(date: day, kind: .addictionDetermination, outcome: .addicted)])
    /// let plan = try program.planMerge(keeping: 1, absorbing: 2)
    /// print(plan.merged.events.count, plan.merged.status(on: day).code)   // 1 addict
    /// ```
    ///
    /// - Throws: ``ProgramError/mergeRefused(kept:absorbed:reason:)`` when a file is missing,
    ///   the two carry different national IDs, or the combined history is refused.
    public func planMerge(keeping kept: RecordID, absorbing absorbed: RecordID) throws -> MergePlan {
        try tenant.read { txn in try plan(kept, absorbed, txn) }
    }

    /// Merges file `absorbed` into file `kept` in one write: the kept file gets both files'
    /// events (renumbered, events recorded in both kept once) and drugs, fills the identity
    /// fields it lacks from the other, takes the national ID, and has its history re-derived;
    /// case events naming the absorbed file name the kept one; the absorbed file is deleted and
    /// its id kept as a ``PersonAlias`` that resolves to `kept` (``resolvedPerson(id:)``). The
    /// change log records every write under `principal` (default: this handle's). Undo it with
    /// ``unmerge(_:as:)``.
    ///
    /// ```swift
    /// var a = Person(id: 1, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: day)
    /// a.nationalID = "020090001234"
    /// try program.addPerson(a, events: [PersonEvent(date: day, kind: .addictionDetermination, outcome: .addicted)])
    /// var b = Person(id: 2, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: day)
    /// b.pendingNationalID = "020090001234"
    /// try program.addPerson(b)
    /// let alias = try program.merge(keeping: 1, absorbing: 2, as: Principal(name: "can.bo"))
    /// print(alias.person, try program.resolvedPerson(id: 2)?.id ?? 0)   // 1 1
    /// ```
    @discardableResult
    public func merge(keeping kept: RecordID, absorbing absorbed: RecordID, as principal: Principal? = nil) throws -> PersonAlias {
        let handle = principal.map { tenant.acting(as: $0) } ?? tenant
        return try handle.write { txn in
            let plan = try self.plan(kept, absorbed, txn.reader)
            var alias = PersonAlias(id: absorbed, person: kept, mergedAt: Int64(Date().timeIntervalSince1970 * 1000), actor: txn.principal.name)
            alias.notes = plan.notes
            alias.keptBefore = try txn.reader.withBytes(of: Person.self, id: kept) { Array($0) } ?? []
            alias.absorbedBefore = try txn.reader.withBytes(of: Person.self, id: absorbed) { Array($0) } ?? []
            alias.keptAfter = plan.merged.encoded()
            for id in plan.events {
                guard var e = try txn.reader.get(CaseEvent.self, id: id) else { continue }
                alias.eventPersons.append((id, e.personIDs))
                var seen = Set<RecordID>()
                e.personIDs = e.personIDs.map { $0 == absorbed ? kept : $0 }.filter { seen.insert($0).inserted }
                try txn.update(e)
            }
            // The absorbed file goes first, so that the national ID it held is free for the kept one.
            try txn.delete(Person.self, id: absorbed)
            try txn.update(plan.merged)
            try txn.insert(alias)
            return alias
        }
    }

    /// Undoes the merge that made alias `absorbed`: both files and the case events it changed
    /// are stored again exactly as they were before it (the same bytes, so every index is as
    /// before), and the alias is removed; the change log records the writes under `principal`.
    ///
    /// ```swift
    /// try program.addPerson(Person(id: 1, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: day))
    /// try program.addPerson(Person(id: 2, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: day))
    /// try program.merge(keeping: 1, absorbing: 2)
    /// try program.unmerge(2)
    /// print(try program.personCount())   // 2
    /// ```
    ///
    /// - Throws: ``ProgramError/unmergeRefused(alias:reason:)`` when `absorbed` is not an alias,
    ///   the kept file was merged again or changed since (undo the later change first).
    public func unmerge(_ absorbed: RecordID, as principal: Principal? = nil) throws {
        let handle = principal.map { tenant.acting(as: $0) } ?? tenant
        try handle.write { txn in
            guard let alias = try txn.reader.get(PersonAlias.self, id: absorbed) else {
                throw ProgramError.unmergeRefused(alias: absorbed, reason: "it is not the id of a merged file (hoso persons aliases lists them)")
            }
            guard let now = try txn.reader.withBytes(of: Person.self, id: alias.person, { Array($0) }) else {
                let later = try txn.reader.get(PersonAlias.self, id: alias.person)
                throw ProgramError.unmergeRefused(alias: absorbed, reason: later.map { "person \(alias.person), which it was merged into, was merged into person \($0.person) since: undo that merge first (hoso persons unmerge \(alias.person))" }
                                                  ?? "person \(alias.person), which it was merged into, is no longer on file")
            }
            guard now == alias.keptAfter else {
                throw ProgramError.unmergeRefused(alias: absorbed, reason: "person \(alias.person) changed after the merge; undoing it would lose those changes")
            }
            guard try !txn.reader.contains(Person.self, id: absorbed) else {
                throw ProgramError.unmergeRefused(alias: absorbed, reason: "a person with id \(absorbed) is on file again")
            }
            let kept = try alias.keptBefore.withUnsafeBytes { try Person.decode(id: alias.person, $0) }
            let restored = try alias.absorbedBefore.withUnsafeBytes { try Person.decode(id: absorbed, $0) }
            try txn.delete(PersonAlias.self, id: absorbed)
            try txn.update(kept)
            try txn.insert(restored)
            for (id, persons) in alias.eventPersons {
                guard var e = try txn.reader.get(CaseEvent.self, id: id) else { continue }
                e.personIDs = persons
                try txn.update(e)
            }
        }
    }

    // MARK: The merge itself

    private func plan(_ keptID: RecordID, _ absorbedID: RecordID, _ txn: borrowing TenantReader) throws -> MergePlan {
        func refused(_ reason: String) -> ProgramError { .mergeRefused(kept: keptID, absorbed: absorbedID, reason: reason) }
        func missing(_ id: RecordID) throws -> ProgramError {
            if let alias = try txn.get(PersonAlias.self, id: id) { return refused("person \(id) was merged into person \(alias.person) already") }
            return refused("there is no person \(id) on file")
        }
        guard keptID != absorbedID else { throw refused("a file cannot be merged into itself") }
        guard let a = try txn.get(Person.self, id: keptID) else { throw try missing(keptID) }
        guard let b = try txn.get(Person.self, id: absorbedID) else { throw try missing(absorbedID) }
        var notes: [String] = []
        var m = a
        if let x = a.nationalID ?? a.pendingNationalID, let y = b.nationalID ?? b.pendingNationalID, x != y {
            throw refused("they carry different national IDs (\(x) and \(y)): they are two persons; correct the wrong ID first")
        }
        m.nationalID = a.nationalID ?? b.nationalID
        m.pendingNationalID = m.nationalID == nil ? (a.pendingNationalID ?? b.pendingNationalID) : nil
        if a.nationalID == nil, let n = m.nationalID { notes.append("national_id \(n) taken from person \(b.id)") }

        func field<T: Equatable>(_ name: String, _ path: WritableKeyPath<Person, T?>, show: (T) -> String) {
            switch (a[keyPath: path], b[keyPath: path]) {
            case (nil, let y?): m[keyPath: path] = y; notes.append("\(name) \(show(y)) taken from person \(b.id)")
            case let (x?, y?) where x != y: notes.append("\(name) differs: kept \(show(x)), person \(b.id) had \(show(y))")
            default: break
            }
        }
        if a.fullName != b.fullName { notes.append("full_name differs: kept '\(a.fullName)', person \(b.id) had '\(b.fullName)'") }
        field("birth_date", \.birthDate) { $0.description }
        field("village", \.village) { "'\($0)'" }
        field("permanent_commune", \.permanentCommune) { String($0.commune) }
        field("permanent_village", \.permanentVillage) { "'\($0)'" }
        field("occupation", \.occupation) { "'\($0)'" }
        if a.sex == .unknown, b.sex != .unknown { m.sex = b.sex; notes.append("sex \(b.sex.code) taken from person \(b.id)") }
        else if b.sex != .unknown, a.sex != b.sex { notes.append("sex differs: kept \(a.sex.code), person \(b.id) had \(b.sex.code)") }
        if a.commune != b.commune { notes.append("commune differs: kept \(a.commune.commune), person \(b.id) had \(b.commune.commune)") }
        if b.fileOpened < a.fileOpened { m.fileOpened = b.fileOpened; notes.append("file_opened \(b.fileOpened) taken from person \(b.id) (the earlier)") }
        if a.notPresent != b.notPresent { notes.append("not_present differs: kept \(a.notPresent)") }
        if a.fromAnotherLocality != b.fromAnotherLocality { notes.append("from_another_locality differs: kept \(a.fromAnotherLocality)") }
        for d in b.drugs where !m.drugs.contains(d) { m.drugs.append(d) }

        // Events: the absorbed file's follow the kept file's, renumbered; one recorded in both
        // files (the same facts, whatever its number) is kept once.
        var next = (a.events.map(\.sequence).max() ?? 0) + 1
        var renumbered: [Int: Int] = [:]
        var matched = Set<Int>()
        var added: [PersonEvent] = []
        var same = 0
        func twin(_ e: PersonEvent) -> Int? {
            a.events.first { x in
                guard !matched.contains(x.sequence) else { return false }
                var y = e; y.sequence = x.sequence
                return x == y
            }?.sequence
        }
        for e in b.events where e.voids == nil {
            if let s = twin(e) { renumbered[e.sequence] = s; matched.insert(s); same += 1 }
            else { renumbered[e.sequence] = next; next += 1 }
        }
        for e in b.events where e.voids != nil { renumbered[e.sequence] = next; next += 1 }
        for e in b.events {
            var y = e
            y.sequence = renumbered[e.sequence] ?? 0
            if let v = e.voids { y.voids = renumbered[v] ?? v }
            if e.voids == nil, matched.contains(y.sequence), a.events.contains(where: { $0.sequence == y.sequence }) { continue }
            if e.voids != nil, let s = twin(y) { renumbered[e.sequence] = s; matched.insert(s); same += 1; continue }
            added.append(y)
        }
        if same > 0 { notes.append("\(same) event(s) recorded in both files kept once") }
        m.events = a.events + added
        let merged: Person
        do { merged = try prepare(m) } catch {
            throw refused("the combined history is refused: \(error); record a correction in one file and merge again")
        }
        var events: [RecordID] = []
        try txn.ids(in: CaseEvent.byPerson, ProgramKeys.events(involving: absorbedID)) { _, id in events.append(id); return true }
        return MergePlan(kept: a, absorbed: b, merged: merged, events: events, notes: notes)
    }
}

/// Name, birth date and commune: what a proposal matches on.
private struct MatchKey: Hashable {
    var name: String
    var birth: Day
    var commune: Int32
}

extension ProgramSnapshot {
    /// The file that id `id` names, following aliases of merged files (see
    /// ``ProgramTenant/resolvedPerson(id:)``).
    ///
    /// ```swift
    /// print(try q.resolvedPerson(id: 42) == nil)   // true
    /// ```
    public func resolvedPerson(id: RecordID) throws -> Person? {
        var current = id
        for _ in 0..<1000 {
            if let p = try txn.get(Person.self, id: current) { return p }
            guard let alias = try txn.get(PersonAlias.self, id: current) else { return nil }
            current = alias.person
        }
        return nil
    }

    /// The alias of merged file `id`, if it is one.
    ///
    /// ```swift
    /// print(try q.alias(id: 42) == nil)   // true
    /// ```
    public func alias(id: RecordID) throws -> PersonAlias? { try txn.get(PersonAlias.self, id: id) }
}
