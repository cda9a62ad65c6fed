import Foundation
import Testing
import HosoDomain
import HosoStore

/// Damaged and awkward files: each bad row gives the expected row error with its line, and
/// the good rows of the same file still come through.
@Suite("Interchange malformed files")
struct InterchangeMalformedTests {
    typealias F = InterchangeFixtures

    /// persons.csv with a BOM, CRLF line ends, columns in another order (and some left out),
    /// a multi-line quoted row, and one bad row of each kind.
    static func personsCSV() -> [UInt8] {
        var b: [UInt8] = [0xEF, 0xBB, 0xBF]
        func line(_ s: String) { b += Array(s.utf8) + [13, 10] }
        line("full_name,id,commune_code,file_opened,birth_date,national_id,village,drugs,sex,not_present")   // 1
        line("Nguyễn Văn An,1,6253,2025-03-10,1990-05-01,020090001234,Thôn 1,ma túy đá;heroin,male,0")       // 2 good
        b += [0x4C, 0xC3, 0x28, 0xFF]                                                                        // 3 bad UTF-8
        line(",2,6253,2025-03-10,,,,,,0")
        line("Trần Thị Bình,3,6253")                                                                          // 4 short
        line("Lê Văn Cường,4,6253,2025-03-10,,,,,,0,extra")                                                  // 5 too many
        line("Phạm Văn Dũng,5,6253,2025-02-30,,,,,,0")                                                       // 6 bad date
        line("Hoàng Văn Em,6,6253,2025-03-10,,02009000123,,,,0")                                             // 7 11-digit ID
        line("\"Đỗ Thị \"\"Hoa\"\", con\",\"7\",6253,10/03/2025,\"1/5/1990\",,\"Xóm 2,\r\nngõ 5\nnhà 3\",,female,true")  // 8–10
        line("Vũ Văn Giang,8,6253,2025-03-10,,,,,,1")                                                         // 11
        line("")                                                                                              // 12 blank
        line("Bùi Văn Hải,9,6253,2025-03-10,,,,,,TRUE")                                                      // 13
        b += Array("\"Ngô Văn Ích,10,6253,2025-03-10".utf8)                                                  // 14 cut short
        return b
    }

    static let personEventsCSV = """
        person_id,date,kind,sequence,outcome,note
        1,2025-03-10,management_decision,1,,
        8,2025-03-10,management_decision,1,,
        8,2025-04-01,bad_kind,2,,
        7,2025-03-12,test_result,2,positive,"ghi chú, có dấu phẩy"
        7,2025-03-10,test_result,1,negative,
        99,2025-03-10,death,1,,

        """

