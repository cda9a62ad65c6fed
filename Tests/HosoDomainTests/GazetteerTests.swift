import Foundation
import Testing
@testable import HosoDomain

@Suite("Gazetteer")
struct GazetteerTests {
    @Test func resourcesAreBundled() throws {
        for name in ["vn-communes-2025", "vn-communes-2024", "vn-communes-2024-to-2025"] {
            let url = try #require(Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Resources"))
            #expect(try Data(contentsOf: url).count > 100_000, "\(name)")
        }
    }

    @Test func edition2025() throws {
        let g = try Gazetteer.official2025()
        #expect(g.provinces.count == 34)
        #expect(g.communes.count == 3_321)
        #expect(g.districts.isEmpty)
        #expect(Set(g.communes.map(\.code)).count == 3_321)
        #expect(Set(g.communes.map(\.type)) == ["xã", "phường", "đặc khu"])
        #expect(g.provinces.reduce(0) { $0 + g.communes(inProvince: $1.code).count } == 3_321)
        let langSon = try #require(g.province(code: 20))
        #expect(langSon.name == "Lạng Sơn")   // the 2025 file prefixes only cities
        #expect(langSon.type == "tỉnh")
        let communes = g.communes(inProvince: 20)
        #expect(communes.count == 65)
        #expect(communes.first?.name == "Xã Thất Khê")      // file order
        #expect(communes.last?.name == "Phường Đông Kinh")
        #expect(g.commune(code: 70)?.name == "Phường Hoàn Kiếm")
        #expect(g.commune(code: 70)?.districtCode == nil)
        #expect(g.commune(code: -5) == nil)
        #expect(g.province(code: 99) == nil)
        #expect(g.communes(inProvince: 99).isEmpty)
    }

    /// The 16 communes plan 214/KH-UBND names for "drug-free in 2025".
    @Test(arguments: [
        "Công Sơn", "Lợi Bác", "Thống Nhất", "Xuân Dương", "Châu Sơn", "Thái Bình", "Chiến Thắng", "Nhân Lý",
        "Hồng Phong", "Quý Hòa", "Thiện Hòa", "Thiện Thuật", "Thiện Long", "Tân Tiến", "Kháng Chiến", "Đoàn Kết",
    ])
    func langSonDrugFreeCommunes(name: String) throws {
        let g = try Gazetteer.official2025()
        let hits = g.search(name, inProvince: 20)
        let first = try #require(hits.first, "\(name) not found in Lạng Sơn")
        #expect(first.name == "Xã " + name)
        #expect(first.provinceCode == 20)
        #expect(hits.allSatisfy { $0.provinceCode == 20 })
        // Folded, upper-case and prefixed spellings find the same commune first.
        for variant in [Gazetteer.fold(name), name.uppercased(), "Xã " + name, "  " + name.lowercased() + " ",
                        name.decomposedStringWithCanonicalMapping] {
            #expect(g.search(variant, inProvince: 20).first == first, "\(variant)")
        }
    }

    @Test func searchBehaviour() throws {
        let g = try Gazetteer.official2025()
        for query in ["thien hoa", "Thiện Hòa", "THIEN HOA", "Thiện Hoà", "xa thien hoa", "XÃ THIỆN HÒA"] {
            #expect(g.search(query, inProvince: 20).map(\.name) == ["Xã Thiện Hòa"], "\(query)")
        }
        // Prefix search ranks starts-with matches; the whole country is searched without a province.
        let thien = g.search("thien", inProvince: 20).map(\.name)
        #expect(Set(thien.prefix(4)) == ["Xã Thiện Hòa", "Xã Thiện Thuật", "Xã Thiện Long", "Xã Thiện Tân"])
        #expect(g.search("hoan kiem").map(\.code) == [70])
        #expect(g.search("phuong hoan kiem").map(\.code) == [70])
        #expect(g.search("xa hoan kiem").isEmpty)          // it is a phường
        #expect(g.search("hoa", inProvince: 20).allSatisfy { Gazetteer.fold($0.name).contains(" hoa") })
        #expect(!g.search("hoa", inProvince: 20).contains { $0.name.hasSuffix("Khoa") })
        #expect(g.search("").isEmpty && g.search("   ").isEmpty)
        #expect(g.search("doan ket", inProvince: 99).isEmpty)
        let everywhere = g.search("đoàn kết")
        #expect(everywhere.contains { $0.provinceCode == 20 })
        #expect(everywhere.allSatisfy { Gazetteer.fold($0.name).contains("doan ket") })
    }

