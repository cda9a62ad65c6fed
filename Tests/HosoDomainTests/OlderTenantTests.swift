import Foundation
import Testing
@testable import HosoDomain
import HosoStore

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
}