    @Test func personsCSV() throws {
        let dir = try F.directory()
        try F.write(Self.personsCSV(), to: dir + "persons.csv")
        try F.write(Self.personEventsCSV, to: dir + "person_events.csv")
        let reader = try ImportReader.persons(at: dir + "persons.csv", format: .csv)
        #expect(reader.headers[dir + "persons.csv"]?.hasPrefix("full_name,id,") == true)
        let (records, errors) = F.readAll(reader)

        #expect(records.map(\.line) == [2, 8, 13])
        #expect(records.map(\.value.id) == [1, 7, 9])
        let an = records[0].value
        #expect(an.fullName == "Nguyễn Văn An" && an.drugs == ["ma túy đá", "heroin"] && an.sex == .male)
        #expect(an.nationalID == "020090001234" && an.birthDate == F.d("1990-05-01") && an.village == "Thôn 1")
        #expect(an.commune == CommuneRef(province: 0, commune: 6253))
        #expect(an.events.map(\.kind) == [.managementDecision])
        let hoa = records[1].value
        #expect(hoa.fullName == "Đỗ Thị \"Hoa\", con")
        #expect(hoa.village == "Xóm 2,\r\nngõ 5\nnhà 3")
        #expect(hoa.fileOpened == F.d("2025-03-10") && hoa.birthDate == F.d("1990-05-01"))
        #expect(hoa.sex == .female && hoa.notPresent && hoa.drugs.isEmpty && hoa.nationalID == nil)
        // Events come in sequence order whatever the file order.
        #expect(hoa.events.map(\.sequence) == [1, 2])
        #expect(hoa.events.map(\.outcome) == [.negative, .positive])
        #expect(hoa.events[1].note == "ghi chú, có dấu phẩy")
        #expect(records[2].value.notPresent && records[2].value.events.isEmpty)

        let expected: [(file: String, line: Int, field: String?, says: String)] = [
            ("persons.csv", 3, "full_name", "UTF-8"),
            ("persons.csv", 4, nil, "has 3 fields but the header has 10"),
            ("persons.csv", 5, nil, "has 11 fields"),
            ("persons.csv", 6, "file_opened", "February 2025 has 28 days"),
            ("persons.csv", 7, "national_id", "exactly 12 digits"),
            ("persons.csv", 14, nil, "not closed before the end of the file"),
            ("person_events.csv", 3, "person_id", "its person (\(dir)persons.csv line 11) is rejected"),
            ("person_events.csv", 4, "kind", "'bad_kind' is not a known person event kind"),
            ("person_events.csv", 7, "person_id", "names person 99, who is not in"),
        ]
        // Person 8 is rejected for its bad event row (between rows 7 and 14 in file order).
        let person8 = try #require(errors.first { $0.line == 11 })
        #expect(person8.file == dir + "persons.csv" && person8.field == "events")
        #expect(person8.reason.contains("person_events.csv line 4 is rejected"))
        #expect(person8.text == "Vũ Văn Giang,8,6253,2025-03-10,,,,,,1")
        let others = errors.filter { $0 != person8 }
        try #require(others.count == expected.count, "\(errors)")
        for (e, x) in zip(others, expected) {
            #expect(e.file == dir + x.file, "\(e)")
            #expect(e.line == x.line, "\(e)")
            #expect(e.field == x.field, "\(e)")
            #expect(e.reason.contains(x.says), "\(e)")
        }
        #expect(errors.map(\.line) == [3, 4, 5, 6, 7, 11, 14, 3, 4, 7])
        // The raw text of each rejected row, for the reject file.
        #expect(others[0].raw == [0x4C, 0xC3, 0x28, 0xFF] + Array(",2,6253,2025-03-10,,,,,,0".utf8))
        #expect(others[1].text == "Trần Thị Bình,3,6253")
        #expect(others[5].text == "\"Ngô Văn Ích,10,6253,2025-03-10")
        #expect(others[7].text == "8,2025-04-01,bad_kind,2,,")
        #expect(others[8].text == "99,2025-03-10,death,1,,")
    }

    @Test func caseEventsCSV() throws {
        let dir = try F.directory()
        try F.write("""
            id,kind,commune_code,date,person_ids,note
            1,tip,6253,2025-01-02,1;2,ok
            2,robbery,6253,2025-01-02,,
            3,drug_case,6253,2025-02-30,,
            4,hotspot,6253,02/01/2025,,"a ""quoted"" note, with comma"
            5,tip,6253,2025-01-02,1;x,
            6,tip,abc,2025-01-02,,
            7,tip,6253,2025-01-02,,"bad"x
            ,,,,,
            9,tip,6253,2025-01-02,,"not closed
            more text
            """, to: dir + "events.csv")
        let (records, errors) = F.readAll(try ImportReader.caseEvents(at: dir + "events.csv", format: .csv, provinceCode: 20))
        #expect(records.map(\.line) == [2, 5])
        #expect(records[0].value.personIDs == [1, 2] && records[0].value.note == "ok" && records[0].value.kind == .tip)
        #expect(records[0].value.commune == CommuneRef(province: 20, commune: 6253))
        #expect(records[1].value.note == "a \"quoted\" note, with comma" && records[1].value.date == F.d("2025-01-02"))
        #expect(errors.map(\.line) == [3, 4, 6, 7, 8, 10])
        #expect(errors.map(\.field) == ["kind", "date", "person_ids", "commune_code", "note", nil])
        #expect(errors[0].reason.contains("'robbery' is not a known event kind; use one of: tip, drug_case"))
        #expect(errors[1].reason.contains("February 2025 has 28 days"))
        #expect(errors[4].reason.contains("after its closing quote"))
        #expect(errors[5].text == "9,tip,6253,2025-01-02,,\"not closed\nmore text")
    }

