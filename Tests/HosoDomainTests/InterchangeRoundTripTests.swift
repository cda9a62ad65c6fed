import Foundation
import Testing
import HosoDomain
import HosoStore

/// Export then import gives back every record, field by field, in both formats.
@Suite("Interchange round trip")
struct InterchangeRoundTripTests {
    static let data = try! SyntheticProvince(provinceCode: 20, persons: 2_000, events: 10_000, seed: 7)

    /// Persons with every field set, text that needs quoting or escaping, and events of every shape.
    static func awkwardPersons() -> [Person] {
        let c = data.communes[0].ref, other = data.communes[1].ref
        let d = InterchangeFixtures.d
        var a = Person(id: 900_001, fullName: "Đỗ Thị \"Hoa\", con ông Nguyễn Văn Ất", commune: c, fileOpened: d("2024-02-29"))
        a.birthDate = d("2008-02-29"); a.sex = .female; a.nationalID = "020308001234"
        a.village = "Xóm 2,\r\nngõ 5\nnhà 3"; a.permanentCommune = other; a.permanentVillage = "Bản Ðà \"Lạt\""
        a.occupation = "Lao động tự do, làm thuê"; a.drugs = ["ma túy đá", "heroin", "cần sa, thuốc lắc"]
        a.notPresent = true; a.fromAnotherLocality = true
        a.events = [
            PersonEvent(date: d("2024-02-29"), kind: .testResult, outcome: .positive, note: "test nhanh\tâm tính\u{1}", sequence: 1),
            PersonEvent(date: d("2024-03-05"), kind: .rehabDecision, program: .voluntaryAtFacility, termMonths: 9, sequence: 2),
            PersonEvent(date: d("2024-04-01"), kind: .moveOut, commune: other, note: "chuyển đến \"xã bên\", ở nhờ\r\nnhà chú", sequence: 3),
            PersonEvent(date: d("2024-05-01"), kind: .moveIn, commune: c, carriedStatus: .illegalUser, carriedTermEnd: d("2025-01-31"), sequence: 4),
            PersonEvent(date: d("2024-05-02"), kind: .correction, voids: 3, sequence: 5),
            PersonEvent(date: d("2024-06-01"), kind: .methadoneExit, outcome: .forcedExit, sequence: 6),
            PersonEvent(date: d("2024-07-01"), kind: .rehabAbsconding, sequence: 7),
            PersonEvent(date: d("2024-08-01"), kind: .rehabReturn, sequence: 8),
            PersonEvent(date: d("2024-09-01"), kind: .absenceWithoutNotice, sequence: 9),
            PersonEvent(date: d("2024-10-01"), kind: .absenceReturn, sequence: 10),
        ]
        var b = Person(id: 900_002, fullName: "A", commune: c, fileOpened: d("1999-12-31"))   // every optional absent
        b.events = []
        var e = Person(id: 18_446_744_073_709_551_615, fullName: "Ông \\ gạch chéo / và ' nháy đơn", commune: c, fileOpened: d("2025-01-01"))
        e.events = [PersonEvent(date: d("2025-01-01"), kind: .highRiskSet, program: .compulsory, termMonths: -3, voids: 0, note: "", sequence: 0)]
        e.events[0].note = "🙂 emoji and \u{7F} DEL"
        return [a, b, e]
    }

    static var originalPersons: [Person] {
        (Array(data.persons()) + awkwardPersons()).map { var p = $0; p.history = []; return p }
    }

