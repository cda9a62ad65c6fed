import Testing
@testable import HosoDomain
import HosoStore

@Suite struct RecordFormatTests {
    func sample() -> Person {
        var p = Person(id: 7, fullName: "Hoàng Văn Đức", commune: CommuneRef(province: 20, commune: 6253), fileOpened: d("2024-04-02"))
        p.birthDate = d("1991-07-15"); p.sex = .male; p.nationalID = "020091000123"; p.village = "Thôn Nà Pàn"
        p.drugs = ["Heroin"]; p.events = [PersonEvent(date: d("2024-04-02"), kind: .managementDecision, sequence: 1)]
        p.history = [StatusInterval(status: .illegalUser, commune: p.commune, start: d("2024-04-02"), end: d("2025-04-02"), endsByTerm: true)]
        return p
    }

    @Test func aNewerWritersExtraFieldsAreSkipped() throws {
        let p = sample()
        var bytes = p.encoded()
        // Fields 40 and 41 as a later version might add them: a string and an integer.
        var extra = RecordWriter(formatVersion: 1)
        extra.write(40, "a field this version does not know"); extra.write(41, Int64(99))
        bytes += extra.bytes.dropFirst()
        let read = try bytes.withUnsafeBytes { try Person.decode(id: 7, $0) }
        #expect(read == p)
    }

    @Test func anOlderRecordWithoutNewerFieldsReadsWithDefaults() throws {
        // An early file: name, commune and opening day only.
        var w = RecordWriter(formatVersion: 1)
        w.write(1, "Lý Thị Hoa")
        w.writeMessage(5) { m in m.write(1, Int64(20)); m.write(3, Int64(6253)) }
        w.write(11, Int64(d("2023-05-01").rawValue))
        let read = try w.bytes.withUnsafeBytes { try Person.decode(id: 3, $0) }
        #expect(read.fullName == "Lý Thị Hoa" && read.commune == CommuneRef(province: 20, commune: 6253))
        #expect(read.nationalID == nil && read.events.isEmpty && read.sex == .unknown && !read.notPresent)
    }

    @Test func eventNotesAreWrittenApartAndOlderRecordsKeepThemInside() throws {
        var p = sample()
        p.events.append(PersonEvent(date: d("2024-09-01"), kind: .educationMeasure, note: "giáo dục tại xã", sequence: 2))
        p.events.append(PersonEvent(date: d("2024-10-01"), kind: .testResult, sequence: 3))
        p.events[0].note = "quyết định quản lý"
        let bytes = p.encoded()
        // The notes are not inside the events (field 14) but in field 18, by the event's place.
        var events: [[UInt8]] = [], notes = 0
        try bytes.withUnsafeBytes { buffer in
            var r = try RecordReader(buffer, recordType: "person")
            while let f = try r.next() {
                if f.number == 14 { events.append(Array(try f.bytes())) }
                if f.number == 18 { notes += 1 }
            }
        }
        #expect(events.count == 3 && notes == 2)
        #expect(!events.contains { String(decoding: $0, as: UTF8.self).contains("giáo dục") })
        #expect(try bytes.withUnsafeBytes { try Person.decode(id: 7, $0) } == p)
        // A record written before: the note inside its event (field 11 of field 14).
        var w = RecordWriter(formatVersion: 1)
        w.write(1, "Lý Thị Hoa")
        w.writeMessage(5) { m in m.write(1, Int64(20)); m.write(3, Int64(6253)) }
        w.write(11, Int64(d("2023-05-01").rawValue))
        w.writeMessage(14) { m in
            m.write(1, 1); m.write(2, Int64(d("2023-05-01").rawValue)); m.write(3, PersonEvent.Kind.managementDecision.rawValue)
            m.write(11, "ghi chú cũ")
        }
        let older = try w.bytes.withUnsafeBytes { try Person.decode(id: 3, $0) }
        #expect(older.events.map(\.note) == ["ghi chú cũ"])
        // A note naming an event the file does not have is an error, not a crash.
        var bad = RecordWriter(formatVersion: 1)
        bad.write(1, "X")
        bad.writeMessage(18) { m in m.write(1, 4); m.write(2, "?") }
        #expect(throws: HosoError.self) { try bad.bytes.withUnsafeBytes { try Person.decode(id: 4, $0) } }
    }

    @Test func theNamedPlaceOfOldDataRoundTripsAndOlderRecordsHaveNone() throws {
        var p = sample()
        #expect(try p.encoded().withUnsafeBytes { try Person.decode(id: 7, $0) }.namedPlace == nil)
        p.namedPlace = NamedPlace(commune: CommuneRef(province: 20, district: 181, commune: 6079), placedBy: .officer)
        let read = try p.encoded().withUnsafeBytes { try Person.decode(id: 7, $0) }
        #expect(read == p && read.namedPlace?.commune.path == [20, 181, 6079])
        #expect(p.withoutSealedFields().namedPlace == p.namedPlace, "a commune code stays in clear")
        var e = CaseEvent(id: 5, kind: .tip, commune: CommuneRef(province: 20, commune: 6184), date: d("2024-06-03"))
        #expect(try e.encoded().withUnsafeBytes { try CaseEvent.decode(id: 5, $0) }.namedPlace == nil)
        e.namedPlace = NamedPlace(commune: CommuneRef(province: 20, district: 181, commune: 6079), placedBy: .primary)
        #expect(try e.encoded().withUnsafeBytes { try CaseEvent.decode(id: 5, $0) } == e)
    }

    @Test func caseEventsRoundTrip() throws {
        var e = CaseEvent(id: 5, kind: .drugCase, commune: CommuneRef(province: 20, commune: 6253), date: d("2025-06-03"))
        e.offenceArticle = 251; e.stage = .tried; e.arrested = 2; e.personIDs = [7, 9]; e.mobileTrial = true; e.note = "xét xử lưu động"
        let read = try e.encoded().withUnsafeBytes { try CaseEvent.decode(id: 5, $0) }
        #expect(read == e)
    }
}