    @Test func headerProblemsRefuseTheFile() throws {
        let dir = try F.directory()
        try F.write("id,kind,commune_code,date,colour,Note\n1,tip,6253,2025-01-02,red,x\n", to: dir + "unknown.csv")
        try F.write("\u{FEFF}id,kind,commune_code\r\n1,tip,6253\r\n", to: dir + "missing.csv")
        try F.write("id,kind,kind,commune_code,date\n", to: dir + "twice.csv")
        try F.write("", to: dir + "empty.csv")
        func headerError(_ name: String) -> RowError? {
            do { _ = try ImportReader.caseEvents(at: dir + name, format: .csv); return nil }
            catch { if case let .badHeader(e) = error { return e }; return nil }
        }
        let unknown = try #require(headerError("unknown.csv"))
        #expect(unknown.line == 1 && unknown.field == "header" && unknown.reason.contains("unknown column 'colour'"))
        #expect(!unknown.reason.contains("'note'"))   // header names are matched without regard to case
        let missing = try #require(headerError("missing.csv"))
        #expect(missing.line == 1 && missing.reason.contains("required column 'date' missing"))
        #expect(try #require(headerError("twice.csv")).reason.contains("'kind' named twice"))
        #expect(try #require(headerError("empty.csv")).reason.contains("the file is empty"))
        #expect(throws: InterchangeError.self) { _ = try ImportReader.caseEvents(at: dir + "absent.csv", format: .csv) }
        // Persons in CSV need their events file.
        try F.write("id,full_name,commune_code,file_opened\n", to: dir + "persons.csv")
        #expect(throws: InterchangeError.cannotOpen(path: dir + "person_events.csv", reason: "No such file or directory")) {
            _ = try ImportReader.persons(at: dir + "persons.csv", format: .csv)
        }
    }

    @Test func personsNDJSON() throws {
        let dir = try F.directory()
        var b: [UInt8] = [0xEF, 0xBB, 0xBF]
        func line(_ s: String, end: [UInt8] = [10]) { b += Array(s.utf8) + end }
        line(#"{"id":1,"full_name":"Nguyễn Văn An","commune_code":6253,"file_opened":"2025-03-10","events":[{"sequence":1,"date":"2025-03-10","kind":"management_decision"}]}"#)
        line(#"{"id":2,"full_name":"X","commune_code":6253,"file_opened":"2025-03-10","colour":"red"}"#)
        b += Array(#"{"id":3,"full_name":""#.utf8) + [0xE1, 0x80] + Array(#"","commune_code":6253,"file_opened":"2025-03-10"}"#.utf8) + [10]
        line("   ")
        line(#"{"id":4,"full_name":"Y","commune_code":6253,"file_opened":"2025-03-10","events":[{"sequence":1,"date":"2025-03-10","kind":"management_decision"},{"date":"2025-13-01","kind":"test_result"}]}"#)
        line(#"{"id":5,"full_name":"Z","commune_code":6253,"file_opened":"10/03/2025","national_id":"02009000123"}"#)
        line(#" { "id" : 6 , "full_name" : "Trần Thị \u0042ình \"Bé\" \ud83d\ude42", "commune_code" : 6253, "file_opened" : "10/3/2025", "drugs" : ["ma túy đá", "heroin"], "not_present" : true, "birth_date": null } "#, end: [13, 10])
        line(#"{"id":7,"full_name":"W","commune_code":6253}"#)
        line(#"{"id":8,"full_name":"V","commune_code":6253,"file_opened":"2025-03-10","events":[{"date":"2025-03-10","kind":"bogus"}]}"#)
        line(#"{"id":9,"full_name":"V","commune_code":"6253","file_opened":"2025-03-10","sex":"f"}"#)
        line(#"[1,2]"#)
        b += Array(#"{"id":10,"full_name":"cut"#.utf8)
        try F.write(b, to: dir + "persons.ndjson")

        let (records, errors) = F.readAll(try ImportReader.persons(at: dir + "persons.ndjson", format: .ndjson, provinceCode: 20))
        #expect(records.map(\.line) == [1, 7])
        #expect(records[0].value.events == [PersonEvent(date: F.d("2025-03-10"), kind: .managementDecision, sequence: 1)])
        let six = records[1].value
        #expect(six.fullName == "Trần Thị Bình \"Bé\" 🙂" && six.drugs == ["ma túy đá", "heroin"] && six.notPresent)
        #expect(six.fileOpened == F.d("2025-03-10") && six.birthDate == nil)
        #expect(errors.map(\.line) == [2, 3, 5, 6, 8, 9, 10, 11, 12])
        #expect(errors.map(\.field) == ["colour", "full_name", "events[1].date", "national_id", "file_opened", "events[0].kind", "sex", nil, "full_name"])
        #expect(errors[0].reason.contains("is not a known field"))
        #expect(errors[2].reason.contains("month 13 out of range"))
        #expect(errors[4].reason.contains("required"))
        #expect(errors[7].reason.contains("not a JSON object"))
        #expect(errors[8].reason.contains("not valid JSON") && errors[8].text == #"{"id":10,"full_name":"cut"#)
    }

    @Test func caseEventsNDJSON() throws {
        let dir = try F.directory()
        try F.write("""
            {"id":1,"kind":"tip","commune_code":6253,"date":"2025-01-02","person_ids":[1,2],"tip_outcome":"suspend","mobile_trial":false}
            {"id":2,"kind":"robbery","commune_code":6253,"date":"2025-01-02"}
            {"id":3,"kind":"drug_case","commune_code":6253,"date":"2025-01-02","person_ids":"1;2"}
            {"id":4,"kind":"drug_case","commune_code":6253,"date":"2025-01-02","stage":"tried","arrested":2.5}
            {"id":5,"kind":"cultivation","commune_code":6253,"date":"2025-01-02","area_m2":120,"plants":600,"id":6}
            {"id":7,"kind":"training","commune_code":6253,"date":"2025-01-02","quantity":30,"note":null}
            """, to: dir + "events.ndjson")
        let (records, errors) = F.readAll(try ImportReader.caseEvents(at: dir + "events.ndjson", format: .ndjson))
        #expect(records.map(\.line) == [1, 6])
        #expect(records[0].value.tipOutcome == .suspend && records[0].value.personIDs == [1, 2])
        #expect(records[1].value.quantity == 30 && records[1].value.note == nil)
        #expect(errors.map(\.line) == [2, 3, 4, 5])
        #expect(errors.map(\.field) == ["kind", "person_ids", "arrested", "id"])
        #expect(errors[3].reason == "appears twice in the object")
    }

    @Test func rejectFiles() throws {
        let dir = try F.directory()
        try F.write("id,kind,commune_code,date,note\n1,tip,6253,2025-01-02,ok\n2,tip,6253,2025-02-30,\"x,\n\"\"y\"\"\"\n", to: dir + "events.csv")
        let reader = try ImportReader.caseEvents(at: dir + "events.csv", format: .csv)
        let csv = try RejectWriter(path: dir + "rejects.csv", format: .csv, header: reader.headers[reader.file])
        let json = try RejectWriter(path: dir + "rejects.ndjson", format: .ndjson)
        let good = Array(reader.values { error in
            try? csv.write(error)
            try? json.write(error)
        })
        try csv.finish(); try json.finish()
        #expect(good.map(\.id) == [1])
        #expect(csv.count == 1 && json.count == 1)
        let csvText = String(decoding: try F.bytes(dir + "rejects.csv"), as: UTF8.self)
        #expect(csvText == "id,kind,commune_code,date,note,line,reason\r\n2,tip,6253,2025-02-30,\"x,\n\"\"y\"\"\",3,"
                + "date: '2025-02-30' is not a valid date: February 2025 has 28 days; write YYYY-MM-DD (or DD/MM/YYYY)\r\n")
        let object = try JSONSerialization.jsonObject(with: Data(try F.bytes(dir + "rejects.ndjson"))) as? [String: Any]
        #expect(object?["line"] as? Int == 3)
        #expect(object?["field"] as? String == "date")
        #expect(object?["text"] as? String == "2,tip,6253,2025-02-30,\"x,\n\"\"y\"\"\"")
        #expect((object?["reason"] as? String)?.hasPrefix("'2025-02-30' is not a valid date") == true)
    }

    @Test func oversizedRowsDoNotPullTheFileIntoMemory() throws {
        let dir = try F.directory()
        // An unclosed quote on line 3, then 9 MB of rows with no content, then a good row.
        var csv = Array("id,kind,commune_code,date,note\n1,tip,6253,2025-01-02,ok\n2,tip,6253,2025-01-02,\"unclosed\n".utf8)
        let filler = [UInt8](repeating: UInt8(ascii: ","), count: 1_000) + [10]
        for _ in 0..<9_000 { csv += filler }
        csv += Array("3,tip,6253,2025-01-03,after\n".utf8)
        try F.write(csv, to: dir + "events.csv")
        let (records, errors) = F.readAll(try ImportReader.caseEvents(at: dir + "events.csv", format: .csv))
        #expect(records.map(\.line) == [2, 9_004])
        #expect(records.map(\.value.note) == ["ok", "after"])
        #expect(errors.map(\.line) == [3])
        #expect(errors.first?.reason.contains("longer than 8 MiB") == true)
        #expect(errors.first?.text == "2,tip,6253,2025-01-02,\"unclosed")

        var json = Array(#"{"id":1,"kind":"tip","commune_code":6253,"date":"2025-01-02"}"#.utf8) + [10]
        json += Array(#"{"id":2,"note":""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 9 << 20) + Array(#""}"#.utf8) + [10]
        json += Array(#"{"id":3,"kind":"tip","commune_code":6253,"date":"2025-01-02","events":1}"#.utf8) + [10]
        json += Array(#"{"id":4,"kind":"tip","commune_code":6253,"date":"2025-01-02","note":["a"]}"#.utf8) + [10]
        json += Array(#"{"id":5,"kind":"tip","commune_code":6253,"date":"2025-01-02"}"#.utf8) + [10]
        try F.write(json, to: dir + "events.ndjson")
        let (jsonRecords, jsonErrors) = F.readAll(try ImportReader.caseEvents(at: dir + "events.ndjson", format: .ndjson))
        #expect(jsonRecords.map(\.line) == [1, 5])
        #expect(jsonErrors.map(\.line) == [2, 3, 4])
        #expect(jsonErrors.map(\.field) == [nil, "events", "note"])
        #expect(jsonErrors[0].reason.contains("longer than 8 MiB") && jsonErrors[0].raw.count == 8 << 20)
        #expect(jsonErrors[1].reason.contains("is not a known field"))
        #expect(jsonErrors[2].reason.contains("an array where a single value belongs"))

        // Persons: "events" must be an array.
        try F.write(#"{"id":1,"full_name":"A","commune_code":6253,"file_opened":"2025-01-02","events":{"date":"2025-01-02"}}"# + "\n", to: dir + "p.ndjson")
        let (_, personErrors) = F.readAll(try ImportReader.persons(at: dir + "p.ndjson", format: .ndjson))
        #expect(personErrors.map(\.field) == ["events"])
    }

    @Test func rejectFileClosesACutQuote() throws {
        let dir = try F.directory()
        try F.write("id,kind,commune_code,date,note\n1,tip,6253,2025-01-02,\"cut\nshort", to: dir + "events.csv")
        let reader = try ImportReader.caseEvents(at: dir + "events.csv", format: .csv)
        let rejects = try RejectWriter(path: dir + "rejects.csv", format: .csv)
        for row in reader { if let e = row.error { try rejects.write(e) } }
        try rejects.finish()
        #expect(String(decoding: try F.bytes(dir + "rejects.csv"), as: UTF8.self) ==
                "1,tip,6253,2025-01-02,\"cut\nshort\",2,\"a quoted field is not closed before the end of the file: the file may be cut short, or a quote is missing\"\r\n")
    }

    @Test func preparedByTenantRejectsWithLineNumbers() throws {
        let dir = try F.directory()
        let store = try Store(directory: dir + "store")
        let program = try ProgramTenant.create(in: store, name: "lang-son", provinceCode: 20)
        let commune = program.settings.communes[0].ref.commune
        try F.write("""
            id,full_name,commune_code,file_opened,birth_date,national_id
            1,Nguyễn Văn An,\(commune),2025-03-10,1990-05-01,020090001234
            2,Trần Văn Bình,999999,2025-03-10,,
            3,Lê Văn Cường,\(commune),2025-03-10,2026-01-01,
            4,"  ",\(commune),2025-03-10,,

            """, to: dir + "persons.csv")
        try F.write("""
            person_id,sequence,date,kind,outcome
            1,1,2025-03-10,addiction_determination,addicted
            2,1,2025-03-10,management_decision,
            3,1,2025-03-10,management_decision,
            2,2,2025-04-10,test_result,positive

            """, to: dir + "person_events.csv")
        let reader = try ImportReader.persons(at: dir + "persons.csv", format: .csv).prepared(by: program)
        var errors: [RowError] = []
        try program.load(persons: reader.values { errors.append($0) }, events: [CaseEvent]())
        #expect(errors.map(\.line) == [3, 4, 5, 3, 4, 5])
        #expect(errors.map(\.field) == ["commune_code", "birth_date", "full_name", "person_id", "person_id", "person_id"])
        #expect(errors[0].reason.contains("999999 is not a commune of this tenant"))
        #expect(errors[0].text == "2,Trần Văn Bình,999999,2025-03-10,,")
        #expect(errors[3].file == dir + "person_events.csv" && errors[3].text == "2,1,2025-03-10,management_decision,")
        #expect(errors[3].reason.contains("its person (\(dir)persons.csv line 3) is rejected: "))
        let loaded = try program.tenant.read { try $0.get(Person.self, id: 1) }
        #expect(loaded?.status(on: F.d("2025-06-01")) == .addict)
        #expect(try program.tenant.read { try $0.get(Person.self, id: 2) } == nil)
    }
}