    @Test func fold() {
        #expect(Gazetteer.fold("Đoàn Kết") == "doan ket")
        #expect(Gazetteer.fold("ĐĂK GLONG") == "dak glong")
        #expect(Gazetteer.fold("Thiện Hòa") == Gazetteer.fold("Thiện Hoà"))
        #expect(Gazetteer.fold("Thiện Hòa".decomposedStringWithCanonicalMapping) == "thien hoa")
        #expect(Gazetteer.fold("Ưu Ơn Ấp Ắc Ê Ô") == "uu on ap ac e o")
        #expect(Gazetteer.fold("Ðà Nẵng") == "da nang")   // U+00D0 look-alike
        #expect(Gazetteer.fold("Hà Nội 2025") == "ha noi 2025")
        #expect(Gazetteer.fold("ABC def") == "abc def")
        // Every name folds to ASCII.
        let g = try? Gazetteer.official2024()
        #expect(g?.communes.allSatisfy { Gazetteer.fold($0.name).utf8.allSatisfy { $0 < 0x80 } } == true)
    }

    @Test func edition2024() throws {
        let g = try Gazetteer.official2024()
        #expect(g.provinces.count == 63)
        #expect(g.communes.count == 10_051)
        // The official count is 696 districts; the file lists the 691 that have communes
        // (the island districts Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Côn Đảo and Lý Sơn have none).
        #expect(g.districts.count == 691)
        #expect(Set(g.districts.map(\.code)).count == 691)
        #expect(g.provinces.allSatisfy { $0.type == nil })
        #expect(g.province(code: 20)?.name == "Tỉnh Lạng Sơn")
        let hocMon = try #require(g.search("Hóc Môn").first { $0.name == "Thị trấn Hóc Môn" })
        #expect(hocMon.districtName == "Huyện Hóc Môn")
        #expect(hocMon.districtCode == 784)
        #expect(g.district(code: 784)?.provinceCode == 79)
        #expect(hocMon.provinceName == "Thành phố Hồ Chí Minh")
        #expect(!g.search("Bắc Hồng").filter { $0.districtName == "Thị xã Hồng Lĩnh" }.isEmpty)
        #expect(g.provinces.contains { $0.name.hasSuffix("Hưng Yên") })
        #expect(g.provinces.contains { $0.name.hasSuffix("Sóc Trăng") })
        #expect(g.search("thi tran hoc mon").map(\.code) == [27559])
    }

    @Test func mapping() throws {
        let m = try CommuneMapping.official2024to2025()
        #expect(m.rows.count == 10_431)
        #expect(Set(m.rows.map(\.oldCommuneCode)).count == 9_875)
        let phucXa = m.successors(ofOldCommune: 1)
        #expect(phucXa.count == 1 && phucXa[0].newCode == 97 && phucXa[0].isPrimary)
        #expect(m.primarySuccessor(ofOldCommune: 1) == 97)
        #expect(m.successors(ofOldCommune: -1).isEmpty)
        #expect(m.primarySuccessor(ofOldCommune: -1) == nil)
        // Xã Suối Dây is split (targets 2) but the file has only its non-primary row.
        #expect(m.successors(ofOldCommune: 25534).map(\.newCode) == [25516])
        #expect(m.primarySuccessor(ofOldCommune: 25534) == nil)
        // Every old commune with a primary row has exactly one, and every split has ≥ 2 targets.
        var primaries: [Int32: Int] = [:]
        for row in m.rows where row.isPrimary { primaries[row.oldCommuneCode, default: 0] += 1 }
        #expect(primaries.values.allSatisfy { $0 == 1 })
        #expect(primaries.count == 9_872)
        // The mapping agrees with both gazetteers.
        let old = try Gazetteer.official2024(), new = try Gazetteer.official2025()
        #expect(m.rows.allSatisfy { old.commune(code: $0.oldCommuneCode)?.name == $0.oldCommuneName })
        #expect(m.rows.allSatisfy { new.commune(code: $0.newCommuneCode)?.name == $0.newCommuneName })
        #expect(m.rows.allSatisfy { new.commune(code: $0.newCommuneCode)?.provinceCode == $0.newProvinceCode })
    }
}
