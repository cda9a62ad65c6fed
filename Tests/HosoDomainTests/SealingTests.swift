import Foundation
import Testing
@testable import HosoDomain
import HosoStore

/// Personal fields sealed at rest (issue 12, part 3): a sealed tenant's file holds no name or
/// national ID in clear, the holders of a commune's key read its files whole, everyone else
/// reads them without personal fields, counts and index rebuilds need no key, and keys rotate
/// and recover. Every answer is checked against the records as they were before sealing.
@Suite struct SealingTests {
    static let today = d("2026-03-15")

    struct Keys {
        let root = SealingIdentity.generate()
        let lan = SealingIdentity.generate()
        let recovery = SealingIdentity.generate()
    }

    struct Setup {
        let store: Store
        let keys: Keys
        let persons: [Person]
        let events: [CaseEvent]
        let lanCommune: CommuneRef

        func open(_ name: String, _ role: String, communes: [CommuneRef] = [], key: SealingIdentity? = nil) throws -> ProgramTenant {
            let p = try ProgramTenant.open(in: store, name: "t", as: Principal(name: name, role: role, scopes: communes.map { String($0.commune) }))
            return key.map(p.unlocked) ?? p
        }
        var root: ProgramTenant { get throws { try open("root", "admin", key: keys.root) } }
        var file: [UInt8] { Array(FileManager.default.contents(atPath: store.directory + "/tenants/t/data.mdb") ?? Data()) }
    }

    /// The values a stolen file must not show: every full name and national ID.
    static func secrets(_ persons: [Person]) -> [String] {
        persons.flatMap { [$0.fullName] + ($0.nationalID.map { [$0] } ?? []) }.filter { $0.utf8.count >= 8 }
    }

    static func occurrences(of values: [String], in file: [UInt8]) -> [String] {
        values.filter { v in
            let needle = Array(v.utf8)
            guard let first = needle.first else { return false }
            var i = file.startIndex
            while let at = file[i...].firstIndex(of: first) {
                if file.count - at >= needle.count, file[at..<at + needle.count].elementsEqual(needle) { return true }
                i = at + 1
            }
            return false
        }
    }

    /// A record as it was written: the digests a sealed tenant adds are not part of it.
    static func plain(_ p: Person?) -> Person? {
        guard var p else { return nil }
        p.nationalIDDigest = nil; p.pendingNationalIDDigest = nil
        return p
    }

