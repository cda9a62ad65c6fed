import Foundation
import HosoDomain
@testable import HosoShell
import HosoStore
import Testing

/// The processing log: a statement that reads personal fields is logged with the persons it
/// read, by both engines; counts and statements without personal fields are not; exports are.
/// The expected persons come from brute force over the generated data.
@Suite struct ProcessingLogTests {
    let today = Day(year: 2026, month: 3, day: 15)!

    func makeTenant(_ label: String) throws -> (store: Store, program: ProgramTenant, persons: [Person], events: [CaseEvent], dir: String) {
        let dir = NSTemporaryDirectory() + "hoso-plog-\(label)-\(UUID().uuidString)"
        let clock = ManualClock(today)
        let store = try Store(directory: dir, options: .init(today: { clock.day }))
        let data = try SyntheticProvince(provinceCode: 20, persons: 400, events: 1_200, seed: 5151)
        let calendar = try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10)
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "t", displayName: "log test"), settings: data.settings(calendar: calendar))
        try program.load(persons: data.persons(), events: data.events())
        let persons = try data.persons().map { try program.prepare($0) }
        let events = try data.events().map { try program.prepare($0) }
        return (store, program, persons, events, dir)
    }

    @Test func statementsAreLoggedWithThePersonsTheyRead() throws {
        let t = try makeTenant("sql")
        let session = try ShellSession(store: t.store, tenant: "t")
        let context = try #require(session.context)
        let commune = t.persons[0].commune(on: today).commune
        let name = context.communes.name(of: commune)
        let inCommune = Set(t.persons.filter { $0.commune(on: today).commune == commune }.map(\.id))
        let withDeath = Set(t.persons.filter { $0.events.contains { $0.kind == .death } }.map(\.id))
        let all = Set(t.persons.map(\.id))
        // A note on a drug case names its persons' case: reading it is a personal read.
        var noted = try #require(t.events.first { $0.kind == .drugCase && !$0.personIDs.isEmpty })
        noted.note = "đối tượng khai nhận mua của người quen"
        try t.program.tenant.write { try $0.put(noted) }
        let eventNotes = Set(noted.personIDs)
        #expect(!inCommune.isEmpty && !withDeath.isEmpty && !eventNotes.isEmpty, "the data exercises each case")

        // (statement, the persons it reads; nil: no entry)
        let cases: [(String, Set<RecordID>?)] = [
            ("SELECT COUNT(*) FROM persons WHERE status = 'addict'", nil),
            ("SELECT id, sex, status FROM persons WHERE commune = \(commune)", nil),
            ("SELECT commune_name, COUNT(*) FROM persons GROUP BY commune_name", nil),
            ("SELECT id, full_name FROM persons WHERE commune_name = '\(name)'", inCommune),
            ("SELECT full_name, COUNT(*) FROM persons WHERE commune = \(commune) GROUP BY full_name", inCommune),
            ("SELECT DISTINCT p.full_name FROM persons p JOIN person_events e ON e.person_id = p.id WHERE e.kind = 'death'", withDeath),
            ("SELECT COUNT(*) FROM persons WHERE full_name LIKE 'zzz%'", all),
            // Counted on the stored bytes: the birth dates of every file were compared.
            ("SELECT COUNT(*) FROM persons WHERE birth_date < '1990-01-01' AND sex = 'male'", all),
            ("SELECT COUNT(*) FROM persons WHERE sex = 'female' AND NOT not_present", nil),
            ("SELECT id, note FROM events WHERE kind = 'drug_case'", eventNotes),
            ("SELECT COUNT(*) FROM processing_log", nil),
        ]
        for (sql, expected) in cases {
            let before = try t.program.processingLog().count
            _ = try session.query(sql)
            let log = try t.program.processingLog()
            if let expected, !expected.isEmpty {
                #expect(log.count == before + 1, "\(sql): one entry")
                let entry = try #require(log.last)
                #expect(entry.what == sql && entry.user == "system")
                #expect(Set(entry.personIDs) == expected && entry.personCount == expected.count, "\(sql): \(entry.personCount) persons logged, \(expected.count) expected")
            } else {
                #expect(log.count == before, "\(sql): nothing logged")
            }
        }
        // The auditor's questions: by person, by user, since a day; and the SQL table agrees.
        let someone = try #require(withDeath.first)
        #expect(try t.program.processingLog(personID: someone).allSatisfy { $0.personIDs.contains(someone) })
        #expect(try t.program.processingLog(personID: someone).count >= 2)
        #expect(try t.program.processingLog(user: "nobody").isEmpty)
        #expect(try t.program.processingLog(since: Day.today().adding(days: 1)).isEmpty)
        let rows = try session.query("SELECT what, person_count FROM processing_log ORDER BY sequence").rows
        #expect(rows.map { $0[0].text } == (try t.program.processingLog().map(\.what)))
    }

    @Test func exportsAreLoggedAndTheUserIsTheOneActing() throws {
        let t = try makeTenant("export")
        // An officer exports the persons of the commune assigned (of every commune that managed them), no others.
        let commune = t.persons[0].commune
        let theirs = Set(t.persons.filter { $0.commune == commune || $0.history.contains { $0.commune == commune } }.map(\.id))
        #expect(theirs.count < t.persons.count)
        try t.store.saveUser(StoreUser(name: "lan", role: "officer", scopes: [String(commune.commune)], accounts: ["lan"]), by: .system)
        let lanStore = try Store(directory: t.dir, options: .init(today: { Day(year: 2026, month: 3, day: 15)! }, account: "lan"))
        let program = try ProgramTenant.open(in: lanStore, name: "t")
        let out = t.dir + "/p.ndjson"
        try TableTransfer.exportTable(.persons, to: out, from: program)
        let exported = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count
        #expect(exported == theirs.count, "\(exported) rows exported, \(theirs.count) persons of commune \(commune)")
        // The officer may not read the processing log; the admin reads the officer's export in it.
        #expect(throws: HosoError.self) { try program.processingLog() }
        let entry = try #require(try t.program.processingLog().last)
        #expect(entry.user == "lan" && entry.what == "export persons to \(out)" && entry.personCount == theirs.count)
        #expect(Set(entry.personIDs) == theirs)
        // A replay of the feed skips the read facts.
        let copy = try ProgramTenant.create(in: t.store, info: TenantInfo(name: "copy"), settings: program.settings)
        var after: UInt64 = 0
        while case let page = try t.program.tenant.changes(after: after, limit: 500), let last = page.last {
            try copy.tenant.write { w in for c in page where c.operation != .createTenant && c.operation != .setting { try w.replay(c) } }
            after = last.sequence
        }
        #expect(try copy.personCount() == t.persons.count)
        #expect(try copy.processingLog().isEmpty)
    }

    /// The collector against a `Set`: single ids, arrays in order and out of order, repeats,
    /// past the size at which it compacts (65,536) more than once; each take gives the set's
    /// members in ascending order and starts again. A log entry keeps its ids sorted and unique
    /// whether they came in order or not.
    @Test func collectedReadsAreThoseOfASetInOrder() throws {
        var rng = SplitMix64(seed: 6161)
        let reads = PersonalReads()
        for round in 0..<4 {
            var oracle = Set<RecordID>()
            let inserts = [10, 400, 3_000, 40][round]
            for _ in 0..<inserts {
                switch Int.random(in: 0..<5, using: &rng) {
                case 0:
                    let id = RecordID.random(in: 1...5_000, using: &rng)
                    reads.insert(id); oracle.insert(id)
                case 1:
                    // A count's examined ids: a run in order, overlapping earlier ones.
                    let from = RecordID.random(in: 1...300_000, using: &rng)
                    let run = Array(from..<from + RecordID.random(in: 1...200, using: &rng))
                    reads.insert(contentsOf: run); oracle.formUnion(run)
                case 2:
                    // A scan in two slices: each slice's ids in order, the slices' arrays interleaved.
                    let from = RecordID.random(in: 1...300_000, using: &rng), half = RecordID.random(in: 1...3_000, using: &rng)
                    var a = Array(from..<from + half)[...], b = Array(from + half..<from + 2 * half)[...]
                    while !a.isEmpty || !b.isEmpty {
                        let side = Bool.random(using: &rng)
                        let n = Int.random(in: 1...700, using: &rng)
                        if side && !a.isEmpty || b.isEmpty { reads.insert(contentsOf: a.prefix(n)); a = a.dropFirst(n) }
                        else { reads.insert(contentsOf: b.prefix(n)); b = b.dropFirst(n) }
                    }
                    oracle.formUnion(from..<from + 2 * half)
                default:
                    let ids = (0..<Int.random(in: 0...120, using: &rng)).map { _ in RecordID.random(in: 1...400_000, using: &rng) }
                    reads.insert(contentsOf: ids); oracle.formUnion(ids)
                }
            }
            let taken = reads.take()
            #expect(taken == oracle.sorted(), "round \(round): \(taken.count) ids taken, \(oracle.count) expected")
            #expect(reads.take().isEmpty, "round \(round): a take starts again")
        }
        // Arrays that start at the id the one before ended with, or below it.
        for array in [[1, 2, 3], [3, 4], [4], [2, 9], [10, 11], [11]] as [[RecordID]] { reads.insert(contentsOf: array) }
        #expect(reads.take() == [1, 2, 3, 4, 9, 10, 11])
        let t = try makeTenant("order")
        try t.program.logPersonalRead("unsorted", personIDs: [9, 3, 9, 1, 3])
        try t.program.logPersonalRead("sorted", personIDs: [2, 4, 8])
        let log = try t.program.processingLog()
        #expect(log.map(\.what) == ["unsorted", "sorted"] && log.map(\.personIDs) == [[1, 3, 9], [2, 4, 8]] && log.map(\.personCount) == [3, 3])
    }
}
