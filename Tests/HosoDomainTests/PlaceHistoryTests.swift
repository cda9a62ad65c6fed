import Foundation
import Testing
@testable import HosoDomain

/// Places with dates (issue 13, item 1): ``PlaceHistory`` against a brute force that reads the
/// bundled CSV files line by line with its own parsing.
@Suite struct PlaceHistoryTests {
    /// The bundled file's rows as dictionaries (no quoting in these files' numeric columns;
    /// names are not compared).
    static func rows(_ name: String) throws -> [[String: String]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/HosoDomain/Resources/\(name).csv")
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            let cells = Self.cells(line)
            return Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
    }

    /// Splits a CSV line on commas outside double quotes.
    static func cells(_ line: String) -> [String] {
        var out: [String] = [], cell = "", quoted = false
        for ch in line {
            if ch == "\"" { quoted.toggle() } else if ch == "," && !quoted { out.append(cell); cell = "" } else { cell.append(ch) }
        }
        out.append(cell)
        return out
    }

    @Test func placementsPredecessorsAndUnmappedEqualTheFiles() throws {
        let places = try PlaceHistory.official()
        let old = try Self.rows("vn-communes-2024"), new = try Self.rows("vn-communes-2025"), map = try Self.rows("vn-communes-2024-to-2025")
        #expect(old.count == 10_051 && new.count == 3_321 && places.before.communes.count == old.count && places.after.communes.count == new.count)
        var byOld: [Int32: [[String: String]]] = [:], byNew: [Int32: [[String: String]]] = [:]
        for r in map {
            byOld[Int32(r["old_commune_code"]!)!, default: []].append(r)
            byNew[Int32(r["new_commune_code"]!)!, default: []].append(r)
        }
        var whole = 0, split = 0, unmapped: [Int32] = []
        for o in old {
            let code = Int32(o["commune_code"]!)!
            let placed = places.placement(ofOldCommune: code)
            guard let rows = byOld[code] else {
                unmapped.append(code)
                #expect(placed == .unmapped, "old commune \(code)")
                continue
            }
            let targets = rows.map { Int32($0["new_commune_code"]!)! }
            if rows.count == 1 {
                whole += 1
                #expect(placed == .whole(targets[0]), "old commune \(code)")
            } else {
                split += 1
                let primaries = rows.filter { $0["is_primary"] == "1" }.map { Int32($0["new_commune_code"]!)! }
                #expect(placed == .split(primary: primaries.first ?? targets[0], among: targets), "old commune \(code)")
            }
            // every successor is a commune of the 2025 tree
            for t in targets { #expect(places.after.commune(code: t) != nil, "successor \(t) of \(code)") }
        }
        #expect(whole + split + unmapped.count == old.count)
        #expect(unmapped.count == 176, "the data's README counts 176 old communes without a row")
        #expect(Set(places.unmappedOldCommunes().map(\.code)) == Set(unmapped))
        #expect(places.splitOldCommunes().count == split)
        // predecessors: the inverse of the mapping, whole when the old commune has one row
        for n in new {
            let code = Int32(n["commune_code"]!)!
            let expected = (byNew[code] ?? []).map { r in
                PlaceHistory.Predecessor(oldCode: Int32(r["old_commune_code"]!)!, oldDistrict: Int32(r["old_district_code"]!)!, name: r["old_commune_name"]!,
                                         whole: byOld[Int32(r["old_commune_code"]!)!]!.count == 1, primary: r["is_primary"] == "1")
            }
            #expect(places.predecessors(ofNewCommune: code) == expected, "new commune \(code)")
        }
        print("PlaceHistoryTests: \(old.count) old communes: \(whole) whole, \(split) split, \(unmapped.count) unmapped; \(new.count) new")
    }

    @Test func theTreeInForceChangesOnTheFirstOfJuly2025() throws {
        let places = try PlaceHistory.official()
        #expect(places.hierarchy(on: Day(year: 2025, month: 6, day: 30)!) == .before2025)
        #expect(places.hierarchy(on: Day(year: 2025, month: 7, day: 1)!) == .since2025)
        #expect(places.gazetteer(on: Day(year: 2024, month: 12, day: 10)!).communes.count == 10_051)
        #expect(places.gazetteer(on: Day(year: 2025, month: 12, day: 9)!).communes.count == 3_321)
        // Lạng Sơn: 194 old communes under its districts, 65 new; every mapped old one lands in the province.
        let oldLangSon = places.before.communes(inProvince: 20)
        #expect(oldLangSon.count == 194 && oldLangSon.allSatisfy { $0.districtCode != nil })
        #expect(places.after.communes(inProvince: 20).count == 65)
        let landed = Set(oldLangSon.compactMap { places.placement(ofOldCommune: $0.code).commune })
        #expect(landed.allSatisfy { places.after.commune(code: $0)?.provinceCode == 20 })
        #expect(places.unmappedOldCommunes(inProvince: 20).count == 1)
    }
}