    static func setup(_ label: String, sealFirst: Bool) throws -> Setup {
        let store = try temporaryStore(ManualClock(today), name: "sealing-\(label)")
        let data = try SyntheticProvince(provinceCode: 20, persons: 300, events: 900, seed: 4242)
        let keys = Keys()
        let admin = try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        let persons = data.persons(), events = data.events()
        let lanCommune = Dictionary(grouping: persons, by: \.commune).max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }!.key
        try store.saveUser(StoreUser(name: "root", role: "admin", publicKey: keys.root.publicKey), by: .system)
        try store.saveUser(StoreUser(name: "lan", role: "officer", scopes: [String(lanCommune.commune)], publicKey: keys.lan.publicKey), by: .system)
        try store.saveUser(StoreUser(name: "minh", role: "analyst"), by: .system)
        if sealFirst {
            try admin.tenant.seal(recoveryPublicKey: keys.recovery.publicKey)
            try ProgramTenant.open(in: store, name: "t", as: Principal(name: "root", role: "admin")).unlocked(with: keys.root)
                .load(persons: persons, events: events)
        } else {
            try admin.load(persons: persons, events: events)
        }
        var stored: [Person] = [], storedEvents: [CaseEvent] = []
        let reader = sealFirst ? try ProgramTenant.open(in: store, name: "t", as: Principal(name: "root", role: "admin")).unlocked(with: keys.root) : admin
        try reader.tenant.read { r in
            try r.scan(Person.self) { stored.append(Self.plain($0)!); return true }
            try r.scan(CaseEvent.self) { storedEvents.append($0); return true }
        }
        return Setup(store: store, keys: keys, persons: stored, events: storedEvents, lanCommune: lanCommune)
    }

    @Test func aSealedFileShowsNoNameAndKeyHoldersReadEverything() throws {
        let s = try Self.setup("stored", sealFirst: false)
        let secrets = Self.secrets(s.persons)
        #expect(secrets.count > 300)
        #expect(!Self.occurrences(of: secrets, in: s.file).isEmpty, "the check must find names in a file stored in clear")
        let admin = try s.open("system", "admin")
        let before = try admin.countPersonsByStatus(in: .province(20), on: Self.today)
        let currentBefore = try admin.currentCounts(in: .province(20))

        let done = try admin.tenant.seal(recoveryPublicKey: s.keys.recovery.publicKey)
        #expect(done.recordsSealed == s.persons.count + s.events.count)
        #expect(done.logCopiesSealed > 0)
        try s.store.scrubTenant("t")
        let leaked = Self.occurrences(of: secrets, in: s.file)
        #expect(leaked.isEmpty, "in clear in data.mdb after sealing and scrubbing: \(leaked.prefix(5))")

        // The admin holding its key reads every file whole, by id and by national ID.
        let root = try s.root
        for p in s.persons {
            #expect(Self.plain(try root.person(id: p.id)) == p, "person \(p.id)")
            if let nid = p.nationalID { #expect(try root.person(nationalID: nid)?.id == p.id, "national ID of \(p.id)") }
        }
        var events: [CaseEvent] = []
        try root.tenant.read { r in try r.scan(CaseEvent.self) { events.append($0); return true } }
        #expect(events == s.events)
        // Without a key: the same counts, files without their personal fields, indexes rebuilt equal.
        let keyless = try s.open("system", "admin")
        #expect(try keyless.countPersonsByStatus(in: .province(20), on: Self.today) == before)
        #expect(try keyless.currentCounts(in: .province(20)) == currentBefore)
        for p in s.persons.prefix(50) {
            let seen = try #require(try keyless.person(id: p.id))
            #expect(seen.fullName.isEmpty && seen.nationalID == nil && seen.birthDate == nil && seen.history == p.history)
        }
        #expect(try keyless.verify().isConsistent)
        // The officer's key opens the files of its commune only.
        let lan = try s.open("lan", "officer", communes: [s.lanCommune], key: s.keys.lan)
        var whole = 0, withoutFields = 0
        try lan.tenant.read { r in
            try r.scan(Person.self) { p in
                let original = s.persons.first { $0.id == p.id }!
                if original.commune == s.lanCommune {
                    #expect(Self.plain(p) == original); whole += 1
                } else {
                    #expect(p.fullName.isEmpty); withoutFields += 1
                }
                return true
            }
        }
        #expect(whole == s.persons.filter { $0.commune == s.lanCommune }.count && whole > 0)
        // The analyst holds no key and finds no one by national ID.
        let minh = try s.open("minh", "analyst")
        #expect(try minh.person(nationalID: s.persons.compactMap(\.nationalID).first!) == nil)
        #expect(try minh.countPersonsByStatus(in: .province(20), on: Self.today) == before)
        #expect(try root.tenant.sealingStatus().isSealed)
    }

    /// A filter on personal fields decides on what the handle can open: the key holder's count
    /// is a brute force over the files, a handle without the key finds none by a sealed field
    /// (as its decoded files show none) and all by a clear one, the officer only its commune's.
    @Test func filtersOnSealedFieldsDecideOnWhatTheHandleOpens() throws {
        let s = try Self.setup("filters", sealFirst: true)
        let occupation = Dictionary(grouping: s.persons.compactMap(\.occupation), by: { $0 }).max { $0.value.count < $1.value.count }!.key
        let cutoff = d("1985-01-01")
        let filter = PersonFilter([.occupation([occupation]), .birthDate(.less, cutoff)])
        func expected(_ persons: [Person]) -> [RecordID] {
            persons.filter { $0.occupation == occupation && ($0.birthDate.map { $0 < cutoff } ?? false) }.map(\.id)
        }
        let all = expected(s.persons)
        #expect(all.count > 5)
        let root = try s.root
        var ids: [RecordID] = []
        try root.persons(from: .matching(filter)) { ids.append($0.id); return true }
        #expect(ids == all)
        #expect(try root.countPersons(matching: filter) == all.count)
        let keyless = try s.open("system", "admin")
        #expect(try keyless.countPersons(matching: filter) == 0)
        let men = s.persons.filter { $0.sex == .male }.count
        #expect(try keyless.countPersons(matching: PersonFilter([.sex([.male])])) == men && men > 0)
        let lan = try s.open("lan", "officer", communes: [s.lanCommune], key: s.keys.lan)
        #expect(try lan.countPersons(matching: filter) == expected(s.persons.filter { $0.commune == s.lanCommune }).count)
    }

    @Test func writesSealAndRefuseWhatTheyCouldNotKeep() throws {
        let s = try Self.setup("writes", sealFirst: true)
        let secrets = Self.secrets(s.persons)
        #expect(Self.occurrences(of: secrets, in: s.file).isEmpty, "a bulk load into a sealed tenant writes no name in clear")
        let root = try s.root
        #expect(try root.verify().isConsistent)
        // One write at a time, looked up by national ID, a duplicate national ID refused.
        let fresh = Person(id: 9_001, fullName: "Lò Thị Tuyết Nhung", commune: s.lanCommune, fileOpened: d("2026-01-05"))
        var withID = fresh; withID.nationalID = "020199001122"
        _ = try root.addPerson(withID, events: [PersonEvent(date: fresh.fileOpened, kind: .addictionDetermination, outcome: .addicted)])
        #expect(try root.person(nationalID: "020199001122")?.fullName == "Lò Thị Tuyết Nhung")
        var twin = Person(id: 9_002, fullName: "Lò Thị Nhung", commune: s.lanCommune, fileOpened: d("2026-01-06"))
        twin.nationalID = "020199001122"
        #expect(throws: (any Error).self) { _ = try root.addPerson(twin, events: [PersonEvent(date: twin.fileOpened, kind: .addictionDetermination, outcome: .addicted)]) }
        // A handle without the key may not replace a sealed file: it would lose the fields.
        let keyless = try s.open("system", "admin")
        var edited = try #require(try keyless.person(id: 9_001))
        edited.occupation = "làm ruộng"
        #expect(throws: HosoError.self) { _ = try keyless.updatePerson(edited) }
        #expect(try root.person(id: 9_001)?.fullName == "Lò Thị Tuyết Nhung")
        // The officer writes its commune's files; reading another commune's file it holds no key for, it cannot replace it.
        let lan = try s.open("lan", "officer", communes: [s.lanCommune], key: s.keys.lan)
        var mine = try #require(try lan.person(id: 9_001))
        mine.occupation = "làm nương"
        _ = try lan.updatePerson(mine)
        #expect(try root.person(id: 9_001)?.occupation == "làm nương")
        // Grouped commits (concurrent writers sharing a commit) seal with the handle's keys too.
        var noted = CaseEvent(id: 90_001, kind: .tip, commune: s.lanCommune, date: d("2026-02-01"))
        noted.note = "tin báo của người dân xóm Nà Pàn"
        let record = noted
        try root.tenant.writeGrouped { try $0.insert(record) }
        #expect(try s.root.tenant.read { try $0.get(CaseEvent.self, id: 90_001)?.note } == noted.note)
        #expect(try keyless.tenant.read { try $0.get(CaseEvent.self, id: 90_001)?.note } == nil)
        // A deletion leaves nothing of the name once scrubbed.
        #expect(try root.deletePerson(id: 9_001))
        try s.store.scrubTenant("t")
        #expect(Self.occurrences(of: ["Lò Thị Tuyết Nhung", "020199001122", "làm nương", "xóm Nà Pàn"], in: s.file).isEmpty)
        #expect(try s.root.verify().isConsistent)
    }

    @Test func keysRotateAndALostKeyIsRecovered() throws {
        let s = try Self.setup("rotate", sealFirst: true)
        let root = try s.root
        let before = try root.tenant.sealingStatus()
        #expect(before.scopes[String(s.lanCommune.commune)]?.recipients == ["#recovery", "lan", "root"])
        let rotated = try root.tenant.rotateKeys()
        #expect(rotated.recordsSealed > 0 && rotated.logCopiesSealed > 0)
        let after = try s.root.tenant.sealingStatus()
        #expect(Set(after.scopes.keys) == Set(before.scopes.keys))
        for (scope, key) in after.scopes { #expect(key.keyID != before.scopes[scope]!.keyID, "scope \(scope) kept its key") }
        for p in s.persons.prefix(80) { #expect(Self.plain(try s.root.person(id: p.id)) == p) }
        let lanFile = try #require(s.persons.first { $0.commune == s.lanCommune })
        #expect(try s.open("lan", "officer", communes: [s.lanCommune], key: s.keys.lan).person(id: lanFile.id)?.fullName == lanFile.fullName)

        // The admin loses its key file: a new key opens nothing until the recovery key re-wraps.
        let newRoot = SealingIdentity.generate()
        try s.store.saveUser(StoreUser(name: "root", role: "admin", publicKey: newRoot.publicKey), by: .system)
        #expect(throws: HosoError.self) { _ = try s.open("root", "admin", key: newRoot).person(id: lanFile.id) }
        let recovered = try s.open("root", "admin").tenant.recovering(with: s.keys.recovery).syncKeys()
        #expect(recovered.wrapsAdded == after.scopes.count + 1 && recovered.keysNotHeld == 0)
        #expect(try s.open("root", "admin", key: newRoot).person(id: lanFile.id)?.fullName == lanFile.fullName)
        #expect(throws: HosoError.self) { _ = try s.open("root", "admin", key: s.keys.root).person(id: lanFile.id) }

        // The officer loses the commune: its wraps go, its key opens nothing stored.
        try s.store.saveUser(StoreUser(name: "lan", role: "officer", scopes: [], publicKey: s.keys.lan.publicKey), by: .system)
        let revoked = try s.open("root", "admin", key: newRoot).tenant.syncKeys()
        #expect(revoked.wrapsRemoved == 2)
        #expect(try s.open("lan", "officer", communes: [s.lanCommune], key: s.keys.lan).person(id: lanFile.id)?.fullName == "")
    }
}
