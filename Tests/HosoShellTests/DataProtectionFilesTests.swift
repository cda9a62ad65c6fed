import Foundation
import HosoDomain
@testable import HosoShell
import HosoStore
import Testing

/// Protection of the files Hoso writes (issue: data protection, part 3): modes whatever the
/// umask, exports that follow no link and replace no file unannounced, and a deleted person's
/// fields gone from the change log and from the tenant's file.
@Suite(.serialized) struct DataProtectionFilesTests {
    let today = Day(year: 2026, month: 3, day: 15)!

    /// A fresh store with a small generated tenant (fixed seed).
    func makeTenant(_ label: String, persons: Int = 300, events: Int = 900) throws -> (dir: String, store: Store, program: ProgramTenant, data: SyntheticProvince) {
        let dir = NSTemporaryDirectory() + "hoso-protect-\(label)-\(UUID().uuidString)"
        let clock = ManualClock(today)
        let store = try Store(directory: dir, options: .init(today: { clock.day }))
        let data = try SyntheticProvince(provinceCode: 20, persons: persons, events: events, seed: 9191)
        let calendar = try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10)
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "t", displayName: "protection test"),
                                               settings: data.settings(calendar: calendar))
        try program.load(persons: data.persons(), events: data.events())
        return (dir, store, program, data)
    }

    func mode(_ path: String) -> Int {
        var st = stat()
        guard lstat(path, &st) == 0 else { return -1 }
        return Int(st.st_mode & 0o777)
    }

    /// The rows read back as records.
    func readBack<T>(_ rows: ImportReader<T>) -> Int {
        var n = 0
        for row in rows where row.value != nil { n += 1 }
        return n
    }

    func fileBytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// Every occurrence count of `needle` in the file (what `strings FILE | grep` would find).
    func occurrences(of needle: String, in path: String) throws -> Int {
        let hay = try fileBytes(path), n = Data(needle.utf8)
        var count = 0, from = hay.startIndex
        while let r = hay.range(of: n, in: from..<hay.endIndex) { count += 1; from = r.upperBound }
        return count
    }

    @Test func filesAreTheOwnersWhateverTheUmask() throws {
        let old = umask(0)
        defer { umask(old) }
        let t = try makeTenant("modes", persons: 50, events: 100)
        let tenantDir = t.dir + "/tenants/t"
        #expect(mode(t.dir) == 0o700, "store directory")
        #expect(mode(t.dir + "/tenants") == 0o700)
        #expect(mode(tenantDir) == 0o700)
        #expect(mode(tenantDir + "/data.mdb") == 0o600)
        #expect(mode(tenantDir + "/lock.mdb") == 0o600)
        try t.store.compactTenant("t")
        #expect(mode(tenantDir + "/data.mdb") == 0o600, "after a compaction")
        let program = try ProgramTenant.open(in: t.store, name: "t")
        #expect(mode(tenantDir + "/lock.mdb") == 0o600)
        for (table, file) in [(TransferTable.persons, "p.csv"), (.persons, "p.ndjson"), (.events, "e.csv"), (.events, "e.ndjson")] {
            let out = t.dir + "/out-" + file
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try TableTransfer.exportTable(table, to: out + "/" + file, from: program)
            for f in TableTransfer.files(table, at: out + "/" + file) { #expect(mode(f) == 0o600, "\(f)") }
            #expect(try FileManager.default.contentsOfDirectory(atPath: out).allSatisfy { !$0.contains("partial") })
        }
    }

    @Test func exportsFollowNoLinkAndReplaceNoSecondFile() throws {
        let t = try makeTenant("export", persons: 40, events: 80)
        let out = t.dir + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let victim = out + "/victim.txt"
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: victim))
        // A link planted at the old temporary name and at the file itself redirects nothing.
        try FileManager.default.createSymbolicLink(atPath: out + "/p.csv.partial", withDestinationPath: victim)
        try FileManager.default.createSymbolicLink(atPath: out + "/e.ndjson", withDestinationPath: victim)
        try TableTransfer.exportTable(.events, to: out + "/e.ndjson", from: t.program)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: out + "/e.ndjson")) == nil, "the link itself was replaced")
        #expect(try readBack(ImportReader.caseEvents(at: out + "/e.ndjson", format: .ndjson)) == 80)

        // An existing person_events.csv beside the file is not replaced unannounced.
        let events = out + "/person_events.csv"
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: events))
        let expected = InterchangeError.wouldOverwrite(path: events, writing: out + "/p.csv")
        #expect(throws: expected) { try TableTransfer.exportTable(.persons, to: out + "/p.csv", from: t.program) }
        #expect(try String(contentsOfFile: events, encoding: .utf8) == "mine\n")
        #expect(!FileManager.default.fileExists(atPath: out + "/p.csv"), "nothing written")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        // Named elsewhere, or allowed to replace it.
        try TableTransfer.exportTable(.persons, to: out + "/p.csv", from: t.program, personEventsPath: out + "/p-events.csv")
        #expect(try String(contentsOfFile: events, encoding: .utf8) == "mine\n")
        #expect(try readBack(ImportReader.persons(at: out + "/p.csv", format: .csv, personEventsPath: out + "/p-events.csv")) == 40)
        try TableTransfer.exportTable(.persons, to: out + "/p.csv", from: t.program, replacing: true)
        #expect(try String(contentsOfFile: events, encoding: .utf8).hasPrefix("person_id,"))
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        #expect(TableTransfer.files(.persons, at: out + "/p.csv") == [out + "/p.csv", events])
        #expect(TableTransfer.files(.persons, at: out + "/p.ndjson") == [out + "/p.ndjson"])
    }

    /// A person whose name, national ID and notes occur in no other file of the data set.
    func distinctivePerson(_ persons: [Person]) -> Person {
        var names: [String: Int] = [:]
        for p in persons { names[p.fullName, default: 0] += 1 }
        return persons.first { p in
            names[p.fullName] == 1 && p.nationalID != nil && p.fullName.count > 12
                && !persons.contains { $0.id != p.id && ($0.fullName.contains(p.fullName) || p.fullName.contains($0.fullName)) }
        }!
    }

    @Test func aDeletedPersonLeavesTheLogAndTheFile() throws {
        let t = try makeTenant("delete")
        let persons = Array(t.data.persons())
        let victim = distinctivePerson(persons)
        let nationalID = victim.nationalID!
        // An update after the load: the log then holds the file twice (bulk insert and update).
        var updated = try #require(try t.program.person(id: victim.id))
        updated.occupation = "thợ mộc"
        try t.program.tenant.write { try $0.put(updated) }
        let logBefore = try t.program.tenant.changes(after: 0, limit: 1_000_000)
        let file = t.dir + "/tenants/t/data.mdb"
        #expect(try occurrences(of: nationalID, in: file) > 0, "the test would find the ID")

        #expect(try t.program.deletePerson(id: victim.id))
        let logAfter = try t.program.tenant.changes(after: 0, limit: 1_000_000)
        #expect(logAfter.count == logBefore.count + 1)
        #expect(logAfter.last?.operation == .delete && logAfter.last?.recordIDs == [victim.id])
        var copies = 0
        for (before, after) in zip(logBefore, logAfter) {
            #expect(before.sequence == after.sequence && before.operation == after.operation)
            #expect(before.actor == after.actor && before.timestamp == after.timestamp && before.recordIDs == after.recordIDs)
            let old = before.writtenRecords, new = after.writtenRecords
            #expect(old.count == new.count)
            for (o, n) in zip(old, new) {
                guard after.recordType == "person", o.id == victim.id else {
                    #expect(o.bytes == n.bytes, "fact \(after.sequence): a copy of another record changed")
                    continue
                }
                copies += 1
                let kept = try n.bytes.withUnsafeBytes { try Person.decode(id: victim.id, $0) }
                let was = try o.bytes.withUnsafeBytes { try Person.decode(id: victim.id, $0) }
                #expect(kept == was.redactedForDeletion())
                #expect(kept.fullName.isEmpty && kept.nationalID == nil && kept.birthDate == nil && kept.occupation == nil)
                #expect(kept.village == nil && kept.permanentVillage == nil && kept.events.allSatisfy { $0.note == nil })
                #expect(kept.id == was.id && kept.fileOpened == was.fileOpened && kept.commune == was.commune)
                #expect(kept.events.map(\.date) == was.events.map(\.date) && kept.history == was.history)
            }
        }
        #expect(copies == 2, "the bulk insert and the update")
        let logText = logAfter.flatMap { $0.writtenRecords.map(\.bytes) }.map { Data($0) }
        #expect(!logText.contains { $0.range(of: Data(nationalID.utf8)) != nil })
        #expect(!logText.contains { $0.range(of: Data(victim.fullName.utf8)) != nil })

        // Free pages still hold the old bytes until the tenant is scrubbed.
        #expect(try occurrences(of: nationalID, in: file) > 0, "LMDB keeps freed pages as they were")
        let (before, after) = try t.store.scrubTenant("t")
        #expect(after <= before)
        #expect(try occurrences(of: nationalID, in: file) == 0)
        #expect(try occurrences(of: victim.fullName, in: file) == 0)
        // The others are all there, and the tenant verifies.
        let reopened = try ProgramTenant.open(in: t.store, name: "t")
        #expect(try reopened.person(id: victim.id) == nil)
        let other = persons.first { $0.id != victim.id && $0.nationalID != nil }!
        #expect(try reopened.person(id: other.id)?.nationalID == other.nationalID)
        #expect(try occurrences(of: other.nationalID!, in: file) > 0)
        let report = try reopened.tenant.verify()
        #expect(report.isConsistent, "\(report)")
    }

    @Test func theShellsDeleteScrubsAndGoesOn() throws {
        let t = try makeTenant("shell", persons: 200, events: 400)
        let victim = distinctivePerson(Array(t.data.persons()))
        let session = try ShellSession(store: t.store, tenant: "t")
        var out = "", asked = ""
        session.output = { out += $0 }
        session.errors = { out += $0 }
        session.confirm = { asked = $0; return true }
        #expect(session.run("DELETE FROM persons WHERE id = \(victim.id);"))
        #expect(asked.contains("not its names"))
        #expect(out.contains("Deleted person \(victim.id)") && out.contains("Scrubbed tenant 't'"), "\(out)")
        #expect(try occurrences(of: victim.nationalID!, in: t.dir + "/tenants/t/data.mdb") == 0)
        #expect(try session.query("SELECT COUNT(*) FROM persons").rows == [[.int(199)]])
        #expect(try session.query("SELECT COUNT(*) FROM persons WHERE id = \(victim.id)").rows == [[.int(0)]])
        #expect(!out.contains("opened it again"), "the session reopened the tenant itself")
    }
}
