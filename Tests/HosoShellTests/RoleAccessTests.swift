import Foundation
import Testing
@testable import HosoShell
import HosoDomain

/// Roles in the shell (issue 12, part 1): the same statements run by an admin, an officer, an
/// analyst and an auditor, through both engines (Hoso's planner and SQLite over the virtual
/// tables), each answer checked against a brute force over the records.
@Suite struct RoleAccessTests {
    static let today = Day(year: 2026, month: 3, day: 15)!

    struct Setup {
        let dir: String
        let admin: ProgramTenant
        let persons: [Person]
        let events: [CaseEvent]
        let mine: Set<CommuneRef>

        func session(_ account: String) throws -> ShellSession {
            let store = try Store(directory: dir, options: .init(today: { RoleAccessTests.today }, account: account))
            return try ShellSession(store: store, tenant: "t")
        }
    }

    static func setup(_ label: String) throws -> Setup {
        let dir = NSTemporaryDirectory() + "hoso-roles-\(label)-\(UUID().uuidString)"
        let store = try Store(directory: dir, options: .init(today: { today }))
        let data = try SyntheticProvince(provinceCode: 20, persons: 400, events: 1_200, seed: 4242)
        let admin = try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        try admin.load(persons: data.persons(), events: data.events())
        var persons: [Person] = [], events: [CaseEvent] = []
        try admin.tenant.read { r in
            try r.scan(Person.self) { persons.append($0); return true }
            try r.scan(CaseEvent.self) { events.append($0); return true }
        }
        let busiest = Dictionary(grouping: persons, by: \.commune).sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.map(\.key)
        let mine: Set<CommuneRef> = [busiest[0], busiest[3]]
        try store.saveUser(StoreUser(name: "lan", role: "officer", scopes: mine.map { String($0.commune) }, accounts: ["lan"]), by: .system)
        try store.saveUser(StoreUser(name: "minh", role: "analyst", scopes: [], accounts: ["minh"]), by: .system)
        try store.saveUser(StoreUser(name: "kim", role: "auditor", scopes: [], accounts: ["kim"]), by: .system)
        return Setup(dir: dir, admin: admin, persons: persons, events: events, mine: mine)
    }

    static func ints(_ s: ShellSession, _ sql: String) throws -> [Int64] {
        try s.query(sql).rows.map { row in if case .int(let i) = row[0] { return i }; return -1 }
    }

    static func failure(_ s: ShellSession, _ sql: String) -> String? {
        do { _ = try s.query(sql); return nil } catch { return "\(error)" }
    }

