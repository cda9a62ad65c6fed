import Foundation
import Testing
@testable import HosoDomain
import HosoStore

/// One person, one file (issue 13, item 4): duplicate files found on import and by
/// ``ProgramTenant/duplicates()`` against a brute force over the model; merges checked against
/// a rebuild of every index (verify) and the model's expectations; undos against the exact bytes
/// of every record and index database before (`mdb_dump -a`).
@Suite struct PersonMergeTests {
    static let today = d("2027-01-01")

    func tenant(_ name: String = #function, persons: Int, events: Int, seed: UInt64) throws -> (ProgramTenant, SyntheticProvince, String) {
        let store = try temporaryStore(ManualClock(Self.today), name: name)
        let data = try SyntheticProvince(provinceCode: 20, persons: persons, events: events, seed: seed)
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        return (program, data, store.directory)
    }

    /// Every named database of the tenant but its change log and metadata, as `mdb_dump -a`
    /// prints it: the records and every index, byte for byte.
    static func dump(_ program: ProgramTenant) throws -> [String: String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mdb_dump")
        process.arguments = ["-a", program.tenant.directory]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var out: [String: String] = [:]
        var current = ""
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("database=") { current = String(line.dropFirst(9)); continue }
            if current == "changelog" || current == "meta" || current.isEmpty { continue }
            out[current, default: ""] += line + "\n"
        }
        return out
    }

    static var hasDump: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/mdb_dump") }

    func expectConsistent(_ program: ProgramTenant, _ context: String, seed: UInt64) throws {
        let report = try program.verify()
        #expect(report.isConsistent, "seed \(seed), \(context): \(report)")
    }

    /// The randomized model: synthetic files, copies of some with the same national ID (a
    /// second district's file: the same person, part of the history, another id) and copies of
    /// others without one (proposals), imported with `--duplicates keep`; then random merges,
    /// each checked against a rebuild, and their undo, checked against the bytes before.
    @Test(.enabled(if: PersonMergeTests.hasDump, "mdb_dump (lmdb-utils) is not installed"), arguments: [2026 as UInt64, 7, 13])
    func mergesAndTheirUndoLeaveEveryIndexEqualToARebuild(seed: UInt64) throws {
        let (program, data, _) = try tenant("merge\(seed)", persons: 80, events: 120, seed: seed)
        var rng = SplitMix64(seed: seed)
        let originals = Array(data.persons())
        try program.load(persons: originals, events: data.events())
        // Copies: same national ID (a pending merge), or no national ID and the same name,
        // birth date and commune (a proposal); each with a prefix of the original's events.
        var copies: [Person] = []
        var expectedPairs: Set<DuplicatePair> = []
        var nextID: RecordID = 10_000
        for p in originals.shuffled(using: &rng).prefix(24) {
            var c = p
            c.id = nextID; nextID += 1
            c.events = Array(p.events.prefix(Int(rng.next() % UInt64(p.events.count + 1)))).filter { $0.voids == nil }
            c.history = []; c.statusChanges = []
            if rng.next() % 3 == 0 { c.nationalID = nil; if c.birthDate == nil { c.birthDate = d("1990-01-01") } }
            copies.append(c)
        }
        let dir = NSTemporaryDirectory() + "hoso-merge-\(seed)-\(UUID().uuidString)/"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try PersonWriter.export(copies, to: dir + "persons.csv", format: .csv)
        // The default refuses every copy with a national ID (and its events).
        let rejected = try TableTransfer.importFile(dir + "persons.csv", table: .persons, into: program, rejects: dir + "r1.csv")
        let withID = copies.filter { $0.nationalID != nil }
        #expect(rejected.loaded == copies.count - withID.count, "seed \(seed)")
        #expect(rejected.keptDuplicates.isEmpty)
        // Undo that import's loaded rows by deleting them, then import again keeping duplicates.
        for c in copies where c.nationalID == nil { try program.deletePerson(id: c.id) }
        let summary = try TableTransfer.importFile(dir + "persons.csv", table: .persons, into: program, rejects: dir + "r2.csv", duplicates: .keep)
        #expect(summary.rejected == 0, "seed \(seed): \(summary.text)")
        let byNationalID = Dictionary(originals.compactMap { p in p.nationalID.map { ($0, p.id) } }, uniquingKeysWith: min)
        let expectedKept = Set(withID.map { "\($0.id) \($0.nationalID!) \(byNationalID[$0.nationalID!]!)" })
        #expect(Set(summary.keptDuplicates.map { "\($0.id) \($0.nationalID) \($0.holder)" }) == expectedKept, "seed \(seed)")
        #expect(summary.text.contains("\(withID.count) kept with a national ID another file holds"))
        try expectConsistent(program, "after the import", seed: seed)
        for c in withID { expectedPairs.insert(DuplicatePair(kept: byNationalID[c.nationalID!]!, other: c.id, reason: "national ID \(c.nationalID!)", isProposal: false)) }
        // Proposals by brute force: every two files of the same folded name, birth date and
        // commune, not both with a national ID.
        var all: [Person] = []
        try program.persons(from: .all) { all.append($0); return true }
        for (i, x) in all.enumerated() {
            for y in all[(i + 1)...] where x.birthDate != nil && x.birthDate == y.birthDate && x.commune.commune == y.commune.commune
                && Gazetteer.foldForSearch(x.fullName) == Gazetteer.foldForSearch(y.fullName)
                && ((x.nationalID ?? x.pendingNationalID) == nil || (y.nationalID ?? y.pendingNationalID) == nil) {
                expectedPairs.insert(DuplicatePair(kept: min(x.id, y.id), other: max(x.id, y.id), reason: "same name, birth date and commune", isProposal: true))
            }
        }
        let found = try program.duplicates()
        #expect(Set(found) == expectedPairs, "seed \(seed): \(Set(found).symmetricDifference(expectedPairs))")
        #expect(found.count == expectedPairs.count, "seed \(seed): a pair listed twice")

        // Case events naming some of the copies.
        let communes = program.settings.communes.map(\.ref)
        for (k, c) in copies.enumerated() where k % 2 == 0 {
            var e = CaseEvent(id: 50_000 + RecordID(k), kind: .drugCase, commune: communes[k % communes.count], date: d("2026-06-01"))
            e.personIDs = k % 4 == 0 ? [c.id, byNationalID[c.nationalID ?? ""] ?? 1] : [c.id]
            try program.addEvent(e)
        }
        let before = try Self.dump(program)
        #expect(before["r.person"]?.isEmpty == false && before["i.person.pending_national_id"]?.isEmpty == false, "seed \(seed): the dump reads nothing")

        // Merge every pair in random order, checking each against a rebuild.
        var merged: [(kept: RecordID, absorbed: RecordID, snapshot: [String: String])] = []
        for pair in found.shuffled(using: &rng) {
            let current = try Self.dump(program)
            guard let a = try program.person(id: pair.kept), let b = try program.person(id: pair.other) else { continue }
            let cases = try program.events(involving: b.id).map(\.id)
            let alias: PersonAlias
            do {
                alias = try program.merge(keeping: pair.kept, absorbing: pair.other, as: Principal(name: "can.bo.\(seed)"))
            } catch let error as ProgramError {
                // A refusal writes nothing.
                guard case .mergeRefused = error else { throw error }
                #expect(try Self.dump(program) == current, "seed \(seed): a refused merge wrote something")
                continue
            }
            merged.append((pair.kept, pair.other, current))
            try expectConsistent(program, "after merging \(pair)", seed: seed)
            let m = try #require(try program.person(id: pair.kept))
            #expect(try program.person(id: pair.other) == nil)
            #expect(try program.resolvedPerson(id: pair.other)?.id == pair.kept, "seed \(seed)")
            #expect(alias.person == pair.kept && alias.actor == "can.bo.\(seed)")
            // Every event of both files is there once (an event recorded in both is one).
            func facts(_ p: Person) -> [String] { p.events.filter { $0.voids == nil }.map { "\($0.date) \($0.kind) \(String(describing: $0.outcome)) \(String(describing: $0.program)) \(String(describing: $0.commune)) \(String(describing: $0.termMonths)) \(String(describing: $0.note))" } }
            var onlyB = facts(b)
            for f in facts(a) { if let i = onlyB.firstIndex(of: f) { onlyB.remove(at: i) } }
            #expect(facts(m).sorted() == (facts(a) + onlyB).sorted(), "seed \(seed): \(a.id) ⇐ \(b.id)")
            #expect(m.nationalID == (a.nationalID ?? b.nationalID))
            #expect(Set(m.drugs) == Set(a.drugs + b.drugs))
            #expect(m.fileOpened == min(a.fileOpened, b.fileOpened))
            for id in cases {
                let e = try #require(try program.read { try $0.event(id: id) })
                #expect(e.personIDs.contains(pair.kept) && !e.personIDs.contains(pair.other) && Set(e.personIDs).count == e.personIDs.count)
            }
            // The change log has the merge's writes, under the actor.
            let last = try program.tenant.changes(after: 0, limit: 100_000).suffix(2 + cases.count + 1)
            #expect(last.allSatisfy { $0.actor == "can.bo.\(seed)" })
            #expect(last.contains { $0.operation == .insert && $0.recordType == "person_alias" && $0.recordIDs == [pair.other] })
            #expect(last.contains { $0.operation == .delete && $0.recordType == "person" && $0.recordIDs == [pair.other] })
            // A merged id cannot be given to a new file.
            #expect(throws: HosoError.self) { try program.addPerson(Person(id: pair.other, fullName: "X", commune: communes[0], fileOpened: d("2025-01-01"))) }
        }
        #expect(merged.count >= found.filter { !$0.isProposal }.count / 2, "seed \(seed): too few merges to test anything")
        #expect(try program.aliases().count == merged.count)

        // Undo a merge that is not the last one while later ones depend on its kept file: refused.
        // Then undo all, last first, each back to the exact bytes before it.
        for m in merged.reversed() {
            try program.unmerge(m.absorbed, as: Principal(name: "undo"))
            #expect(try Self.dump(program) == m.snapshot, "seed \(seed): undoing \(m.absorbed) → \(m.kept) is not byte-identical")
        }
        #expect(try Self.dump(program) == before, "seed \(seed)")
        try expectConsistent(program, "after every undo", seed: seed)
        #expect(try program.aliases().isEmpty)
    }

    /// Merge refusals write nothing and say why; chains resolve; an undo of a merge whose kept
    /// file was merged again, or changed since, is refused.
    @Test func refusalsChainsAndUndoOrder() throws {
        let (program, _, _) = try tenant(persons: 0, events: 0, seed: 1)
        let c = program.settings.communes[0].ref
        let day = d("2025-03-01")
        func person(_ id: RecordID, _ nid: String?) -> Person {
            var p = Person(id: id, fullName: "Nguyễn Văn An", commune: c, fileOpened: day)
            p.birthDate = d("1990-05-01"); p.nationalID = nid
            return p
        }
        try program.addPerson(person(1, "020090001234"), events: [PersonEvent(date: day, kind: .addictionDetermination, outcome: .addicted)])
        try program.addPerson(person(2, nil), events: [PersonEvent(date: d("2025-04-01"), kind: .moveOut, commune: program.settings.communes[1].ref)])
        try program.addPerson(person(3, "020090009999"))
        var pending = person(4, nil)
        pending.pendingNationalID = "020090001234"
        try program.addPerson(pending)

        #expect(throws: ProgramError.mergeRefused(kept: 1, absorbed: 1, reason: "a file cannot be merged into itself")) { try program.merge(keeping: 1, absorbing: 1) }
        do {
            try program.merge(keeping: 1, absorbing: 3)
            Issue.record("merged two national IDs")
        } catch let error as ProgramError {
            #expect("\(error)".contains("different national IDs (020090001234 and 020090009999)"))
        }
        do {
            try program.merge(keeping: 1, absorbing: 99)
            Issue.record("merged a missing file")
        } catch let error as ProgramError { #expect("\(error)".contains("there is no person 99 on file")) }

        // The pending national ID joins its holder; a chain 2 → 1, 1 → 3 is refused (two IDs), 4 → 1 fine.
        let pairs = try program.duplicates()
        #expect(pairs.contains(DuplicatePair(kept: 1, other: 4, reason: "national ID 020090001234", isProposal: false)))
        #expect(pairs.contains(DuplicatePair(kept: 1, other: 2, reason: "same name, birth date and commune", isProposal: true)))
        try program.merge(keeping: 1, absorbing: 4)
        try program.merge(keeping: 2, absorbing: 1)
        let two = try #require(try program.person(id: 2))
        #expect(two.nationalID == "020090001234" && two.pendingNationalID == nil)
        #expect(try program.resolvedPerson(id: 4)?.id == 2)   // 4 → 1 → 2
        #expect(try program.person(nationalID: "020090001234")?.id == 2)
        do {
            try program.unmerge(4)
            Issue.record("undid a merge under a later one")
        } catch let error as ProgramError { #expect("\(error)".contains("undo that merge first (hoso persons unmerge 1)")) }
        // A change after a merge blocks its undo.
        try program.record(PersonEvent(date: d("2025-05-01"), kind: .testResult, outcome: .negative), for: 2)
        do {
            try program.unmerge(1)
            Issue.record("undid a merge over a later change")
        } catch let error as ProgramError { #expect("\(error)".contains("person 2 changed after the merge")) }
        do {
            try program.unmerge(3)
            Issue.record("undid what was no merge")
        } catch let error as ProgramError { #expect("\(error)".contains("not the id of a merged file")) }
        #expect(try program.verify().isConsistent)
    }

    /// A tenant made before aliases and pending national IDs (no `person_alias` databases, no
    /// `pending_national_id` index) opens, builds them, and merges.
    @Test func aTenantWithoutTheAliasDatabasesOpensAndMerges() throws {
        let clock = ManualClock(Self.today)
        let store = try temporaryStore(clock)
        let data = try SyntheticProvince(provinceCode: 20, persons: 20, events: 10, seed: 5)
        let olderPerson = RecordSchema(Person.self, name: "person", formatVersion: 1,
                                       indexes: Person.schema.indexes.filter { $0 !== Person.byPendingNationalID }, transitionIndex: Person.transitions)
        let old = Schema([olderPerson, CaseEvent.schema])
        let tenant = try store.createTenant(TenantInfo(name: "old"), schema: old,
                                            settings: [ProgramSettings.settingName: data.settings().encoded(),
                                                       ProgramTenant.derivationSetting: { var w = RecordWriter(formatVersion: 1); w.write(1, ProgramTenant.derivationVersion); return w.bytes }()])
        try ProgramTenant(tenant: tenant, settings: data.settings()).load(persons: data.persons(), events: data.events())
        let program = try ProgramTenant.open(in: store, name: "old")
        #expect(try program.verify().isConsistent)
        var copy = try #require(try program.person(id: 3))
        copy.id = 100; copy.pendingNationalID = copy.nationalID; copy.nationalID = nil
        try program.addPerson(copy)
        try program.merge(keeping: 3, absorbing: 100)
        #expect(try program.resolvedPerson(id: 100)?.id == 3)
        #expect(try program.verify().isConsistent)
    }
}
