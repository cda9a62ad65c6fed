import Foundation
import Testing

/// `hoso import --places before2025`, `hoso places review` and `hoso places assign` through the
/// built `hoso`: a Lạng Sơn file naming old communes (whole, split, unmapped, with and without
/// district, wrong ones) loads into a 2025 tenant; the errors name file, line, field and code;
/// the split record is reviewed and assigned; verify finds every index equal to a rebuild.
@Suite struct PlacesCommandTests {
    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func oldDataImportedReviewedAndAssigned() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-places-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = ["--store", dir + "/store"]
        let (created, createdCode) = try PersonsCommandTests.run(hoso, ["tenants", "create", "ls", "--province", "20"] + store)
        #expect(createdCode == 0, "\(created)")
        // 5971 went whole into 6187; 6079 was split (primary 6079, also 6184); 6622 split (6613 primary, 6625);
        // 6616 has no row in the mapping.
        try """
        id,full_name,commune_code,district_code,assigned_commune_code,file_opened
        1,Nguyễn Văn A,5971,178,,2024-03-01
        2,Trần Văn B,6079,,,2024-04-01
        3,Lê Thị C,6622,189,6625,2024-05-01
        4,Phạm Văn D,5971,181,,2024-05-01
        5,Hoàng Văn E,6616,,,2024-06-01
        6,Vũ Thị F,6616,,6613,2024-06-01
        7,Đỗ Văn G,99999,,,2024-06-01
        8,Bùi Văn H,6079,,5971,2024-06-01

        """.write(toFile: dir + "/persons.csv", atomically: true, encoding: .utf8)
        try "person_id,date,kind,outcome\n2,2024-04-01,test_result,positive\n2,2024-04-02,management_decision,\n"
            .write(toFile: dir + "/person_events.csv", atomically: true, encoding: .utf8)
        let tenant = store + ["--tenant", "ls"]

        let (plain, plainCode) = try PersonsCommandTests.run(hoso, ["import", dir + "/persons.csv", "--table", "persons", "--rejects", dir + "/r0.csv"] + tenant)
        #expect(plainCode == 2 && plain.contains("district_code: is read only from files naming pre-2025 communes"), "\(plain)")
        let (wrong, wrongCode) = try PersonsCommandTests.run(hoso, ["import", dir + "/persons.csv", "--table", "persons", "--places", "2024"] + tenant)
        #expect(wrongCode != 0 && wrong.contains("--places must be since2025 or before2025, not '2024'"), "\(wrong)")
        try? FileManager.default.removeItem(atPath: dir + "/store")
        _ = try PersonsCommandTests.run(hoso, ["tenants", "create", "ls", "--province", "20"] + store)