    @Test func anOfficerSeesTheCommunesAssignedThroughBothEngines() throws {
        let s = try Self.setup("officer")
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        let lan = try s.session("lan")
        let theirs = s.persons.filter { p in s.mine.contains(p.commune) || p.history.contains { s.mine.contains($0.commune) } }
        #expect(!theirs.isEmpty && theirs.count < s.persons.count / 3)
        #expect(try Self.ints(lan, "SELECT id FROM persons ORDER BY id") == theirs.map { Int64($0.id) }.sorted())
        #expect(try Self.ints(lan, "SELECT COUNT(*) FROM persons") == [Int64(theirs.count)])
        // A count Hoso's planner answers from the province's counts is refused by the engine; SQLite answers over the officer's records.
        let addicts = theirs.filter { $0.status(on: Self.today) == .addict }.count
        #expect(try Self.ints(lan, "SELECT COUNT(*) FROM persons WHERE status = 'addict'") == [Int64(addicts)])
        let byCommune = try lan.query("SELECT commune, COUNT(*) FROM persons GROUP BY commune").rows
        let expected = Dictionary(grouping: theirs, by: { $0.commune(on: Self.today).commune }).mapValues(\.count)
        #expect(byCommune.map { Int($0[1].text) ?? 0 }.sorted() == expected.values.sorted())
        let theirEvents = s.events.filter { s.mine.contains($0.commune) }
        #expect(try Self.ints(lan, "SELECT COUNT(*) FROM events") == [Int64(theirEvents.count)])
        #expect(try Self.ints(lan, "SELECT DISTINCT e.person_id FROM event_persons e ORDER BY 1")
                == Array(Set(theirEvents.flatMap(\.personIDs))).sorted().map { Int64($0) })
        // Names are theirs to read, and the read is logged under their name.
        let names = try lan.query("SELECT full_name FROM persons").rows
        #expect(names.count == theirs.count)
        let logged = try #require(try s.admin.processingLog().last)
        #expect(logged.user == "lan" && Set(logged.personIDs) == Set(theirs.map(\.id)))
        // A count decided on the stored bytes counts their files, and logs those it compared.
        let cutoff = Day(year: 1990, month: 1, day: 1)!
        let older = theirs.filter { $0.birthDate.map { $0 < cutoff } ?? false }.count
        #expect(try Self.ints(lan, "SELECT COUNT(*) FROM persons WHERE birth_date < '1990-01-01'") == [Int64(older)])
        let compared = try #require(try s.admin.processingLog().last)
        #expect(compared.user == "lan" && compared.what.contains("birth_date") && Set(compared.personIDs) == Set(theirs.map(\.id)))
        // The processing log is the auditor's.
        #expect(Self.failure(lan, "SELECT * FROM processing_log")?.contains("the processing log is read by an auditor or an admin") == true)
    }

    /// By the old communes an officer's counts read the records the officer reads, each placed
    /// as of then (the count indexes span the province), and add up to the same counts by today's communes.
    @Test func anOfficerCountsByTheOldCommunesOverTheirRecords() throws {
        let s = try Self.setup("officer-places")
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        let lan = try s.session("lan")
        for (plain, byPlaces) in [("SELECT COUNT(*) FROM persons", "SELECT commune, COUNT(*) FROM persons GROUP BY commune BY PLACES AS OF '2025-03-01'"),
                                  ("SELECT COUNT(*) FROM persons WHERE status = 'addict' AS OF '2025-03-01'",
                                   "SELECT commune, COUNT(*) FROM persons WHERE status = 'addict' AS OF '2025-03-01' GROUP BY commune BY PLACES AS OF '2025-03-01'"),
                                  ("SELECT COUNT(*) FROM events WHERE date BETWEEN '2025-01-01' AND '2025-06-30'",
                                   "SELECT commune, kind, COUNT(*) FROM events WHERE date BETWEEN '2025-01-01' AND '2025-06-30' GROUP BY commune, kind BY PLACES AS OF '2025-03-01'")] {
            let total = try Self.ints(lan, plain)
            let rows = try lan.query(byPlaces).rows
            #expect(!rows.isEmpty && [rows.reduce(0) { $0 + (Int64($1.last!.text) ?? -1_000_000) }] == total, "\(byPlaces): \(rows.count) rows, total \(total)")
        }
    }

    @Test func anAnalystCountsButReadsNoPersonalColumn() throws {
        let s = try Self.setup("analyst")
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        let minh = try s.session("minh")
        let admin = try s.session(String(cString: getpwuid(geteuid())!.pointee.pw_name))
        for sql in ["SELECT COUNT(*) FROM persons WHERE status = 'addict'",
                    "SELECT commune, status, COUNT(*) FROM persons GROUP BY commune, status ORDER BY 1, 2",
                    "SELECT kind, COUNT(*) FROM events GROUP BY kind ORDER BY 1",
                    "SELECT COUNT(*) FROM persons p JOIN status_history h ON h.person_id = p.id WHERE h.status = 'addict'",
                    "SELECT sex, COUNT(*) FROM persons GROUP BY sex ORDER BY 1",
                    "SELECT COUNT(*) FROM persons WHERE sex = 'female' AND not_present"] {
            #expect(try minh.query(sql).rows == (try admin.query(sql).rows), "\(sql)")
        }
        for (sql, column) in [("SELECT * FROM persons", "persons.birth_date, full_name, minor, national_id, occupation, permanent_village, village"),
                              ("SELECT full_name FROM persons WHERE id = 1", "persons.full_name"),
                              ("SELECT COUNT(*) FROM persons WHERE national_id LIKE '020%'", "persons.national_id"),
                              ("SELECT COUNT(*) FROM persons WHERE minor", "persons.minor"),
                              ("SELECT COUNT(*) FROM persons WHERE birth_date < '1990-01-01' AND sex = 'male'", "persons.birth_date"),
                              ("SELECT note FROM events", "events.note"),
                              ("SELECT p.id FROM persons p JOIN person_events e ON e.person_id = p.id WHERE e.note IS NOT NULL", "person_events.note")] {
            let message = Self.failure(minh, sql)
            #expect(message?.contains("minh (analyst) may not read \(column)") == true, "\(sql): \(message ?? "answered")")
            #expect(message?.contains("it may read") == true)
        }
        #expect(try s.admin.processingLog().allSatisfy { $0.user != "minh" })
    }

    @Test func anAuditorReadsTheProcessingLogOnly() throws {
        let s = try Self.setup("auditor")
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        try s.admin.logPersonalRead("SELECT full_name FROM persons", personIDs: [s.persons[0].id])
        let kim = try s.session("kim")
        #expect(try kim.query("SELECT what, person_count FROM processing_log").rows.map { $0.map(\.text) } == [["SELECT full_name FROM persons", "1"]])
        #expect(Self.failure(kim, "SELECT COUNT(*) FROM persons")?.contains("an auditor reads the processing log only") == true)
        #expect(Self.failure(kim, "SELECT id FROM events LIMIT 1")?.contains("an auditor reads the processing log only") == true)
    }
}
