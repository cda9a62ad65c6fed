import Foundation
import Testing
@testable import HosoDomain
import HosoStore

/// Roles and places on every read path (issue 12, part 1): each role's handle asked through
/// gets, scans, record counts, index walks, national-ID lookups, current and as-of counts,
/// flows, interval questions, event counts and sums, events of a person, exports, the change
/// feed, the processing log and writes, each answer checked against a brute force over the
/// records as an admin reads them.
@Suite struct ProgramAccessTests {
    static let today = d("2026-03-15")

    struct Setup {
        let store: Store
        let admin: ProgramTenant
        let persons: [Person]
        let events: [CaseEvent]
        let mine: Set<CommuneRef>
        let other: CommuneRef

        func open(_ name: String, _ role: String, communes: [CommuneRef] = []) throws -> ProgramTenant {
            try ProgramTenant.open(in: store, name: "t", as: Principal(name: name, role: role, scopes: communes.map { String($0.commune) }))
        }
        /// The brute force: a person is an officer's when a commune of theirs manages or managed them.
        func officerSees(_ p: Person) -> Bool { mine.contains(p.commune) || p.history.contains { mine.contains($0.commune) } }
    }

    static func setup(_ label: String) throws -> Setup {
        let store = try temporaryStore(ManualClock(today), name: "access-\(label)")
        let data = try SyntheticProvince(provinceCode: 20, persons: 500, events: 1_500, seed: 1212)
        let admin = try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        try admin.load(persons: data.persons(), events: data.events())
        var persons: [Person] = [], events: [CaseEvent] = []
        try admin.tenant.read { r in
            try r.scan(Person.self) { persons.append($0); return true }
            try r.scan(CaseEvent.self) { events.append($0); return true }
        }
        // Two busy communes for the officer, a third busy one that is not theirs.
        let busiest = Dictionary(grouping: persons, by: \.commune).sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.map(\.key)
        return Setup(store: store, admin: admin, persons: persons, events: events, mine: [busiest[0], busiest[1]], other: busiest[2])
    }

    static func denied(_ body: () throws -> Void) -> Bool {
        do { try body(); return false } catch HosoError.accessDenied { return true } catch { return false }
    }