    static var originalEvents: [CaseEvent] {
        let c = data.communes[0].ref
        var a = CaseEvent(id: 800_001, kind: .drugCase, commune: c, date: InterchangeFixtures.d("2025-06-10"))
        a.personIDs = [1, 2, 3]; a.offenceArticle = 249; a.stage = .tried; a.arrested = 3; a.mobileTrial = true
        a.note = "Vụ án \"mua bán\", tang vật:\n12 gói"
        var b = CaseEvent(id: 800_002, kind: .tip, commune: c, date: InterchangeFixtures.d("2025-06-10"))
        b.tipOutcome = .notProsecute; b.resolvedDate = InterchangeFixtures.d("2025-07-01"); b.areaM2 = -1; b.plants = 2_000_000_000
        b.extensions = 2
        var h = CaseEvent(id: 800_003, kind: .hotspot, commune: c, date: InterchangeFixtures.d("2025-08-10"))
        h.reforms = 18_446_744_073_709_551_615
        return Array(data.events()) + [a, b, h]
    }

    @Test(arguments: InterchangeFormat.allCases)
    func persons(_ format: InterchangeFormat) throws {
        let dir = try InterchangeFixtures.directory()
        let path = dir + "persons.\(format.rawValue)"
        let originals = Self.originalPersons
        #expect(originals.count == 2_003)
        #expect(originals.contains { !$0.events.isEmpty })
        let written = try PersonWriter.export(originals, to: path, format: format)
        #expect(written == originals.count)

        let (records, errors) = InterchangeFixtures.readAll(try ImportReader.persons(at: path, format: format, provinceCode: 20))
        #expect(errors.isEmpty, "\(errors.prefix(3))")
        try #require(records.count == originals.count)
        var mismatches = 0
        for ((read, _), original) in zip(records, originals) {
            let diff = personDifferences(read, original)
            if !diff.isEmpty {
                mismatches += 1
                if mismatches <= 5 { Issue.record("person \(original.id): \(diff.joined(separator: "; "))") }
            }
        }
        #expect(mismatches == 0)
        // Line numbers: NDJSON one per line; CSV after the header, shifted by quoted line breaks.
        if format == .ndjson { #expect(records.map(\.line) == Array(1...originals.count)) }
        else { #expect(records.first?.line == 2 && records[1].line == 3) }

        // Writing what was read gives the same bytes.
        let again = dir + "again.\(format.rawValue)"
        try PersonWriter.export(records.map(\.value), to: again, format: format,
                                personEventsPath: format == .csv ? dir + "again_events.csv" : nil)
        #expect(try InterchangeFixtures.bytes(again) == InterchangeFixtures.bytes(path))
        if format == .csv {
            #expect(try InterchangeFixtures.bytes(dir + "again_events.csv") == InterchangeFixtures.bytes(dir + "person_events.csv"))
        }
    }

    @Test(arguments: InterchangeFormat.allCases)
    func caseEvents(_ format: InterchangeFormat) throws {
        let dir = try InterchangeFixtures.directory()
        let path = dir + "events.\(format.rawValue)"
        let originals = Self.originalEvents
        #expect(originals.count == 10_003)
        try CaseEventWriter.export(originals, to: path, format: format)

        let (records, errors) = InterchangeFixtures.readAll(try ImportReader.caseEvents(at: path, format: format, provinceCode: 20))
        #expect(errors.isEmpty, "\(errors.prefix(3))")
        try #require(records.count == originals.count)
        var mismatches = 0
        for ((read, _), original) in zip(records, originals) {
            let diff = caseEventDifferences(read, original)
            if !diff.isEmpty {
                mismatches += 1
                if mismatches <= 5 { Issue.record("event \(original.id): \(diff.joined(separator: "; "))") }
            }
        }
        #expect(mismatches == 0)
        let again = dir + "again.\(format.rawValue)"
        try CaseEventWriter.export(records.map(\.value), to: again, format: format)
        #expect(try InterchangeFixtures.bytes(again) == InterchangeFixtures.bytes(path))
    }

    @Test func csvLooksAsDocumented() throws {
        let dir = try InterchangeFixtures.directory()
        try PersonWriter.export(Self.awkwardPersons().prefix(2), to: dir + "persons.csv", format: .csv, byteOrderMark: true)
        let text = String(decoding: try InterchangeFixtures.bytes(dir + "persons.csv"), as: UTF8.self)
        let communes = (Self.data.communes[0].ref.commune, Self.data.communes[1].ref.commune)
        let expected = "\u{FEFF}id,full_name,birth_date,sex,national_id,commune_code,village,permanent_commune_code,permanent_village,occupation,drugs,file_opened,not_present,from_another_locality,named_commune_code,named_district_code,placed_by\r\n"
            + "900001,\"Đỗ Thị \"\"Hoa\"\", con ông Nguyễn Văn Ất\",2008-02-29,female,020308001234,\(communes.0),\"Xóm 2,\r\nngõ 5\nnhà 3\","
            + "\(communes.1),\"Bản Ðà \"\"Lạt\"\"\",\"Lao động tự do, làm thuê\",\"ma túy đá;heroin;cần sa, thuốc lắc\",2024-02-29,1,1,,,\r\n"
            + "900002,A,,unknown,,\(communes.0),,,,,,1999-12-31,0,0,,,\r\n"
        #expect(text == expected)
        let events = String(decoding: try InterchangeFixtures.bytes(dir + "person_events.csv"), as: UTF8.self)
        #expect(events.hasPrefix("\u{FEFF}person_id,sequence,date,kind,outcome,program,term_months,commune_code,carried_status,carried_term_end,voids,note\r\n"
                                 + "900001,1,2024-02-29,test_result,positive,,,,,,,test nhanh\tâm tính\u{1}\r\n"))
        #expect(events.contains("900001,4,2024-05-01,move_in,,,,\(communes.0),illegal_user,2025-01-31,,\r\n"))
    }

