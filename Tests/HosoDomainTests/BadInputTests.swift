import Foundation
import Testing
@testable import HosoDomain
import HosoStore

/// Every kind of bad input gives its typed error, names the input, and changes nothing.
@Suite struct BadInputTests {
    func program() throws -> (ProgramTenant, CommuneRef) {
        let store = try temporaryStore(ManualClock(d("2025-12-10")))
        let program = try ProgramTenant.create(in: store, name: "lang-son", provinceCode: 20)
        return (program, program.settings.communes[0].ref)
    }

    func person(_ id: RecordID, _ commune: CommuneRef, nationalID: String? = nil) -> Person {
        var p = Person(id: id, fullName: "Trần Văn Bình", commune: commune, fileOpened: d("2025-01-05"))
        p.birthDate = d("1995-03-01"); p.nationalID = nationalID
        return p
    }

    @Test func eachBadInputIsRefusedWithItsErrorAndNothingChanges() throws {
        let (program, commune) = try program()
        try program.addPerson(person(1, commune, nationalID: "020095000001"), events: [PersonEvent(date: d("2025-01-05"), kind: .managementDecision)])
        let before = try program.tenant.read { try $0.lastChangeSequence() }
        let snapshot = try program.person(id: 1)

        #expect(throws: ProgramError.duplicateNationalID(nationalID: "020095000001", existing: 1, new: 2)) {
            try program.addPerson(person(2, commune, nationalID: "020095000001"))
        }
        #expect(throws: ProgramError.unknownCommune(code: 424242, field: "commune", record: "person 3")) {
            try program.addPerson(person(3, CommuneRef(province: 20, commune: 424242)))
        }
        // A commune of another province is unknown to this tenant too.
        #expect(throws: ProgramError.unknownCommune(code: 70, field: "commune", record: "person 3")) {
            try program.addPerson(person(3, CommuneRef(province: 1, commune: 70)))
        }
        #expect(throws: HosoError.self) { try program.addPerson(person(4, commune, nationalID: "02009500001")) }   // 11 digits
        do {
            var p = person(5, commune); p.birthDate = d("2025-06-01")   // born after the file was opened
            #expect(throws: HosoError.invalidDate(value: "2025-06-01", field: "birth_date", record: "person 5",
                                                  reason: "it is after the file was opened (2025-01-05)")) { try program.addPerson(p) }
        }
        #expect(throws: HosoError.self) {   // an event before birth
            try program.addPerson(person(6, commune), events: [PersonEvent(date: d("1990-01-01"), kind: .managementDecision)])
        }
        try program.record(PersonEvent(date: d("2025-08-01"), kind: .death), for: 1)
        let afterDeath = try program.tenant.read { try $0.lastChangeSequence() }
        #expect(throws: HosoError.self) {   // an event after death
            try program.record(PersonEvent(date: d("2025-09-01"), kind: .managementDecision), for: 1)
        }
        #expect(throws: HosoError.self) {   // a correction of an event that does not exist
            try program.record(PersonEvent(date: d("2025-08-02"), kind: .correction, voids: 99), for: 1)
        }
        #expect(throws: HosoError.recordNotFound(type: "person", id: 77)) {
            try program.record(PersonEvent(date: d("2025-08-02"), kind: .relapse), for: 77)
        }
        do {   // a file too large to store (over 1 MiB)
            var p = person(8, commune)
            p.drugs = (0..<40_000).map { "chất \($0) với tên rất dài" }
            #expect(throws: HosoError.self) { try program.addPerson(p) }
        }
        var e = CaseEvent(id: 1, kind: .drugCase, commune: commune, date: d("2025-03-03"))
        e.offenceArticle = 173   // theft, not a drug offence
        #expect(throws: HosoError.self) { try program.addEvent(e) }
        e.offenceArticle = 251; e.personIDs = [999]
        #expect(throws: HosoError.self) { try program.addEvent(e) }   // names no person on file
        e.personIDs = []; e.resolvedDate = d("2025-01-01")
        #expect(throws: HosoError.self) { try program.addEvent(e) }   // resolved before it happened

        // Only the death was written: one change after the snapshot, no records besides person 1.
        #expect(try program.tenant.read { try $0.lastChangeSequence() } == afterDeath)
        #expect(afterDeath == before + 1)
        #expect(try program.tenant.read { try $0.recordCount(Person.self) } == 1)
        #expect(try program.tenant.read { try $0.recordCount(CaseEvent.self) } == 0)
        #expect(try program.person(id: 1)?.events.count == (snapshot?.events.count ?? 0) + 1)
    }

    /// A name of nothing but spaces is refused, and "nothing but spaces" is what Foundation's
    /// `.whitespaces` means (the oracle): tabs, the space separators and the zero-width space,
    /// not line breaks; every scalar up to U+3000 is tried alone as well.
    @Test func aBlankNameIsRefusedAsFoundationTrimsIt() throws {
        let (program, commune) = try program()
        let names = ["", " ", "   ", "\t", " \t ", "\u{00A0}", "\u{3000}", "\u{2003}\u{202F}", "\u{205F} ", "\n", "\r\n", " \u{200B} ",
                     "\u{FEFF}", "A", " An ", "\tBình", "Nguyễn Văn An", "\u{3000}Lê"]
        for (n, name) in names.enumerated() {
            let blank = name.trimmingCharacters(in: .whitespaces).isEmpty
            #expect(ProgramTenant.isBlank(name) == blank, "name \(name.unicodeScalars.map { String($0.value, radix: 16) })")
            var p = person(RecordID(100 + n), commune)
            p.fullName = name
            if blank {
                #expect(throws: HosoError.invalidField(record: "person \(100 + n)", field: "full_name", value: name,
                                                       reason: "is empty; every file needs the person's name")) { try program.addPerson(p) }
            } else {
                try program.addPerson(p)
            }
        }
        #expect(try program.tenant.read { try $0.recordCount(Person.self) } == names.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count)
        for v in UInt32(0)...0x3001 {
            guard let c = Unicode.Scalar(v) else { continue }
            let one = String(Character(c))
            #expect(ProgramTenant.isBlank(one) == one.trimmingCharacters(in: .whitespaces).isEmpty, "U+\(String(v, radix: 16))")
        }
    }

    /// A load stopped by a national ID held twice says so in the program's words, from the
    /// record, not from the engine's key; a commune the tenant does not manage stops it too.
    @Test func loadsStopAtTheFirstRefusalOfTheProgram() throws {
        let (program, commune) = try program()
        let people = [person(1, commune, nationalID: "020095000001"), person(2, commune, nationalID: "020095000003"),
                      person(3, commune, nationalID: "020095000001")]
        do {
            try program.load(persons: people, events: [CaseEvent](), batchSize: 2)
            Issue.record("the load should have stopped")
        } catch let error as ProgramLoadError {
            #expect(error.batch == 2 && error.recordsLoaded == 2)
            #expect(error.underlying == .duplicateNationalID(nationalID: "020095000001", existing: 1, new: 3))
            #expect("\(error)".contains("national ID 020095000001 of person 3 is already held by person 1"))
        }
        #expect(try program.person(id: 3) == nil)
        do {
            try program.load(persons: [person(4, commune), person(5, CommuneRef(province: 20, commune: 424242))], events: [CaseEvent]())
            Issue.record("the load should have stopped")
        } catch let error as ProgramLoadError {
            #expect(error.batch == 1 && error.recordsLoaded == 0)
            #expect(error.underlying == .unknownCommune(code: 424242, field: "commune", record: "person 5"))
        }
        #expect(try program.person(id: 4) == nil)
    }

    /// The same in a load of batches large enough to be prepared while the one before is
    /// written: the national ID held twice is in the third batch, taken while the second is
    /// written, and the error still names it from the record.
    @Test func aDuplicateNationalIDInALaterPreparedBatchIsNamed() throws {
        let (program, commune) = try program()
        var people = (1...7_000).map { i in person(RecordID(i), commune, nationalID: String(format: "0200950%05d", i)) }
        people[5_499].nationalID = people[99].nationalID
        do {
            try program.load(persons: people, events: [CaseEvent](), batchSize: 2_000)
            Issue.record("the load should have stopped")
        } catch let error as ProgramLoadError {
            #expect(error.batch == 3 && error.recordsLoaded == 4_000, "\(error)")
            #expect(error.underlying == .duplicateNationalID(nationalID: "020095000100", existing: 100, new: 5_500), "\(error)")
        }
        #expect(try program.tenant.read { try $0.recordCount(Person.self) } == 4_000)
    }

    @Test func historyCannotBeRewrittenOnlyCorrected() throws {
        let (program, commune) = try program()
        let stored = try program.addPerson(person(1, commune), events: [PersonEvent(date: d("2025-01-05"), kind: .managementDecision),
                                                                       PersonEvent(date: d("2025-02-05"), kind: .addictionDetermination, outcome: .addicted)])
        var rewritten = stored
        rewritten.events.removeLast()
        #expect(throws: HosoError.self) { try program.updatePerson(rewritten) }
        let corrected = try program.record(PersonEvent(date: d("2025-02-06"), kind: .correction, voids: 2), for: 1)
        #expect(corrected.events.count == 3)
        #expect(corrected.history.map(\.status) == [.illegalUser])
        #expect(try program.countPersons(.addict, in: .commune(commune), on: d("2025-03-01")) == 0)
        #expect(try program.countPersons(.illegalUser, in: .commune(commune), on: d("2025-03-01")) == 1)
    }
}
