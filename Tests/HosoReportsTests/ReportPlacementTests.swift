import Foundation
import HosoDomain
import HosoReports
import Testing

/// A report whose period begins before the 2025 reform says how its figures were placed.
@Suite struct ReportPlacementTests {
    @Test func aPeriodCrossingTheReformSaysHowItsFiguresWerePlaced() throws {
        let f = try Fixture.make("placement", realistic: false, persons: 200, events: 600, seed: 31)
        defer { f.remove() }
        let cal = Fixture.langSon
        func note(_ kind: ReportKind, _ period: String) throws -> String {
            let request = try ReportRequest.parse(kind: kind, period: period, calendar: cal)
            return try ReportBuilder(program: f.program).build(request).tables.map(\.note).joined(separator: " ")
        }
        // Report year 2025 begins on 10/12/2024; a month after the reform says nothing of it.
        #expect(try note(.annual, "2025").contains("Kỳ báo cáo có ngày trước 01/7/2025"))
        #expect(try !note(.annual, "2025").contains("hồ sơ ghi xã, phường cũ"))
        #expect(try !note(.monthly, "2025-09").contains("01/7/2025"))

        // Files that named old communes: some placed whole, some by default through a split.
        let history = try PlaceHistory.official()
        let split = try #require(history.splitOldCommunes(inProvince: 20).first)
        var marked = 0, pending = 0
        for id in RecordID(1)...RecordID(40) {
            guard var p = try f.program.person(id: id) else { continue }
            let today = try f.program.tenant.read { try $0.today() }
            let byDefault = id % 4 == 0
            let whole = history.predecessors(ofNewCommune: p.commune.commune).first { $0.whole }
            guard byDefault || whole != nil else { continue }
            p.namedPlace = byDefault
                ? NamedPlace(commune: CommuneRef(province: 20, district: split.districtCode ?? 0, commune: split.code), placedBy: .primary)
                : NamedPlace(commune: CommuneRef(province: 20, district: whole!.oldDistrict, commune: whole!.oldCode), placedBy: .whole)
            _ = try f.program.updatePerson(p)
            // The brute force: files still managed where they were placed; every file placed by
            // default awaits review.
            if p.commune(on: today) == p.commune { marked += 1 }
            if byDefault { pending += 1 }
        }
        let text = try note(.annual, "2025")
        #expect(text.contains("\(marked) hồ sơ ghi xã, phường cũ"), "\(text)")
        #expect(pending > 0 && text.contains("trong đó \(pending) hồ sơ của xã bị chia"), "\(text)")
        #expect(try f.program.placementReviews().count == pending)
        #expect(try !note(.monthly, "2025-09").contains("01/7/2025"))
    }
}
