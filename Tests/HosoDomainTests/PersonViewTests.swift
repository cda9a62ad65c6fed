import Foundation
import Testing
@testable import HosoDomain
import HosoStore

/// The lazy view of a file (issue 14, point gets): every field it decodes equals the full
/// decode's (the oracle), for synthetic files with events, notes, moves, permanent residences
/// and old communes, and under each role (an analyst sees no personal field, an officer no
/// file of another commune, a sealed file without its key no personal field).
@Suite struct PersonViewTests {
    static func same(_ v: PersonView, _ p: Person, _ context: String) throws {
        #expect(try v.fullName == p.fullName && v.birthDate == p.birthDate && v.sex == p.sex && v.nationalID == p.nationalID, "\(context)")
        #expect(try v.commune == p.commune && v.village == p.village && v.permanentCommune == p.permanentCommune && v.permanentVillage == p.permanentVillage, "\(context)")
        #expect(try v.occupation == p.occupation && v.drugs == p.drugs && v.fileOpened == p.fileOpened && v.namedPlace == p.namedPlace, "\(context)")
        #expect(try v.events() == p.events && v.person() == p, "\(context)")
    }

    @Test(arguments: [7 as UInt64, 2026])
    func everyFieldEqualsTheFullDecode(seed: UInt64) throws {
        let store = try temporaryStore(ManualClock(Day(year: 2026, month: 3, day: 1)!), name: "view\(seed)")
        let data = try SyntheticProvince(provinceCode: 20, persons: 300, events: 0, seed: seed)
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        var rng = SplitMix64(seed: seed)
        let persons: [Person] = data.persons().map { p -> Person in
            var p = p
            if Bool.random(using: &rng), !p.events.isEmpty { p.events[Int.random(in: 0..<p.events.count, using: &rng)].note = "ghi chú \(p.id)" }
            if Double.random(in: 0..<1, using: &rng) < 0.2 { p.permanentCommune = program.settings.communes.randomElement(using: &rng)!.ref; p.permanentVillage = "Thôn \(p.id % 7)" }
            if Double.random(in: 0..<1, using: &rng) < 0.3 { p.drugs += ["Cần sa", "Ma túy đá"] }
            if Double.random(in: 0..<1, using: &rng) < 0.1 { p.namedPlace = NamedPlace(commune: CommuneRef(province: 20, district: 181, commune: 6079), placedBy: .primary) }
            return p
        }
        try program.load(persons: persons, events: [CaseEvent]())
        #expect(persons.contains { $0.events.contains { $0.note != nil } } && persons.contains { $0.drugs.count > 1 }, "seed \(seed): notes and drugs drawn")
        try program.read { q in
            for p in persons {
                let stored = try #require(try q.person(id: p.id))
                let view = try #require(try q.personView(id: p.id))
                try Self.same(view, stored, "seed \(seed), person \(p.id)")
            }
            #expect(try q.personView(id: 999_999) == nil)
        }

        // Roles: what the view shows is what the full read shows.
        try store.saveUser(StoreUser(name: "minh", role: "analyst"), by: .system)
        let commune = persons[0].commune
        try store.saveUser(StoreUser(name: "lan", role: "officer", scopes: [String(commune.commune)]), by: .system)
        let analyst = try ProgramTenant.open(in: store, name: "t", as: Principal(name: "minh", role: "analyst"))
        let officer = try ProgramTenant.open(in: store, name: "t", as: Principal(name: "lan", role: "officer", scopes: [String(commune.commune)]))
        for p in persons.prefix(60) {
            let seen = try analyst.person(id: p.id)
            let view = try analyst.personView(id: p.id)
            let name = try view?.fullName, nationalID = try view?.nationalID
            #expect(seen?.fullName == "" && name == "" && nationalID == nil, "seed \(seed): an analyst reads no name")
            if let seen, let view { try Self.same(view, seen, "seed \(seed), analyst, person \(p.id)") }
            let mine = try officer.personView(id: p.id)
            let full = try officer.person(id: p.id)
            #expect((mine != nil) == (full != nil), "seed \(seed), officer, person \(p.id)")
        }
    }

    @Test func aSealedFileWithoutItsKeyShowsNoPersonalField() throws {
        let store = try temporaryStore(ManualClock(Day(year: 2026, month: 3, day: 1)!))
        let data = try SyntheticProvince(provinceCode: 20, persons: 40, events: 0, seed: 5)
        let admin = try ProgramTenant.create(in: store, info: TenantInfo(name: "t"), settings: data.settings())
        try admin.load(persons: data.persons(), events: [CaseEvent]())
        let root = SealingIdentity.generate()
        try store.saveUser(StoreUser(name: "root", role: "admin", publicKey: root.publicKey), by: .system)
        try admin.seal(recoveryPublicKey: SealingIdentity.generate().publicKey)
        let locked = try ProgramTenant.open(in: store, name: "t", as: Principal(name: "root", role: "admin"))
        let unlocked = locked.unlocked(with: root)
        for p in data.persons() {
            let open = try #require(try unlocked.personView(id: p.id)), shut = try #require(try locked.personView(id: p.id))
            try Self.same(open, try #require(try unlocked.person(id: p.id)), "person \(p.id), with the key")
            try Self.same(shut, try #require(try locked.person(id: p.id)), "person \(p.id), without the key")
            #expect(try open.fullName == p.fullName && shut.fullName == "" && shut.commune == p.commune, "person \(p.id)")
        }
    }

    /// A view of cut bytes against a walk from the start: a field the walk reaches whole reads
    /// as stored; a field the walk does not find (the cut fell between fields before it) reads
    /// as absent; when the walk fails before finding it, the view's read is an error naming
    /// the file, never a crash or a wrong value.
    @Test func aViewOfCutBytesReadsWhatAWalkFromTheStartFinds() throws {
        let data = try SyntheticProvince(provinceCode: 20, persons: 30, events: 0, seed: 88)
        var outcomes = [String: Int]()
        for p in data.persons().prefix(10) {
            let bytes = p.encoded()
            for cut in 1..<bytes.count {
                let prefix = Array(bytes.prefix(cut))
                let view = PersonView(id: p.id, bytes: prefix)
                /// The walk: true found, false absent, nil failed first.
                func walk(_ number: Int) -> Bool? {
                    prefix.withUnsafeBytes { raw in
                        do {
                            var r = try RecordReader(raw, recordType: "person")
                            while let f = try r.next() { if f.number == number { return true } }
                            return false
                        } catch { return nil }
                    }
                }
                func check<T: Equatable>(_ name: String, _ number: Int, _ read: () throws -> T, _ expected: T) {
                    let found = walk(number)
                    do {
                        let v = try read()
                        #expect(found != nil, "person \(p.id) cut \(cut): \(name) read where a walk fails")
                        if found == true { #expect(v == expected, "person \(p.id) cut \(cut): \(name)") }
                        outcomes[found == true ? "found" : "absent", default: 0] += 1
                    } catch {
                        #expect(found == nil && "\(error)".contains("\(p.id)"), "person \(p.id) cut \(cut): \(name): \(String(describing: error))")
                        outcomes["error", default: 0] += 1
                    }
                }
                check("fullName", 1, { try view.fullName }, p.fullName)
                check("birthDate", 2, { try view.birthDate }, p.birthDate)
                check("occupation", 9, { try view.occupation }, p.occupation)
                check("fileOpened", 11, { try view.fileOpened }, p.fileOpened)
            }
        }
        #expect(outcomes.count == 3 && outcomes.values.allSatisfy { $0 > 20 }, "\(outcomes)")
    }
}
