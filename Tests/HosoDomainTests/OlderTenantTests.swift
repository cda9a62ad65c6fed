import Foundation
import Testing
@testable import HosoDomain
@testable import HosoStore

/// Tenants created by builds that kept the province and the calendar in the engine's tenant
/// metadata (fields 3–6 of the info) and not in the program settings still open with them.
@Suite struct OlderTenantTests {
    /// The settings as older builds wrote them: fields 1–3 only.
    func olderSettingsBytes(_ settings: ProgramSettings) throws -> [UInt8] {
        var w = RecordWriter(formatVersion: 1)
        try settings.encoded().withUnsafeBytes { raw in
            var r = try RecordReader(raw, recordType: "program settings")
            while let f = try r.next() { if f.number <= 3 { w.write(f.number, bytes: Array(try f.bytes())) } }
        }
        return w.bytes
    }

    @Test func provinceAndCalendarComeFromTheOlderMetadata() throws {
        let store = try temporaryStore(ManualClock(d("2025-12-10")))
        let data = try SyntheticProvince(provinceCode: 20, persons: 10, events: 10, seed: 1)
        // Communes of two provinces: the province can only come from the metadata.
        let other = try SyntheticProvince(provinceCode: 1, persons: 1, events: 1, seed: 1)
        let settings = ProgramSettings(communes: data.communes + other.communes.prefix(1))
        #expect(settings.province == nil)
        var info = TenantInfo(name: "old", displayName: "Lạng Sơn")
        info.otherFields = [3: .integer(20), 4: .integer(12), 5: .integer(10), 6: .integer(10)]
        let bytes = try olderSettingsBytes(settings)
        _ = try store.createTenant(info, schema: ProgramTenant.schema, settings: [ProgramSettings.settingName: bytes])
        let program = try ProgramTenant.open(in: store, name: "old")
        #expect(program.province == 20)
        #expect(program.calendar == (try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10)))
        #expect(program.settings.communes == settings.communes)
        #expect(try ProgramTenant.list(in: store).map(\.province) == [20])
        // Settings written since then carry both, and win over the metadata.
        let updated = try program.updateSettings({ var s = program.settings; s.calendar = .gregorian; return s }())
        #expect(updated.calendar == .gregorian)
        #expect(try ProgramTenant.open(in: store, name: "old").calendar == .gregorian)
        #expect(try ProgramTenant.open(in: store, name: "old").province == 20)
    }

    @Test func olderTenantWithoutAProvinceTakesTheCommunes() throws {
        let store = try temporaryStore(ManualClock(d("2025-12-10")))
        let data = try SyntheticProvince(provinceCode: 20, persons: 10, events: 10, seed: 1)
        var info = TenantInfo(name: "old")
        info.otherFields = [4: .integer(1), 5: .integer(1), 6: .integer(15)]
        let bytes = try olderSettingsBytes(ProgramSettings(communes: data.communes))
        _ = try store.createTenant(info, schema: ProgramTenant.schema, settings: [ProgramSettings.settingName: bytes])
        let program = try ProgramTenant.open(in: store, name: "old")
        #expect(program.province == 20)
        #expect(program.calendar.monthStartDay == 15)
    }

    @Test func newTenantsKeepThemInTheSettings() throws {
        let store = try temporaryStore(ManualClock(d("2025-12-10")))
        let calendar = try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10)
        _ = try ProgramTenant.create(in: store, name: "new", provinceCode: 20, calendar: calendar)
        let program = try ProgramTenant.open(in: store, name: "new")
        #expect(program.province == 20 && program.calendar == calendar)
        #expect(try program.info().otherFields.isEmpty)
    }

    /// A tenant whose flow indexes were written by builds that kept them as year/month/day
    /// buckets (dated count format 1) opens, rebuilds them as running totals in one write
    /// transaction, answers every as-of count as the persons' histories say and verifies.
    @Test func flowIndexesOfTheBucketLayoutAreRebuiltOnOpen() throws {
        let store = try temporaryStore(ManualClock(d("2026-12-03")))
        let data = try SyntheticProvince(provinceCode: 20, persons: 300, events: 300, seed: 14)
        let source = Array(data.persons())
        var persons: [Person] = []
        do {
            let program = try ProgramTenant.create(in: store, name: "old", provinceCode: 20)
            try program.load(persons: source, events: data.events())
            // The persons as stored, with the histories the load derived: the oracle.
            persons = try source.map { try #require(try program.person(id: $0.id)) }
            // Rewrite both flow indexes as the landed code kept them, marked with its format 1.
            let core = program.tenant.core
            try core.environment.write { txn in
                let session = WriteSession(core: core, transaction: txn, actor: "test")
                let t = try core.type("person")
                for flow in [Person.statusFlow, Person.communeFlow] {
                    let old = try DatedCountIndex(flow, recordType: "person", environment: core.environment)
                    try session.write.clear(old.db)
                    let cursor = try session.write.cursor(t.records)
                    var entry = try cursor.first()
                    while let e = entry {
                        let id = FixedWidth.uint64(e.key)
                        try old.update(id, old: IndexEntries(), new: try t.schema.entriesOf(id, e.value, IndexContext(today: core.today.rawValue)), in: session)
                        entry = try cursor.next()
                    }
                    try session.flushCounts()
                    try session.write.put(core.meta, key: MetaKeys.indexBuilt("person", flow.name), value: [1])
                }
            }
            // Read as running totals, the buckets give other answers: the test can fail.
            let day = d("2025-06-15")
            let wrong = data.communes.contains { c in
                (try? program.countPersons(.addict, in: .commune(c.ref), on: day)) != persons.filter { $0.status(on: day) == .addict && $0.commune(on: day) == c.ref }.count
            }
            #expect(wrong)
        }
        let program = try ProgramTenant.open(in: store, name: "old")
        let report = try program.verify()
        #expect(report.differences.isEmpty, "\(report)")
        for day in [d("2023-03-01"), d("2024-02-29"), d("2025-06-15"), d("2026-12-02"), d("2027-05-01")] {
            for status in [Status.addict, .illegalUser, .compulsoryRehab, .methadone] {
                #expect(try program.countPersons(status, in: .province(20), on: day) == persons.filter { $0.status(on: day) == status }.count)
                for c in data.communes.prefix(40) {
                    let expected = persons.filter { $0.status(on: day) == status && $0.commune(on: day) == c.ref }.count
                    #expect(try program.countPersons(status, in: .commune(c.ref), on: day) == expected, "\(status) \(c.ref) \(day)")
                }
            }
        }
        #expect(try program.verify().differences.isEmpty)
        let built = try program.tenant.changes(after: 0).filter { $0.operation == .buildIndex }.compactMap(\.detail)
        #expect(built.contains("built index status_flow over 300 records") && built.contains("built index commune_flow over 300 records"), "\(built)")
    }
}