        let (imported, code) = try PersonsCommandTests.run(hoso, ["import", dir + "/persons.csv", "--table", "persons", "--places", "before2025"] + tenant)
        #expect(code == 2 && imported.contains("8 rows read, 4 loaded, 4 rejected"), "\(imported)")
        #expect(imported.contains("1 placed through a split commune in its primary successor, for review (hoso places review)"), "\(imported)")
        #expect(imported.contains("line 3: person 2 named old commune 6079, split across 6184, 6079: counted in 6079 (primary)"), "\(imported)")
        // Each error names file, line, field and code, and what to do.
        #expect(imported.contains("persons.csv:5: district_code: 181 (Huyện Bình Gia) is not the district of old commune 5971"), "\(imported)")
        #expect(imported.contains("persons.csv:6: commune_code: old commune 6616 Thị trấn NT Thái Bình, Huyện Đình Lập has no row in the official 2024→2025 mapping")
                && imported.contains("assigned_commune_code column, or make a rule for the row's village (hoso places assign --old 6616 --village V --to CODE; hoso places unmapped"), "\(imported)")
        #expect(imported.contains("persons.csv:8: commune_code: 99999 is not a commune of the 2024 gazetteer"), "\(imported)")
        #expect(imported.contains("persons.csv:9: assigned_commune_code: 5971 is not one of the communes old commune 6079"), "\(imported)")
        let rejects = try String(contentsOfFile: dir + "/persons.csv.rejects.csv", encoding: .utf8)
        #expect(rejects.contains("99999") && rejects.contains("6616"), "\(rejects)")

        let (review, _) = try PersonsCommandTests.run(hoso, ["places", "review"] + tenant)
        #expect(review.contains("1 record placed through a split commune, awaiting review"), "\(review)")
        #expect(review.split(separator: "\n").contains { $0.hasPrefix("person 2 ") && $0.contains("6079 Xã Hồng Phong") && $0.contains("6184 Xã Đồng Đăng") }, "\(review)")

        let (refused, refusedCode) = try PersonsCommandTests.run(hoso, ["places", "assign", "2", "6613"] + tenant)
        #expect(refusedCode == 1 && refused.contains("person 2: assignment refused: 6613 is not one of the communes old commune 6079 Xã Hồng Phong was split across: assign one of 6184 Xã Đồng Đăng, 6079 Xã Hồng Phong"), "\(refused)")
        let (whole, wholeCode) = try PersonsCommandTests.run(hoso, ["places", "assign", "1", "6184"] + tenant)
        #expect(wholeCode == 1 && whole.contains("went whole into 6187"), "\(whole)")
        let (missing, missingCode) = try PersonsCommandTests.run(hoso, ["places", "assign", "77", "6184"] + tenant)
        #expect(missingCode == 1 && missing.contains("person 77 is not on file"), "\(missing)")
        let (assigned, assignedCode) = try PersonsCommandTests.run(hoso, ["places", "assign", "2", "6184"] + tenant)
        #expect(assignedCode == 0 && assigned.contains("Assigned person 2 to 6184 Xã Đồng Đăng"), "\(assigned)")
        let (after, _) = try PersonsCommandTests.run(hoso, ["places", "review"] + tenant)
        #expect(after.contains("0 records placed through a split commune"), "\(after)")

        let (rows, _) = try PersonsCommandTests.run(hoso, ["query", "--mode", "csv", "SELECT id, commune FROM persons ORDER BY id"] + tenant)
        #expect(rows.contains("1,6187") && rows.contains("2,6184") && rows.contains("3,6625") && rows.contains("6,6613"), "\(rows)")
        let (verified, _) = try PersonsCommandTests.run(hoso, ["verify"] + tenant)
        #expect(verified.contains("consistent") && !verified.contains("inconsistent"), "\(verified)")
    }

    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func demoOfPre2025DataAsksReportYear2025BothWays() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-places-demo-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (out, code) = try PersonsCommandTests.run(hoso, ["demo", "--pre-2025", "--persons", "400", "--store", dir + "/store"])
        #expect(code == 0, "\(out)")
        #expect(out.contains("400 rows read, 400 loaded, 0 rejected"), "\(out)")
        #expect(out.contains("BY PLACES AS OF '2025-03-01'") && out.contains("person.named_count") && out.contains("fast path"), "\(out)")
        let files = dir + "/store/demo-pre-2025/persons.csv"
        let attributes = try FileManager.default.attributesOfItem(atPath: files)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let header = try String(contentsOfFile: files, encoding: .utf8).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        #expect(header.contains("commune_code,district_code,assigned_commune_code"), "\(header)")
        // Both ways, the province holds the same files; by the old communes no row names a 2025 commune's code twice.
        let (totals, _) = try PersonsCommandTests.run(hoso, ["query", "--store", dir + "/store", "--tenant", "demo", "--mode", "csv",
                                                             "SELECT COUNT(*) FROM persons BY PLACES AS OF '2025-03-01'"])
        #expect(totals.contains("400"), "\(totals)")
    }

    /// `hoso places villages`, `hoso places assign --old … --village … --to …`, `hoso places
    /// rules [remove]`: a split commune's files grouped by village (spellings folded), a rule
    /// moving a village's files but not the one its file placed, the next import placed by it,
    /// the reads of villages in the processing log.
    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func villageRulesThroughTheCommandLine() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-villages-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = ["--store", dir + "/store"]
        _ = try PersonsCommandTests.run(hoso, ["tenants", "create", "ls", "--province", "20"] + store)
        let tenant = store + ["--tenant", "ls"]
        // 6079 was split: primary 6079, also 6184.
        try """
        id,full_name,commune_code,assigned_commune_code,village,file_opened
        1,Nguyễn Văn A,6079,,Thôn Nà Pàn,2024-03-01
        2,Trần Văn B,6079,,thon  na pan,2024-04-01
        3,Lê Thị C,6079,6079,THÔN NÀ PÀN,2024-05-01
        4,Phạm Văn D,6079,,Bản Chắt,2024-05-01
        5,Hoàng Văn E,6079,,,2024-06-01

        """.write(toFile: dir + "/persons.csv", atomically: true, encoding: .utf8)
        try "person_id,date,kind,outcome\n".write(toFile: dir + "/person_events.csv", atomically: true, encoding: .utf8)
        let (imported, importCode) = try PersonsCommandTests.run(hoso, ["import", dir + "/persons.csv", "--table", "persons", "--places", "before2025"] + tenant)
        #expect(importCode == 0 && imported.contains("4 placed through a split commune"), "\(imported)")

        let (review, _) = try PersonsCommandTests.run(hoso, ["places", "review"] + tenant)
        #expect(review.contains("village") && review.split(separator: "\n").contains { $0.hasPrefix("person 4 ") && $0.contains("Bản Chắt") }, "\(review)")
        let (villages, _) = try PersonsCommandTests.run(hoso, ["places", "villages", "6079"] + tenant)
        let lines = villages.split(separator: "\n").map(String.init)
        #expect(villages.contains("5 files in 3 village groups"), "\(villages)")
        #expect(lines.contains { $0.hasPrefix("Thôn Nà Pàn ") && $0.contains(" 3 ") && $0.contains("6079 Xã Hồng Phong: 3") && $0.contains("primary 2, file 1") }, "\(villages)")
        #expect(lines.contains { $0.hasPrefix("(no village)") } && lines.contains { $0.hasPrefix("Bản Chắt") }, "\(villages)")

        let (refused, refusedCode) = try PersonsCommandTests.run(hoso, ["places", "assign", "--old", "6079", "--village", "Nà Pàn", "--to", "6613"] + tenant)
        #expect(refusedCode == 1 && refused.contains("6613 is not one of the communes old commune 6079 Xã Hồng Phong was split across"), "\(refused)")
        let (mixed, mixedCode) = try PersonsCommandTests.run(hoso, ["places", "assign", "2", "6184", "--old", "6079", "--village", "Nà Pàn", "--to", "6184"] + tenant)
        #expect(mixedCode != 0 && mixed.contains("not both"), "\(mixed)")
        let (half, halfCode) = try PersonsCommandTests.run(hoso, ["places", "assign", "--old", "6079", "--to", "6184"] + tenant)
        #expect(halfCode != 0 && half.contains("--old CODE --village V --to NEWCODE"), "\(half)")

        let (ruled, ruledCode) = try PersonsCommandTests.run(hoso, ["places", "assign", "--old", "6079", "--village", "thôn nà pàn", "--to", "6184"] + tenant)
        #expect(ruledCode == 0 && ruled.contains("2 files moved there (person 1, person 2)") && ruled.contains("person 3: in 6079 Xã Hồng Phong, placed by the file"), "\(ruled)")
        let (rules, _) = try PersonsCommandTests.run(hoso, ["places", "rules"] + tenant)
        #expect(rules.contains("1 village rule") && rules.contains("6079 Xã Hồng Phong") && rules.contains("6184 Xã Đồng Đăng"), "\(rules)")
        let (rows, _) = try PersonsCommandTests.run(hoso, ["query", "--mode", "csv", "SELECT id, commune FROM persons ORDER BY id"] + tenant)
        #expect(rows.contains("1,6184") && rows.contains("2,6184") && rows.contains("3,6079") && rows.contains("4,6079"), "\(rows)")

        // The next import: the rule places the village's new file, the file's own assignment wins.
        try """
        id,full_name,commune_code,assigned_commune_code,village,file_opened
        11,Vũ Thị F,6079,,Thôn Nà Pàn,2024-07-01
        12,Đỗ Văn G,6079,6079,Thôn Nà Pàn,2024-07-01

        """.write(toFile: dir + "/persons.csv", atomically: true, encoding: .utf8)
        let (again, _) = try PersonsCommandTests.run(hoso, ["import", dir + "/persons.csv", "--table", "persons", "--places", "before2025"] + tenant)
        #expect(again.contains("1 placed by a village rule"), "\(again)")
        let (rows2, _) = try PersonsCommandTests.run(hoso, ["query", "--mode", "csv", "SELECT id, commune FROM persons WHERE id > 10 ORDER BY id"] + tenant)
        #expect(rows2.contains("11,6184") && rows2.contains("12,6079"), "\(rows2)")

        let (removed, removedCode) = try PersonsCommandTests.run(hoso, ["places", "rules", "remove", "--old", "6079", "--village", "THON NA PAN"] + tenant)
        #expect(removedCode == 0 && removed.contains("stay there"), "\(removed)")
        let (none, noneCode) = try PersonsCommandTests.run(hoso, ["places", "rules", "remove", "--old", "6079", "--village", "THON NA PAN"] + tenant)
        #expect(noneCode == 1 && none.contains("no rule for village"), "\(none)")
        let (audit, _) = try PersonsCommandTests.run(hoso, ["audit"] + tenant)
        #expect(audit.contains("hoso places villages 6079") && audit.contains("hoso places review (villages)"), "\(audit)")
        let (verified, _) = try PersonsCommandTests.run(hoso, ["verify"] + tenant)
        #expect(verified.contains("consistent") && !verified.contains("inconsistent"), "\(verified)")
    }
}