    @Test func ndjsonLooksAsDocumented() throws {
        let dir = try InterchangeFixtures.directory()
        var p = Self.awkwardPersons()[1]
        p.events = [PersonEvent(date: InterchangeFixtures.d("2000-01-02"), kind: .testResult, outcome: .negative, note: "a\n\"b\"", sequence: 1)]
        try PersonWriter.export([p], to: dir + "persons.ndjson", format: .ndjson)
        let c = Self.data.communes[0].ref.commune
        #expect(String(decoding: try InterchangeFixtures.bytes(dir + "persons.ndjson"), as: UTF8.self) ==
            #"{"id":900002,"full_name":"A","sex":"unknown","commune_code":\#(c),"drugs":[],"file_opened":"1999-12-31","not_present":false,"from_another_locality":false,"events":[{"sequence":1,"date":"2000-01-02","kind":"test_result","outcome":"negative","note":"a\n\"b\""}]}"# + "\n")
    }

    @Test func writerRefusesWhatCannotReadBack() throws {
        let dir = try InterchangeFixtures.directory()
        var p = Self.awkwardPersons()[1]
        p.drugs = ["a;b"]
        let writer = try PersonWriter(path: dir + "persons.csv", format: .csv)
        #expect(throws: InterchangeError.self) { try writer.write(p) }
        p.drugs = ["a"]
        try writer.write(p)
        #expect(!FileManager.default.fileExists(atPath: dir + "persons.csv"))   // not until finished
        try writer.finish()
        let (records, errors) = InterchangeFixtures.readAll(try ImportReader.persons(at: dir + "persons.csv", format: .csv, provinceCode: 20))
        #expect(errors.isEmpty && records.map(\.value) == [p])

        // A drug name with ';' is fine in NDJSON; a year past 9999 in neither.
        p.drugs = ["a;b"]
        try PersonWriter.export([p], to: dir + "p.ndjson", format: .ndjson)
        #expect(try ImportReader.persons(at: dir + "p.ndjson", format: .ndjson, provinceCode: 20).compactMap(\.value) == [p])
        p.fileOpened = Day(year: 10_000, month: 1, day: 1)!
        #expect(throws: InterchangeError.self) { try PersonWriter.export([p], to: dir + "p2.ndjson", format: .ndjson) }
        #expect(!FileManager.default.fileExists(atPath: dir + "p2.ndjson"))
    }
}