    @Test func anOfficerReadsTheCommunesAssignedOnEveryPath() throws {
        let s = try Self.setup("officer")
        let officer = try s.open("lan", "officer", communes: Array(s.mine))
        let theirs = Set(s.persons.filter(s.officerSees).map(\.id))
        #expect(!theirs.isEmpty && theirs.count < s.persons.count / 2)
        // Gets, scans, record counts.
        for p in s.persons {
            let seen = try officer.person(id: p.id)
            #expect((seen != nil) == theirs.contains(p.id), "person \(p.id) of \(p.commune)")
            if let seen { #expect(seen.fullName == p.fullName && seen.nationalID == p.nationalID) }
        }
        var scanned: Set<RecordID> = []
        try officer.tenant.read { r in try r.scan(Person.self) { scanned.insert($0.id); return true } }
        #expect(scanned == theirs)
        #expect(try officer.tenant.read { try $0.recordCount(Person.self) } == theirs.count)
        let eventsTheirs = Set(s.events.filter { s.mine.contains($0.commune) }.map(\.id))
        var scannedEvents: Set<RecordID> = []
        try officer.tenant.read { r in try r.scan(CaseEvent.self) { scannedEvents.insert($0.id); return true } }
        #expect(scannedEvents == eventsTheirs)
        // National-ID lookups: their persons' IDs resolve, others' do not.
        for p in s.persons.prefix(200) {
            guard let nid = p.nationalID else { continue }
            #expect((try officer.person(nationalID: nid) != nil) == theirs.contains(p.id), "national ID of person \(p.id)")
        }
        // Raw index walks: a key naming a commune decides by the commune, a key naming none by the record.
        var byNID: Set<RecordID> = [], byStatusCommune: Set<RecordID> = []
        try officer.tenant.read { r in
            try r.ids(in: Person.byNationalID) { _, id in byNID.insert(id); return true }
            try r.ids(in: Person.byStatusCommune) { _, id in byStatusCommune.insert(id); return true }
        }
        #expect(byNID == Set(s.persons.filter { s.officerSees($0) && $0.nationalID != nil }.map(\.id)))
        #expect(byStatusCommune == Set(s.persons.filter { s.mine.contains($0.commune(on: Self.today)) }.map(\.id)))
        // Index walks, counts and interval questions of their communes equal the admin's; of another commune they are empty or refused.
        let day = d("2025-09-01"), year = DayRange(from: d("2025-01-01"), through: d("2025-12-31"))
        for c in s.mine {
            var a: [RecordID] = [], o: [RecordID] = []
            try s.admin.currentPersons(in: .commune(c)) { a.append($0.id); return true }
            try officer.currentPersons(in: .commune(c)) { o.append($0.id); return true }
            #expect(a == o && !a.isEmpty)
            for status in [Status.addict, .postRehab, .illegalUser] {
                #expect(try officer.countPersons(status, in: .commune(c), on: day) == (try s.admin.countPersons(status, in: .commune(c), on: day)))
                #expect(try officer.persons(status, in: .commune(c), on: day) == (try s.admin.persons(status, in: .commune(c), on: day)))
                #expect(try officer.countFlow(status, .start, in: .commune(c), during: year) == (try s.admin.countFlow(status, .start, in: .commune(c), during: year)))
                #expect(try officer.currentCount(status, in: .commune(c)) == (try s.admin.currentCount(status, in: .commune(c))))
            }
            #expect(try officer.countEvents(in: .commune(c), during: year) == (try s.admin.countEvents(in: .commune(c), during: year)))
        }
        var foreign: [RecordID] = []
        try officer.currentPersons(in: .commune(s.other)) { foreign.append($0.id); return true }
        #expect(foreign.isEmpty)
        #expect(try officer.persons(.addict, in: .commune(s.other), on: day).isEmpty)
        #expect(Self.denied { _ = try officer.countPersons(.addict, in: .commune(s.other), on: day) })
        #expect(Self.denied { _ = try officer.currentCount(.addict, in: .commune(s.other)) })
        #expect(Self.denied { _ = try officer.countEvents(in: .commune(s.other), during: year) })
        // The province's figures count other communes' people: refused.
        #expect(Self.denied { _ = try officer.countPersons(.addict, in: .province(20), on: day) })
        #expect(Self.denied { _ = try officer.currentCounts(in: .province(20)) })
        #expect(Self.denied { _ = try officer.countEvents(in: .province(20), during: year) })
        // Events of a person: only the events of their communes.
        for p in s.persons.prefix(150) {
            let expected = s.events.filter { $0.personIDs.contains(p.id) && s.mine.contains($0.commune) }.map(\.id).sorted()
            #expect(try officer.events(involving: p.id).map(\.id).sorted() == expected, "events of person \(p.id)")
        }
        // Exports: the records they read, no more.
        let out = s.store.directory + "/events.ndjson"
        _ = try TableTransfer.exportTable(.events, to: out, from: officer)
        #expect(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count == eventsTheirs.count)
        // The change feed carries every record: refused; the processing log is the auditor's.
        #expect(Self.denied { _ = try officer.tenant.changes(after: 0) })
        #expect(Self.denied { _ = try officer.processingLog() })
        // Writes: their persons, not others'.
        var own = try #require(s.persons.first { s.mine.contains($0.commune) })
        own.occupation = "thợ mộc"
        _ = try officer.updatePerson(own)
        var stranger = try #require(s.persons.first { !s.officerSees($0) })
        stranger.occupation = "thợ hàn"
        // Outside their communes a file is absent for them (not found), and the engine refuses it outright.
        #expect(throws: HosoError.recordNotFound(type: "person", id: stranger.id)) { _ = try officer.updatePerson(stranger) }
        #expect(Self.denied { try officer.tenant.write { try $0.update(stranger) } })
        #expect(Self.denied { _ = try officer.deletePerson(id: stranger.id) })
        #expect(Self.denied { try officer.tenant.write { try $0.insert(Person(id: 999_999, fullName: "Lê Văn Tư", commune: s.other, fileOpened: d("2026-01-05"))) } })
        #expect(try s.admin.person(id: stranger.id)?.occupation == s.persons.first { $0.id == stranger.id }?.occupation)
        #expect(try s.admin.verify().isConsistent)
    }

    @Test func anAnalystCountsEverythingAndReadsNoPersonalField() throws {
        let s = try Self.setup("analyst")
        let analyst = try s.open("minh", "analyst")
        let day = d("2025-09-01"), year = DayRange(from: d("2025-01-01"), through: d("2025-12-31"))
        for status in Status.allCases {
            #expect(try analyst.countPersons(status, in: .province(20), on: day) == (try s.admin.countPersons(status, in: .province(20), on: day)))
        }
        #expect(try analyst.currentCounts(in: .province(20)) == (try s.admin.currentCounts(in: .province(20))))
        #expect(try analyst.countEvents(in: .province(20), during: year) == (try s.admin.countEvents(in: .province(20), during: year)))
        #expect(try analyst.sumEvents(.arrested, kind: .drugCase, in: .province(20), during: year)
                == (try s.admin.sumEvents(.arrested, kind: .drugCase, in: .province(20), during: year)))
        // Records come without names, national IDs, birth dates, villages, occupations, notes; the rest is whole.
        var seen = 0
        try analyst.tenant.read { r in
            try r.scan(Person.self) { p in
                seen += 1
                #expect(p.fullName.isEmpty && p.nationalID == nil && p.birthDate == nil && p.village == nil && p.permanentVillage == nil && p.occupation == nil)
                #expect(p.events.allSatisfy { $0.note == nil })
                return true
            }
        }
        #expect(seen == s.persons.count)
        for p in s.persons.prefix(50) {
            let v = try #require(try analyst.person(id: p.id))
            #expect(v.fullName.isEmpty && v.commune == p.commune && v.history == p.history && v.events.count == p.events.count)
            if let nid = p.nationalID { #expect(try analyst.person(nationalID: nid) == nil) }
        }
        // The zero-copy path hands out the view too: the stored bytes hold the name, the bytes read do not.
        let first = try #require(s.persons.first { !$0.fullName.isEmpty })
        let bytes = try analyst.tenant.read { r in try r.withBytes(of: Person.self, id: first.id) { Array($0) } }
        #expect(bytes.map { String(decoding: $0, as: UTF8.self).contains(first.fullName) } == false)
        #expect(Self.denied { _ = try TableTransfer.exportTable(.persons, to: s.store.directory + "/a.ndjson", from: analyst) })
        #expect(Self.denied { _ = try TableTransfer.exportTable(.events, to: s.store.directory + "/a-events.ndjson", from: analyst) })
        #expect(!FileManager.default.fileExists(atPath: s.store.directory + "/a.ndjson"))
        #expect(Self.denied { _ = try analyst.updatePerson(s.persons[0]) })
        #expect(Self.denied { try analyst.tenant.write { try $0.update(s.persons[0]) } })
        #expect(Self.denied { _ = try analyst.processingLog() })
        #expect(Self.denied { _ = try analyst.tenant.changes(after: 0) })
    }

    @Test func anAuditorReadsTheProcessingLogOnly() throws {
        let s = try Self.setup("auditor")
        try s.admin.logPersonalRead("SELECT full_name FROM persons", personIDs: [s.persons[0].id])
        let auditor = try s.open("kim", "auditor")
        #expect(try auditor.processingLog().map(\.what) == ["SELECT full_name FROM persons"])
        #expect(Self.denied { _ = try auditor.person(id: s.persons[0].id) })
        #expect(Self.denied { _ = try auditor.countPersons(.addict, in: .province(20), on: Self.today) })
        #expect(Self.denied { _ = try auditor.tenant.changes(after: 0) })
        #expect(Self.denied { _ = try auditor.tenant.read { r in try r.scan(CaseEvent.self) { _ in true } } })
        // A role the program does not know is refused everything.
        let stranger = try s.open("x", "viewer")
        #expect(Self.denied { _ = try stranger.person(id: s.persons[0].id) })
        #expect(Self.denied { _ = try stranger.processingLog() })
        // Only an admin creates tenants.
        #expect(Self.denied { _ = try ProgramTenant.create(in: s.store, info: TenantInfo(name: "u"), settings: s.admin.settings, as: Principal(name: "lan", role: "officer")) })
    }

    /// The processing log of an embedding program: a logging handle's reads log the persons
    /// whose personal fields they hand out, nothing for counts, existence checks or withheld
    /// fields, and a handle that does not log logs nothing.
    @Test func aLoggingHandleLogsThePersonsItsReadsHandOut() throws {
        let s = try Self.setup("api-log")
        func entries() throws -> [PersonalRead] { try s.admin.processingLog() }
        let portal = s.admin.loggingReads("portal: person page")
        let p = s.persons[3]
        _ = try s.admin.person(id: p.id)
        #expect(try entries().isEmpty)
        _ = try portal.person(id: p.id)
        var log = try entries()
        #expect(log.count == 1 && log[0].what == "portal: person page" && log[0].personIDs == [p.id] && log[0].user == "system")
        let c = try #require(s.mine.first)
        var listed: Set<RecordID> = []
        try portal.currentPersons(in: .commune(c)) { listed.insert($0.id); return true }
        log = try entries()
        #expect(log.count == 2 && Set(log[1].personIDs) == listed && listed == Set(s.persons.filter { $0.commune(on: Self.today) == c }.map(\.id)))
        // Counts, existence and ids are not personal reads.
        _ = try portal.currentCount(.addict, in: .commune(c))
        _ = try portal.countPersons(.addict, in: .province(20), on: Self.today)
        _ = try portal.containsPerson(id: p.id)
        _ = try portal.tenant.read { try $0.recordCount(Person.self) }
        #expect(try entries().count == 2)
        // A case event's note is its persons'.
        var noted = try #require(s.events.first { !$0.personIDs.isEmpty })
        noted.note = "khai nhận"
        try s.admin.tenant.write { try $0.put(noted) }
        _ = try portal.tenant.read { try $0.get(CaseEvent.self, id: noted.id) }
        #expect(try entries().last.map { Set($0.personIDs) } == Set(noted.personIDs))
        // What the role withholds is not revealed, so not logged; what it hides is not handed out.
        let before = try entries().count
        _ = try s.open("minh", "analyst").loggingReads("analyst portal").person(id: p.id)
        let officer = try s.open("lan", "officer", communes: Array(s.mine)).loggingReads("officer portal")
        let stranger = try #require(s.persons.first { !s.officerSees($0) })
        #expect(try officer.person(id: stranger.id) == nil)
        #expect(try entries().count == before)
        let own = try #require(s.persons.first { s.officerSees($0) })
        _ = try officer.person(id: own.id)
        #expect(try entries().last.map { ($0.user, $0.what, $0.personIDs) } ?? ("", "", []) == ("lan", "officer portal", [own.id]))
    }
}
